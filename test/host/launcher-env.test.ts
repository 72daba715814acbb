/**
 * The launcher browsers start must not let the user's environment inject code into the host:
 * NODE_OPTIONS (--require / --import) and the like are cleared before Node starts, while the host's
 * own MFA_BRIDGE_* settings still arrive.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { helloFrom } from '../support/host-hello';
import { ensureHostBuilt, HOST_LAUNCHER } from './host-process';

describe('host launcher environment', () => {
  let dir: string;
  beforeAll(() => {
    ensureHostBuilt();
    dir = mkdtempSync(join(tmpdir(), 'mfa-bridge-launcher-env-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('ignores NODE_OPTIONS --require and --import, and still answers hello', async () => {
    const cjsMark = join(dir, 'required');
    const esmMark = join(dir, 'imported');
    writeFileSync(
      join(dir, 'inject.cjs'),
      `require('node:fs').writeFileSync(${JSON.stringify(cjsMark)}, 'x');`,
    );
    writeFileSync(
      join(dir, 'inject.mjs'),
      `import { writeFileSync } from 'node:fs'; writeFileSync(${JSON.stringify(esmMark)}, 'x');`,
    );
    const r = await helloFrom(HOST_LAUNCHER, {
      ...process.env,
      NODE_OPTIONS: `--require ${join(dir, 'inject.cjs')} --import ${join(dir, 'inject.mjs')}`,
    });
    expect(r.reply).toMatchObject({ id: 'hello-1', ok: true });
    expect(existsSync(cjsMark)).toBe(false);
    expect(existsSync(esmMark)).toBe(false);
  });

  it('ignores NODE_PATH and the other NODE_* variables, keeps MFA_BRIDGE_* (a bad transport is reported)', async () => {
    const r = await helloFrom(HOST_LAUNCHER, {
      ...process.env,
      NODE_PATH: dir,
      NODE_REDIRECT_WARNINGS: join(dir, 'warnings.txt'),
      NODE_V8_COVERAGE: join(dir, 'coverage'),
      MFA_BRIDGE_TRANSPORT: 'not-a-transport',
    });
    expect(existsSync(join(dir, 'coverage'))).toBe(false);
    // The host's own variable still reaches it: an unknown transport is refused at start.
    expect(r.reply).toBeNull();
    expect(r.stderr).toMatch(/transport/i);
  });
});
