// Entry point of the native host: browser-started (native messaging) or person-started (CLI).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createLogger } from './messaging/log.js';
import { transportFromEnvironment } from './transport/index.js';

const VERSION = process.env.MFA_BRIDGE_BUILD_VERSION ?? '0.0.0-dev';

/** The launcher beside the bundle (dist/mfa-bridge-host), which browser manifests point at. */
function defaultHostPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const beside = join(here, 'mfa-bridge-host');
  if (existsSync(beside)) return beside;
  return resolve(here, '..', 'dist', 'mfa-bridge-host');
}

/** Chromium passes the caller's origin, Firefox the manifest path and the add-on ID. */
function startedByBrowser(args: string[]): boolean {
  const first = args[0];
  if (first === undefined) return !process.stdin.isTTY;
  return first === '--stdio' || first.startsWith('chrome-extension://') || first.endsWith('.json');
}

async function main(argv: string[]): Promise<number> {
  if (startedByBrowser(argv)) {
    // `--stdio [--transport T] [--log DEST]` runs native messaging by hand; browsers pass their own args.
    const own = argv[0] === '--stdio';
    const { values } = parseArgs({
      args: own ? argv.slice(1) : [],
      strict: true,
      options: { transport: { type: 'string' }, log: { type: 'string' } },
    });
    const log = createLogger(values.log ?? process.env.MFA_BRIDGE_LOG);
    const transport = transportFromEnvironment(values.transport, process.env, (outcome) =>
      log({ type: 'transport', outcome }),
    );
    const { runNativeMessaging } = await import('./native.js');
    return runNativeMessaging({ transport, version: VERSION, log });
  }
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean' },
      browser: { type: 'string', multiple: true },
      'dry-run': { type: 'boolean' },
      'host-path': { type: 'string' },
      transport: { type: 'string' },
      json: { type: 'boolean' },
      system: { type: 'boolean' },
      root: { type: 'string' },
    },
  });
  const { runDevices, runDoctor, runInstall, runUninstall, USAGE } = await import('./cli.js');
  const io = { out: (t: string) => process.stdout.write(t), err: (t: string) => process.stderr.write(t) };
  if (values.version) {
    io.out(`${VERSION}\n`);
    return 0;
  }
  const command = positionals[0];
  if (values.help || command === undefined || command === 'help') {
    io.out(USAGE);
    return command === undefined && !values.help ? 2 : 0;
  }
  const ctx: import('./cli.js').CliContext = {
    io,
    transport: () => transportFromEnvironment(values.transport),
    hostPath: resolve(values['host-path'] ?? defaultHostPath()),
  };
  if (values.system) {
    const { runSystemCommand } = await import('./install/system-cli.js');
    return runSystemCommand(command, ctx, {
      browsers: values.browser,
      dryRun: values['dry-run'] === true,
      ...(values.root ? { root: resolve(values.root) } : {}),
    });
  }
  switch (command) {
    case 'install':
      return runInstall(ctx, values.browser, values['dry-run'] === true);
    case 'uninstall':
      return runUninstall(ctx, values.browser, values['dry-run'] === true);
    case 'devices':
      return runDevices(ctx, values.json === true);
    case 'doctor':
      return runDoctor(ctx);
    default:
      io.err(`unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Sockets or HID handles left open must not keep a finished command alive.
    setTimeout(() => process.exit(code), 50).unref();
  },
  (err: unknown) => {
    process.stderr.write(`mfa-bridge-host: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  },
);
