// `npm start` (after `npm run build`): starts the demo sign-in site and the virtual security key, then
// opens Chromium on a throw-away profile with the built extension loaded and the native host registered,
// at the demo site's sign-in page. Ctrl+C stops everything.
//
// Options: --port N (demo site, default 8080, 0 = any), --key-port N (virtual key, default 8111),
// --host-port N (host's UDP port, default 7112), --pin PIN (virtual key PIN), --touch auto|delay:MS|manual,
// --bridge always|fallback|off (how the WebAuthn bridge treats the demo site, default always),
// --no-browser (only the site and the key), --headless.
import { parseArgs } from 'node:util';
import { startVirtualKey } from '../native-host/src/virtual-key/index';
import { startDemoSite } from '../test/site/server';
import { launchChromium } from '../test/support/chromium';
import { patchUserSettings } from '../test/support/extension-settings';

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

if (!['always', 'fallback', 'off'].includes(values.bridge)) {
  console.error(`--bridge must be always, fallback or off, not "${values.bridge}"`);
  process.exit(2);
}
const site = await startDemoSite({ port: Number(values.port) });
const key = await startVirtualKey({
  port: Number(values['key-port']),
  hostPort: Number(values['host-port']),
  touch: values.touch,
  ...(values.pin ? { pin: values.pin } : {}),
  onTouchWait: (waiting) => {
    if (waiting) console.log('virtual key: waiting for touch');
  },
});
console.log(`demo sign-in site:    ${site.url('/')}`);
console.log(
  `virtual security key: udp 127.0.0.1:${key.port} (host port ${key.hostPort}), touch ${values.touch}`,
);

const stops: Array<() => Promise<void>> = [() => key.close(), () => site.close()];
if (!values['no-browser']) {
  const headless = values.headless || !process.env.DISPLAY;
  if (headless && !values.headless) {
    console.log('No DISPLAY: Chromium runs headless (run under a desktop session or xvfb-run to see it).');
  }
  const chromium = await launchChromium({
    headless,
    env: { MFA_BRIDGE_TRANSPORT: `udp:127.0.0.1:${key.port}:${key.hostPort}` },
  });
  stops.unshift(() => chromium.close());
  // The demo site stands in for IAMconnected on localhost: give it that site profile (codes filled
  // automatically) and send its security-key requests through the bridge and the virtual key.
  await patchUserSettings(chromium, {
    siteProfiles: [{ match: 'localhost', profile: 'iamconnected' }],
    bridgeSites: [{ match: 'localhost', mode: values.bridge }],
  });
  const [page] = await chromium.browser.pages();
  await (page ?? (await chromium.browser.newPage())).goto(site.url('/'));
  console.log(`Chromium is open with mfa-bridge ${chromium.extensionId} and the native host registered.`);
  chromium.browser.on('disconnected', () => void shutdown());
}
console.log('Press Ctrl+C to stop.');

let stopping = false;
async function shutdown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  for (const stop of stops) await stop().catch(() => undefined);
  process.exit(0);
}
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
