// Bundles the native host with esbuild into native-host/dist/, keeping node-hid (a native addon)
// external, and writes the executable launcher native-host/dist/mfa-bridge-host.
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { devLauncher } from './launcher.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'dist');
rmSync(join(out, 'chunks'), { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const { version } = JSON.parse(readFileSync(join(here, '..', 'package.json'), 'utf8'));

await build({
  entryPoints: { 'mfa-bridge-host': join(here, 'src/main.ts') },
  outdir: out,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  // Code the `hello` path does not need (CBOR, COSE, RP ID rules, CLI) loads on first use.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  external: ['node-hid'],
  tsconfig: join(here, '..', 'tsconfig.json'),
  banner: {
    js: "import { createRequire as __mfaCreateRequire } from 'node:module'; const require = __mfaCreateRequire(import.meta.url);",
  },
  // The host reports its version in the `hello` reply. cbor-x's optional native decoder (cbor-extract,
  // a dlopen'ed addon found through node-gyp-build) is for large documents; CTAP messages are small,
  // and loading it cost ~15 ms of the first request.
  define: {
    'process.env.MFA_BRIDGE_BUILD_VERSION': JSON.stringify(version),
    'process.env.CBOR_NATIVE_ACCELERATION_DISABLED': JSON.stringify('true'),
  },
  logLevel: 'warning',
});

// The launcher browsers start: a shell script that runs the bundle with the Node that built it
// (browsers start native hosts with a minimal PATH), clearing environment that could make Node run
// other code (see launcher.mjs). Release packages ship their own launcher and runtime (scripts/package).
const launcher = join(out, 'mfa-bridge-host');
writeFileSync(launcher, devLauncher(process.execPath, join(out, 'mfa-bridge-host.mjs')));
chmodSync(launcher, 0o755);
