/**
 * Background side of the WebAuthn bridge: `setupBridge()` wires the relay ports, the site-mode query,
 * the PIN window, the persistent native-host port and the runtime registration of the bridge's content
 * scripts (only on the sites it serves).
 */

import * as v from 'valibot';
import { browser } from 'wxt/browser';
import { IAMCONNECTED_HOSTS } from '../../detect/profiles/iamconnected-hosts';
import { affectsSettings } from '../../settings/cache';
import { getEffectiveSettings, type ReadableArea } from '../../settings/index';
import { type BridgeMode, resolveSiteMode, type SiteModeSettings, senderOrigin } from '../../sites/index';
import { trustedArea } from '../../storage/trusted';
import type { RuntimePortLike } from '../relay';
import { BRIDGE_PORT_NAME, type ModeAnswer, ModeQuerySchema, PIN_PORT_NAME } from '../wire';
import { askHost, BrowserAccessProbe } from './browser-access';
import type { FrameLike, SenderLike } from './caller';
import { HostConnection, type NativePortLike } from './host-port';
import { PinPrompts } from './pin-ui';
import { bridgeScripts, type ScriptingLike, syncBridgeScripts } from './register';
import { type CredentialStore, KeyQueue, serveRelayPort } from './session';
import type { CredentialRecord } from './verify';

const CREDENTIALS_KEY = 'bridge.credentials';
const MAX_CREDENTIALS = 500;
const BRIDGE_FILES = {
  page: 'content-scripts/webauthn-main.js',
  relay: 'content-scripts/webauthn-relay.js',
};
const PIN_PAGE = '/pin.html';

type Runtime = Omit<typeof browser.runtime, 'getURL'> & {
  lastError?: { message?: string };
  getURL(path: string): string;
};

let installed = false;

/** Outcome lines (request ids, operations, error names; never options, PINs, key material or visited sites). */
function bridgeLog(line: string): void {
  console.debug(`mfa-bridge: ${line}`);
}

/**
 * Local store of credentials registered through the bridge (public keys only), to verify signatures.
 * In the trusted store: a content script must not plant a public key for a credential it controls.
 */
function credentialStore(): CredentialStore {
  const key = (rpId: string, id: string) => `${rpId} ${id}`;
  // Read once per service-worker life, then kept in memory (this store is its only writer).
  let cache: Promise<Record<string, CredentialRecord>> | null = null;
  const read = (): Promise<Record<string, CredentialRecord>> => {
    cache ??= trustedArea()
      .get(CREDENTIALS_KEY)
      .then((all) => {
        const stored = all[CREDENTIALS_KEY];
        return stored && typeof stored === 'object'
          ? { ...(stored as Record<string, CredentialRecord>) }
          : {};
      })
      .catch((error: unknown) => {
        cache = null;
        throw error;
      });
    return cache;
  };
  return {
    async get(rpId, id) {
      return (await read())[key(rpId, id)];
    },
    async put(record) {
      const all = await read();
      delete all[key(record.rpId, record.id)];
      all[key(record.rpId, record.id)] = record;
      const entries = Object.entries(all);
      if (entries.length > MAX_CREDENTIALS) {
        for (const [k] of entries.slice(0, entries.length - MAX_CREDENTIALS)) delete all[k];
      }
      await trustedArea().set({ [CREDENTIALS_KEY]: all });
    },
  };
}

export function setupBridge(): void {
  if (installed) return;
  installed = true;
  const runtime = browser.runtime as unknown as Runtime;

  type BridgeSettings = SiteModeSettings & { language?: string };
  let settingsCache: Promise<BridgeSettings> | null = null;
  const settings = (): Promise<BridgeSettings> => {
    // Areas passed in: settings' defaultAreas() imports wxt/browser dynamically, and Vite's preload
    // helper for that import touches `window`, which a service worker lacks.
    const storage = browser.storage as unknown as { managed?: ReadableArea };
    settingsCache ??= getEffectiveSettings({ local: trustedArea(), managed: storage.managed ?? null })
      .then((eff): BridgeSettings => eff.values)
      .catch((error: unknown): BridgeSettings => {
        console.warn('mfa-bridge: settings could not be read; the bridge stays off', error);
        settingsCache = null;
        return { bridgeSites: [], siteProfiles: [] };
      });
    return settingsCache;
  };
  const siteMode = async (origin: string): Promise<BridgeMode> => resolveSiteMode(origin, await settings());
  /** Our window's language: the setting (or policy) in force; 'auto' leaves it to the window's browser. */
  const language = async (): Promise<'en' | 'nl' | 'de' | undefined> => {
    const lang = (await settings()).language;
    return lang === 'en' || lang === 'nl' || lang === 'de' ? lang : undefined;
  };

  const host = new HostConnection({
    connectNative: (name) => runtime.connectNative(name) as unknown as NativePortLike,
    lastErrorMessage: () => runtime.lastError?.message,
  });

  const browserAccess = new BrowserAccessProbe(() => askHost(host));

  const prompts = new PinPrompts(
    {
      async open(url) {
        const win = await browser.windows.create({
          url,
          type: 'popup',
          width: 420,
          height: 520,
          focused: true,
        });
        if (win?.id === undefined) throw new Error('no window');
        return win.id;
      },
      async close(id) {
        await browser.windows.remove(id);
      },
    },
    (token) => runtime.getURL(`${PIN_PAGE}?request=${encodeURIComponent(token)}`),
  );
  browser.windows.onRemoved.addListener((id) => prompts.windowRemoved(id));

  const credentials = credentialStore();
  const getAllFrames = async (tabId: number): Promise<FrameLike[] | null | undefined> =>
    (await browser.webNavigation.getAllFrames({ tabId })) as FrameLike[] | null | undefined;

  const tabHasFocus = async (tabId: number): Promise<boolean> => {
    const tab = await browser.tabs.get(tabId);
    if (!tab.active || tab.windowId === undefined) return false;
    const win = await browser.windows.get(tab.windowId);
    return win.focused === true;
  };

  const keyQueue = new KeyQueue();

  // Requests whose tab must keep the focus: tab id → its window and the callbacks of its requests.
  const watched = new Map<number, { windowId: number | null; lost: Set<() => void> }>();
  const focusLost = (tabId: number) => {
    const entry = watched.get(tabId);
    if (!entry) return;
    watched.delete(tabId);
    for (const fn of entry.lost) fn();
  };
  const watchFocus = (tabId: number, onLost: () => void): (() => void) => {
    let entry = watched.get(tabId);
    if (!entry) {
      const fresh = { windowId: null as number | null, lost: new Set<() => void>() };
      watched.set(tabId, fresh);
      void browser.tabs.get(tabId).then(
        (tab) => {
          fresh.windowId = tab.windowId ?? null;
        },
        () => focusLost(tabId),
      );
      entry = fresh;
    }
    entry.lost.add(onLost);
    const current = entry;
    return () => {
      current.lost.delete(onLost);
      if (current.lost.size === 0 && watched.get(tabId) === current) watched.delete(tabId);
    };
  };
  // Another tab activated in a watched tab's window hides it.
  browser.tabs.onActivated.addListener(({ tabId, windowId }) => {
    for (const [watchedTab, entry] of [...watched]) {
      if (watchedTab !== tabId && entry.windowId === windowId) focusLost(watchedTab);
    }
  });
  // Another ordinary browser window focused; popups (our PIN window among them) and focus leaving the
  // browser (e.g. for a key's own prompt) do not count.
  browser.windows.onFocusChanged.addListener((windowId) => {
    if (windowId === browser.windows.WINDOW_ID_NONE || watched.size === 0) return;
    void browser.windows.get(windowId).then(
      (win) => {
        if (win.type !== 'normal') return;
        for (const [watchedTab, entry] of [...watched]) {
          if (entry.windowId !== null && entry.windowId !== windowId) focusLost(watchedTab);
        }
      },
      () => undefined,
    );
  });

  browser.runtime.onConnect.addListener((port) => {
    const sender = port.sender as SenderLike | undefined;
    if (port.name === BRIDGE_PORT_NAME && sender) {
      serveRelayPort(port as unknown as RuntimePortLike, sender, {
        keyQueue,
        host,
        extensionId: runtime.id,
        getAllFrames,
        siteMode,
        tabHasFocus,
        watchFocus,
        credentials,
        prompts,
        language,
        log: bridgeLog,
      });
    } else if (port.name === PIN_PORT_NAME) {
      const ok =
        sender?.id === runtime.id &&
        prompts.connect(port as unknown as RuntimePortLike, sender?.url, runtime.getURL(PIN_PAGE));
      if (!ok) port.disconnect();
    }
  });

  // sendResponse + `return true`: Chromium's onMessage does not take a returned promise everywhere.
  browser.runtime.onMessage.addListener(
    (message: unknown, sender: SenderLike, sendResponse: (answer: ModeAnswer) => void) => {
      const query = v.safeParse(ModeQuerySchema, message);
      if (!query.success) return undefined;
      if (sender.id !== runtime.id || !sender.tab) {
        sendResponse({ mode: 'off' });
        return undefined;
      }
      // The browser-reported origin only: opaque or missing is 'null', which resolves to 'off'.
      const origin = senderOrigin(sender) ?? 'null';
      const forRequest = query.output.forRequest === true;
      void siteMode(origin)
        .then(async (mode): Promise<ModeAnswer> => {
          if (mode !== 'fallback' || !forRequest) return { mode };
          // A fallback request: does the browser have HID access to any key the host sees?
          const browserHid = await browserAccess.check();
          if (browserHid === 'none') {
            bridgeLog('fallback: the browser cannot reach the keys the host sees; bridging');
          }
          return { mode, browserHid };
        })
        .then(
          (answer) => {
            sendResponse(answer);
            // A page the bridge serves has loaded: start the host now, so its start-up overlaps the
            // page's own (only on those sites; a missing host is reported when a request comes); on a
            // fallback site also find out whether the browser can reach the keys.
            if (answer.mode === 'off' || forRequest) return;
            void host
              .ensureHello()
              .then(() => {
                if (answer.mode === 'fallback') browserAccess.prime();
              })
              .catch(() => undefined);
          },
          () => sendResponse({ mode: 'off' }),
        );
      return true;
    },
  );

  // One registration at a time: storage events can arrive while the first one runs.
  let registering: Promise<void> = Promise.resolve();
  const refreshScripts = () => {
    settingsCache = null;
    registering = registering
      .then(async () =>
        syncBridgeScripts(
          browser.scripting as unknown as ScriptingLike,
          bridgeScripts(await settings(), IAMCONNECTED_HOSTS, BRIDGE_FILES),
        ),
      )
      .catch((error: unknown) =>
        console.warn('mfa-bridge: could not register the WebAuthn bridge scripts', error),
      );
    return registering;
  };
  // Only settings changes: the bridge's own credential store (and the vault) write the trusted store
  // too, and re-registering content scripts on every such write raced navigations for nothing.
  browser.storage.onChanged.addListener((changes, area) => {
    if (affectsSettings(changes, area)) void refreshScripts();
  });
  trustedArea().onChanged((changes, area) => {
    if (affectsSettings(changes, area)) void refreshScripts();
  });
  void refreshScripts();
}
