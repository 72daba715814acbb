import { resolve } from 'node:path';
import preact from '@preact/preset-vite';
import { defineConfig } from 'wxt';
import { DEVELOPMENT_EXTENSION_KEY, EXTENSION_IDS } from './extension/ids';

/**
 * WXT build for Chrome MV3 and Firefox MV3 (`wxt build`, `wxt build -b firefox --mv3`).
 * Entry points live in extension/entrypoints; shared code is imported as `@shared/...`.
 */
export default defineConfig({
  srcDir: 'extension',
  entrypointsDir: 'entrypoints',
  publicDir: 'extension/public',
  outDir: 'dist',
  imports: false,
  manifestVersion: 3,
  vite: () => ({
    plugins: [preact()],
    resolve: { alias: { '@shared': resolve(import.meta.dirname, 'shared/src') } },
    build: { sourcemap: false },
  }),
  manifest: ({ browser }) => ({
    name: 'mfa-bridge',
    description:
      'Fast, safe multi-factor sign-in: authenticator codes from an encrypted vault, and FIDO2 security keys through a native host.',
    ...(browser === 'firefox' ? {} : { key: DEVELOPMENT_EXTENSION_KEY }),
    permissions: [
      'storage',
      'alarms',
      'idle',
      'nativeMessaging',
      'activeTab',
      'scripting',
      'clipboardWrite',
      // Clearing a copied code only if the clipboard still holds it (not what the user copied since)
      // means reading it: extension/clipboard/background.ts. Chromium does that in an offscreen document.
      'clipboardRead',
      'webNavigation',
      'tabs',
      ...(browser === 'firefox' ? [] : ['offscreen']),
    ],
    host_permissions: ['<all_urls>'],
    // hash-wasm's Argon2id (the vault's key derivation) is WebAssembly: extension pages and the service
    // worker may compile Wasm, nothing else is relaxed.
    content_security_policy: { extension_pages: "script-src 'self' 'wasm-unsafe-eval'; object-src 'self';" },
    // Chrome reads enforced settings (storage.managed) against this schema, generated from the settings
    // schema by extension/settings/generate-cli.ts. Firefox takes policy from policies.json instead.
    ...(browser === 'firefox' ? {} : { storage: { managed_schema: 'managed_schema.json' } }),
    browser_specific_settings:
      browser === 'firefox'
        ? { gecko: { id: EXTENSION_IDS.firefox, strict_min_version: '128.0' } }
        : undefined,
  }),
});
