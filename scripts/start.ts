// `npm start` (after `npm run build`): starts the demo sign-in site and the virtual security key, then
// opens Chromium on a throw-away profile with the built extension loaded and the native host registered,
// at the demo site's sign-in page (scripts/demo.ts). Ctrl+C stops everything.
//
// Options: --port N (demo site, default 8080, 0 = any), --key-port N (virtual key, default 8111),
// --host-port N (host's UDP port, default 7112), --pin PIN (virtual key PIN), --touch auto|delay:MS|manual,
// --bridge always|fallback|off (how the WebAuthn bridge treats the demo site, default always),
// --no-browser (only the site and the key), --headless.
import { parseArgs } from 'node:util';
import { type DemoBridgeMode, startDemo } from './demo';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8080' },
    'key-port': { type: 'string', default: '8111' },
    'host-port': { type: 'string', default: '7112' },
    pin: { type: 'string' },
    touch: { type: 'string', default: 'delay:400' },
    bridge: { type: 'string', default: 'always' },
    'no-browser': { type: 'boolean', default: false },
    headless: { type: 'boolean', default: false },
  },
});

const isMode = (m: string): m is DemoBridgeMode => m === 'always' || m === 'fallback' || m === 'off';
if (!isMode(values.bridge)) {
  console.error(`--bridge must be always, fallback or off, not "${values.bridge}"`);
  process.exit(2);
}
const withBrowser = !values['no-browser'];
const headless = values.headless || !process.env.DISPLAY;
if (withBrowser && headless && !values.headless) {
  console.log('No DISPLAY: Chromium runs headless (run under a desktop session or xvfb-run to see it).');
}
const demo = await startDemo({
  port: Number(values.port),
  keyPort: Number(values['key-port']),
  hostPort: Number(values['host-port']),
  ...(values.pin ? { pin: values.pin } : {}),
  touch: values.touch,
  bridge: values.bridge,
  browser: withBrowser,
  headless,
  say: (line) => console.log(line),
});
demo.chromium?.browser.on('disconnected', () => void shutdown());
console.log('Press Ctrl+C to stop.');

let stopping = false;
async function shutdown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await demo.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
