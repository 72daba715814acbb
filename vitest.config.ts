import { resolve } from 'node:path';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vitest/config';

const alias = { '@shared': resolve(import.meta.dirname, 'shared/src') };

/**
 * Two projects:
 * - unit: tests beside the code in shared/, native-host/ and extension/ (Node; a file may ask for
 *   `// @vitest-environment happy-dom`).
 * - browser: integration and end-to-end tests in test/ that start real browsers, the native host and
 *   the virtual key. One file at a time: this machine has two cores.
 */
export default defineConfig({
  plugins: [preact()],
  resolve: { alias },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: [
            'shared/src/**/*.test.ts',
            'native-host/src/**/*.test.ts',
            'extension/**/*.test.{ts,tsx}',
            'scripts/**/*.test.ts',
          ],
          environment: 'node',
          testTimeout: 20_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          maxWorkers: 1,
        },
      },
    ],
  },
});
