/**
 * Rig for the WebAuthn bridge journeys: the demo site, the virtual security key on UDP, and Chromium
 * with the built extension and the native host registered (MFA_BRIDGE_TRANSPORT pointing at the key),
 * with `bridgeSites` set for localhost through the extension's user settings.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer';
import {
  startVirtualKey,
  type VirtualKey,
  type VirtualKeyOptions,
} from '../../native-host/src/virtual-key/index';
import { DEMO_PASSWORD, type DemoSite, type SiteEvent, startDemoSite } from '../site/server';
import { type ChromiumSession, launchChromium } from './chromium';
import { patchUserSettings } from './extension-settings';
import { freeUdpPort } from './ports';

export type BridgeSiteMode = 'off' | 'fallback' | 'always';

export interface BridgeRig {
  site: DemoSite;
  key: VirtualKey;
  chromium: ChromiumSession;
  /** How many requests of `type` (e.g. `webauthn.get`) the native host logged (ids and outcomes only). */
  hostRequests(type: string): number;
  close(): Promise<void>;
}

export async function startKey(
  options: Omit<VirtualKeyOptions, 'port' | 'hostPort'> = {},
): Promise<VirtualKey> {
  return startVirtualKey({ port: await freeUdpPort(), hostPort: await freeUdpPort(), ...options });
}

export function transportEnv(key: VirtualKey): Record<string, string> {
  return { MFA_BRIDGE_TRANSPORT: `udp:127.0.0.1:${key.port}:${key.hostPort}` };
}

/**
 * Sets the bridge's per-site modes in the extension's user settings, and waits until the background has
 * registered (or removed) its content scripts for those sites: they exist only where the bridge serves.
 */
export async function setBridgeSites(
  chromium: ChromiumSession,
  sites: Array<{ match: string; mode: BridgeSiteMode }>,
): Promise<void> {
  await patchUserSettings(chromium, { bridgeSites: sites });
  for (const site of sites) await waitForBridgeScripts(chromium, site.match, site.mode !== 'off');
}

/** Waits until the bridge's page script and relay are registered for `hostPattern` (or are not). */
export async function waitForBridgeScripts(
  chromium: ChromiumSession,
  hostPattern: string,
  present: boolean,
): Promise<void> {
  const worker = await chromium.serviceWorker();
  const pattern = `*://${hostPattern}/*`;
  for (let i = 0; i < 400; i++) {
    const registered = await worker.evaluate(async (p) => {
      const scripting = (
        globalThis as unknown as {
          chrome: {
            scripting: {
              getRegisteredContentScripts(f: { ids: string[] }): Promise<Array<{ matches?: string[] }>>;
            };
          };
        }
      ).chrome.scripting;
      const scripts = await scripting.getRegisteredContentScripts({
        ids: ['mfa-bridge-webauthn-page', 'mfa-bridge-webauthn-relay'],
      });
      return scripts.length === 2 && scripts.every((s) => s.matches?.includes(p));
    }, pattern);
    if (registered === present) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the bridge's scripts were not ${present ? 'registered' : 'removed'} for ${hostPattern}`);
}

export async function startBridgeRig(
  options: {
    mode?: BridgeSiteMode;
    key?: Omit<VirtualKeyOptions, 'port' | 'hostPort'>;
    nativeHost?: boolean;
  } = {},
): Promise<BridgeRig> {
  const key = await startKey(options.key);
  const site = await startDemoSite({ port: 0 });
  const hostLog = join(mkdtempSync(join(tmpdir(), 'mfa-bridge-hostlog-')), 'host.log');
  const chromium = await launchChromium({
    env: { ...transportEnv(key), MFA_BRIDGE_LOG: hostLog },
    nativeHost: options.nativeHost ?? true,
  });
  await setBridgeSites(chromium, [{ match: 'localhost', mode: options.mode ?? 'always' }]);
  return {
    site,
    key,
    chromium,
    hostRequests(type) {
      if (!existsSync(hostLog)) return 0;
      return readFileSync(hostLog, 'utf8')
        .split('\n')
        .filter((line) => line.includes(`"${type}"`)).length;
    },
    async close() {
      await chromium.close();
      await key.close().catch(() => undefined); // a test may have unplugged it already
      await site.close();
    },
  };
}

/** Password step for `user` (fresh names start with no factors). */
export async function signInWithPassword(page: Page, site: DemoSite, user: string): Promise<void> {
  await bounded('goto /signin', page.goto(site.url('/signin')));
  await page.waitForSelector('#okta-signin-username');
  await bounded('type user', page.type('#okta-signin-username', user));
  await bounded('type password', page.type('#okta-signin-password', DEMO_PASSWORD));
  await bounded('click sign in', page.click('#okta-signin-submit'));
  await page.waitForFunction(() => !document.querySelector('#okta-signin-username'), { timeout: 20_000 });
}

/** `promise`, or an error naming `label` after `ms` (so a hung browser call says where it hung). */
export function bounded<T>(label: string, promise: Promise<T>, ms = 30_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${label}: no answer within ${ms} ms`)), ms);
    }),
  ]);
}

/** `promise`, or `fallback` after `ms` (a page that is navigating may not answer evaluate at all). */
function withTimeout<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  return Promise.race([promise, new Promise<T>((resolve) => setTimeout(() => resolve(fallback), ms))]);
}

export interface CeremonyOutcome {
  /** `verified`: the demo server verified it; `rejected`: the server refused it; `error`: the page's call failed. */
  state: 'verified' | 'rejected' | 'error';
  errorName: string;
  text: string;
  event?: SiteEvent;
}

/**
 * Waits for a ceremony started after `since` to end: the demo server's verdict (its event log), or the
 * DOMException the widget shows when the page's WebAuthn call fails.
 */
export async function ceremonyOutcome(
  page: Page,
  site: DemoSite,
  kind: 'webauthn-register' | 'webauthn-authenticate',
  user: string,
  since: number,
  timeout = 60_000,
): Promise<CeremonyOutcome> {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    const event = site.state.lastEvent(kind, user);
    if (event && event.at >= since) {
      return { state: event.ok ? 'verified' : 'rejected', errorName: '', text: event.reason ?? '', event };
    }
    const status = await withTimeout(
      page
        .evaluate(() => {
          const s = document.querySelector<HTMLElement>('#webauthn-status');
          return s
            ? {
                state: s.dataset.state ?? '',
                errorName: s.dataset.errorName ?? '',
                text: s.textContent ?? '',
              }
            : null;
        })
        .catch(() => null),
      2000,
      null,
    );
    if (status?.state === 'error') return { state: 'error', errorName: status.errorName, text: status.text };
    await new Promise((r) => setTimeout(r, 100));
  }
  const where = await page
    .evaluate(
      () => `${location.href} ${document.querySelector('#webauthn-status')?.textContent ?? 'no status'}`,
    )
    .catch(() => 'page gone');
  throw new Error(`no ${kind} outcome for ${user} within ${timeout} ms (${where})`);
}

/**
 * The extension's PIN window once it asks for a PIN (windows of earlier requests that are closing, or
 * "touch your key" windows, are skipped).
 */
export async function pinWindow(browser: Browser, extensionId: string, timeout = 30_000): Promise<Page> {
  return extensionWindowShowing(
    browser,
    extensionId,
    'form[data-testid=pin-form]',
    'asked for a PIN',
    timeout,
  );
}

/** The extension's PIN/touch window once it shows `selector` (windows that do not yet, or no longer, are skipped). */
export async function extensionWindowShowing(
  browser: Browser,
  extensionId: string,
  selector: string,
  what: string,
  timeout = 30_000,
): Promise<Page> {
  const prefix = `chrome-extension://${extensionId}/pin.html`;
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    for (const target of browser.targets()) {
      if (!target.url().startsWith(prefix)) continue;
      const page = await target.page().catch(() => null);
      if (!page) continue;
      const showing = await page.$(selector).then(
        (el) => el !== null,
        () => false,
      );
      if (showing) return page;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no extension window ${what} within ${timeout} ms`);
}

/** Types a PIN (and its confirmation when the key has none yet) into the PIN window and submits. */
export async function enterPin(pinPage: Page, pin: string): Promise<'verify' | 'set'> {
  await pinPage.waitForSelector('form[data-testid=pin-form]');
  const reason = (await pinPage.$eval('form[data-testid=pin-form]', (f) => f.getAttribute('data-reason'))) as
    | 'verify'
    | 'set';
  await pinPage.type('#pin', pin);
  if (reason === 'set') await pinPage.type('#confirm', pin);
  await pinPage.click('#ok');
  return reason;
}

let counter = 0;
/** A user name no earlier test used (fresh users start with no factors). */
export function freshUser(tag: string): string {
  counter++;
  return `bridge-${tag}-${counter}-${Date.now().toString(36)}@example.com`;
}

/** Password step, then the security-key enrolment page; clicks enrol. Returns the time before the click. */
export async function startEnrol(site: DemoSite, page: Page, user: string, uv?: string): Promise<number> {
  await signInWithPassword(page, site, user);
  await bounded(
    'goto enrol page',
    page.goto(site.url(`/signin/enroll/fido/webauthn${uv ? `?uv=${uv}` : ''}`)),
  );
  await page.waitForSelector('form.enroll-webauthn [type=submit]');
  const since = Date.now();
  await bounded('click enrol', page.click('form.enroll-webauthn [type=submit]'));
  return since;
}

/** Signs out (drops the session cookie) and signs in again: a user with a key lands on the key step. */
export async function startSignIn(site: DemoSite, page: Page, user: string): Promise<number> {
  // Let the widget finish its own navigation after the last ceremony before dropping the session.
  await page.waitForFunction(
    () =>
      document.readyState === 'complete' &&
      !document.querySelector('#webauthn-status[data-state=pending], #webauthn-status[data-state=success]'),
    { timeout: 20_000 },
  );
  const cookies = await bounded('read cookies', page.cookies());
  await bounded('delete cookies', page.deleteCookie(...cookies));
  const since = Date.now();
  await signInWithPassword(page, site, user);
  return since;
}
