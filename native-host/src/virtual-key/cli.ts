// `npm run virtual-key -- [--port 8111] [--host-port 7112] [--pin 1234] [--state FILE]
//   [--touch auto|delay:MS|manual] [--ctap 2.0|2.1|u2f]`
import { parseArgs } from 'node:util';
import { startVirtualKey } from './index.js';

const USAGE = `Usage: npm run virtual-key -- [options]

A software CTAP 2.1 (or U2F-only) security key speaking CTAPHID over UDP (raw 64-byte reports).

  --port N            UDP port to listen on (default 8111)
  --host-port N       UDP port to answer to (default 7112)
  --pin PIN           set this PIN at start if the key has none
  --state FILE        keep credentials and PIN state in FILE (mode 0600)
  --touch MODE        auto (default), delay:MS, or manual (press Enter to touch)
  --ctap 2.0|2.1|u2f  behave as a CTAP 2.0 or 2.1 key (default 2.1; both also answer U2F),
                      or as a U2F-only key (no CTAP2)
  -h, --help          this text
`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8111' },
      'host-port': { type: 'string', default: '7112' },
      pin: { type: 'string' },
      state: { type: 'string' },
      touch: { type: 'string', default: 'auto' },
      ctap: { type: 'string', default: '2.1' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const port = Number(values.port);
  const hostPort = Number(values['host-port']);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port ${values.port} is not a port`);
  if (!Number.isInteger(hostPort) || hostPort < 1 || hostPort > 65535) {
    throw new Error(`--host-port ${values['host-port']} is not a port`);
  }
  if (values.ctap !== '2.0' && values.ctap !== '2.1' && values.ctap !== 'u2f')
    throw new Error(`--ctap ${values.ctap} is not 2.0, 2.1 or u2f`);
  if (values.ctap === 'u2f' && values.pin !== undefined)
    throw new Error('--pin has no meaning with --ctap u2f');
  const manual = values.touch === 'manual';
  const key = await startVirtualKey({
    port,
    hostPort,
    touch: values.touch,
    ctapVersion: values.ctap,
    ...(values.pin !== undefined ? { pin: values.pin } : {}),
    ...(values.state !== undefined ? { stateFile: values.state } : {}),
    onTouchWait: (waiting) => {
      if (waiting) process.stderr.write(manual ? 'touch needed: press Enter\n' : 'touch needed\n');
    },
  });
  process.stderr.write(
    `virtual key listening on 127.0.0.1:${key.port}, answering to port ${key.hostPort}` +
      (values.ctap === 'u2f'
        ? ` (U2F only, touch: ${values.touch}, `
        : ` (touch: ${values.touch}, PIN ${key.authenticator.pinSet ? 'set' : 'not set'}, `) +
      `${key.authenticator.credentialCount} credentials)\n`,
  );
  if (manual) {
    process.stdin.on('data', () => key.touch());
  }
  const stop = (): void => {
    void key.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`virtual-key: ${(err as Error).message}\n`);
  process.exit(2);
});
