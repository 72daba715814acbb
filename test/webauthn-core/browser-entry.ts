// Bundled by esbuild (platform: browser) and loaded into a Chromium page, so the core runs with no Node
// built-ins. Exposes the public API on globalThis for page.evaluate().
import * as core from '../../shared/src/index.js';

(globalThis as unknown as { mfaCore: typeof core }).mfaCore = core;
