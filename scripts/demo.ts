// What `npm start` runs, as a function (so a test can drive the very same set-up): the demo sign-in
// site, the virtual security key, and Chromium on a throw-away profile with the built extension loaded,
// the native host registered and pointed at the key, and the demo site given the IAMconnected profile
// and the chosen bridge mode. Needs `npm run build` first.
import { startVirtualKey, type VirtualKey } from '../native-host/src/virtual-key/index';
import { type DemoSite, startDemoSite } from '../test/site/server';
import { waitForBridgeScripts } from '../test/support/bridge';
import { type ChromiumSession, launchChromium } from '../test/support/chromium';
import { patchUserSettings } from '../test/support/extension-settings';

export type DemoBridgeMode = 'always' | 'fallback' | 'off';

export interface DemoOptions {
  /** Demo site port (0 = any free port). */
  port: number;
  /** Virtual key's UDP port, and the host's. */
  keyPort: number;
  hostPort: number;
  /** The virtual key's PIN (none: the key has no PIN yet). */
  pin?: string;
  /** auto | delay:MS | manual */
  touch: string;
  bridge: DemoBridgeMode;
  /** false: only the site and the key. */
  browser: boolean;
  headless: boolean;
  /** Progress lines (default: none). */
  say?: (line: string) => void;
}

export interface Demo {
  site: DemoSite;
  key: VirtualKey;
  chromium: ChromiumSession | null;
  close(): Promise<void>;
}

export async function startDemo(options: DemoOptions): Promise<Demo> {
  const say = options.say ?? (() => {});
  const site = await startDemoSite({ port: options.port });
  const key = await startVirtualKey({
    port: options.keyPort,
    hostPort: options.hostPort,
    touch: options.touch,
    ...(options.pin ? { pin: options.pin } : {}),
    onTouchWait: (waiting) => {
      if (waiting) say('virtual key: waiting for touch');
    },
  });
  say(`demo sign-in site:    ${site.url('/')}`);
  say(`virtual security key: udp 127.0.0.1:${key.port} (host port ${key.hostPort}), touch ${options.touch}`);
  let chromium: ChromiumSession | null = null;
  try {
    if (options.browser) {
      chromium = await launchChromium({
        headless: options.headless,
        env: { MFA_BRIDGE_TRANSPORT: `udp:127.0.0.1:${key.port}:${key.hostPort}` },
      });
      // The demo site stands in for IAMconnected on localhost: give it that site profile (codes filled
      // automatically) and send its security-key requests through the bridge and the virtual key.
      await patchUserSettings(chromium, {
        siteProfiles: [{ match: 'localhost', profile: 'iamconnected' }],
        bridgeSites: [{ match: 'localhost', mode: options.bridge }],
      });
      await waitForBridgeScripts(chromium, 'localhost', options.bridge !== 'off');
      const [page] = await chromium.browser.pages();
      await (page ?? (await chromium.browser.newPage())).goto(site.url('/'));
      say(`Chromium is open with mfa-bridge ${chromium.extensionId} and the native host registered.`);
    }
  } catch (error) {
    await chromium?.close().catch(() => undefined);
    await key.close().catch(() => undefined);
    await site.close().catch(() => undefined);
    throw error;
  }
  const opened = chromium;
  return {
    site,
    key,
    chromium: opened,
    async close() {
      await opened?.close().catch(() => undefined);
      await key.close().catch(() => undefined);
      await site.close().catch(() => undefined);
    },
  };
}
