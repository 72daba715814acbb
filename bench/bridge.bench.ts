import { addCdpAuthenticator } from '../test/support/cdp-authenticator';
// WebAuthn bridge benches, all in one run:
// - a warm `get` through the bridge in Chromium (page → MAIN world → relay → background → native host
//   on its persistent port → virtual key with auto-touch → back, credential objects built in the page)
//   versus the same `get` sent straight to the host over native messaging, no browser: the difference
//   is the bridge's own cost (goal: ≤ 10 ms median);
// - the first `get` after the browser starts (service worker up, host started on demand; goal < 300 ms);
// - the same warm `get` on a `fallback` site whose key only the host reaches (the "no HID access"
//   trigger: one more question per request);
// - Chromium's own CDP virtual authenticator for the same `get`, for context;
// - Firefox ESR without WebAuthn, the bridge providing it: first and warm gets;
// - plumbing only: a request refused at once through the bridge vs through chrome.webAuthenticationProxy.

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toBase64Url } from '@shared/webauthn/index.js';
import puppeteer, { type Page } from 'puppeteer';
import { startVirtualKey, type VirtualKey } from '../native-host/src/virtual-key/index.js';
import { ensureHostBuilt, startHost } from '../test/host/host-process.js';
import { setBridgeSites, transportEnv } from '../test/support/bridge.js';
import { CHROMIUM_ARGS, launchChromium } from '../test/support/chromium.js';
import { patchFirefoxUserSettings } from '../test/support/extension-settings.js';
import { launchFirefox } from '../test/support/firefox.js';
import { CHROMIUM_PATH } from '../test/support/paths.js';
import { freeTcpPort, freeUdpPort } from '../test/support/ports.js';

const RUNS = 30;
/** Fresh browsers for the first-get figures (each also gives one after-reading figure). */
const FRESH_BROWSERS = 4;
const WARMUP = 3;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)]!;
const fmt = (n: number) => n.toFixed(2);

async function newKey(): Promise<VirtualKey> {
  return startVirtualKey({ port: await freeUdpPort(), hostPort: await freeUdpPort(), touch: 'auto' });
}

/** A blank page on `localhost:<port>` (and `bench.localhost:<port>`) to run WebAuthn calls from. */
async function blankSite(): Promise<{ port: number; close(): Promise<void> }> {
  const port = await freeTcpPort();
  const server = createServer((_req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end('<!doctype html><title>bench</title><p>bench</p>');
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Registers a credential for `rpId` on `key` through a host process; returns its id. */
async function registerDirect(key: VirtualKey, origin: string, rpId: string): Promise<string> {
  const host = startHost(transportEnv(key));
  try {
    host.send({
      id: 'reg',
      type: 'webauthn.create',
      origin,
      options: {
        rp: { name: 'bench', id: rpId },
        user: { id: toBase64Url(randomBytes(8)), name: 'bench', displayName: 'Bench' },
        challenge: toBase64Url(randomBytes(32)),
        pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
        authenticatorSelection: { userVerification: 'discouraged' },
      },
    });
    const reply = await host.reply('reg', 30_000);
    if (reply.ok !== true) throw new Error(`registration failed: ${JSON.stringify(reply.error)}`);
    return (reply.result as { rawId: string }).rawId;
  } finally {
    await host.close();
  }
}

/** The same get, straight to the host over native messaging (one persistent host process). */
async function openDirect(
  key: VirtualKey,
  origin: string,
  rpId: string,
  credentialId: string,
): Promise<{ get(): Promise<number>; close(): Promise<void> }> {
  const host = startHost(transportEnv(key));
  host.send({ id: 'hello', type: 'hello' });
  await host.reply('hello', 30_000);
  let n = 0;
  return {
    async get() {
      const id = `get-${n++}`;
      const t0 = performance.now();
      host.send({
        id,
        type: 'webauthn.get',
        origin,
        options: {
          challenge: toBase64Url(randomBytes(32)),
          rpId,
          allowCredentials: [{ type: 'public-key', id: credentialId }],
          userVerification: 'discouraged',
        },
      });
      const reply = await host.reply(id, 30_000);
      if (reply.ok !== true) throw new Error(`direct get failed: ${JSON.stringify(reply.error)}`);
      return performance.now() - t0;
    },
    close: () => host.close(),
  };
}

/** One get in the page, timed in the page (ms). */
function timedGet(page: Page, rpId: string, credentialId: string): Promise<number> {
  return page.evaluate(
    async (rp, id) => {
      const raw = Uint8Array.from(atob(id.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
      const t0 = performance.now();
      const cred = await navigator.credentials.get({
        publicKey: {
          challenge: crypto.getRandomValues(new Uint8Array(32)),
          rpId: rp,
          allowCredentials: [{ type: 'public-key', id: raw }],
          userVerification: 'discouraged',
        },
      });
      const ms = performance.now() - t0;
      if (!(cred instanceof PublicKeyCredential)) throw new Error('no credential');
      return ms;
    },
    rpId,
    credentialId,
  );
}

/** A refused `get` timed in the page: the pure plumbing round trip, no key involved. */
function timedRefusal(page: Page, rpId: string): Promise<{ ms: number; name: string }> {
  return page.evaluate(async (rp) => {
    const t0 = performance.now();
    try {
      await navigator.credentials.get({
        publicKey: { challenge: crypto.getRandomValues(new Uint8Array(32)), rpId: rp },
      });
      return { ms: performance.now() - t0, name: 'resolved' };
    } catch (error) {
      return { ms: performance.now() - t0, name: (error as DOMException).name };
    }
  }, rpId);
}

/**
 * chrome.webAuthenticationProxy, measured for the choice of path on Chromium `always` sites: a throw-away
 * extension attaches as the proxy and refuses every get at once; the page's round trip is the browser's
 * own plumbing page → browser → extension → page.
 */
async function proxyRoundTrips(): Promise<number[]> {
  const site = await blankSite();
  const origin = `http://localhost:${site.port}`;
  const dir = mkdtempSync(join(tmpdir(), 'mfa-bridge-proxy-ext-'));
  writeFileSync(
    join(dir, 'manifest.json'),
    JSON.stringify({
      manifest_version: 3,
      name: 'proxy bench',
      version: '1',
      permissions: ['webAuthenticationProxy'],
      background: { service_worker: 'bg.js' },
    }),
  );
  writeFileSync(
    join(dir, 'bg.js'),
    `const p = chrome.webAuthenticationProxy;
p.onGetRequest.addListener(({ requestId }) => p.completeGetRequest({ requestId, error: { name: 'NotAllowedError', message: 'bench' } }));
p.onCreateRequest.addListener(({ requestId }) => p.completeCreateRequest({ requestId, error: { name: 'NotAllowedError', message: 'bench' } }));
p.onIsUvpaaRequest.addListener(({ requestId }) => p.completeIsUvpaaRequest({ requestId, isUvpaa: false }));
p.attach();`,
  );
  const userDataDir = mkdtempSync(join(tmpdir(), 'mfa-bridge-proxy-profile-'));
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    userDataDir,
    pipe: true,
    enableExtensions: [dir],
    args: CHROMIUM_ARGS,
  });
  const times: number[] = [];
  try {
    await browser.waitForTarget((t) => t.type() === 'service_worker', { timeout: 30_000 });
    const page = await browser.newPage();
    await page.goto(`${origin}/`);
    await new Promise((r) => setTimeout(r, 500));
    for (let i = 0; i < WARMUP + RUNS; i++) {
      const r = await timedRefusal(page, 'localhost');
      if (r.name !== 'NotAllowedError') throw new Error(`proxy answered ${r.name}`);
      if (i >= WARMUP) times.push(r.ms);
    }
  } finally {
    await browser.close();
    await site.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(userDataDir, { recursive: true, force: true });
  }
  return times;
}

/**
 * Firefox ESR without WebAuthn (`security.webauth.webauthn` false), bridge `fallback` for localhost:
 * the bridge provides WebAuthn, so every get goes through it. First get after the settings are in, then
 * warm gets.
 */
async function firefoxGets(
  key: VirtualKey,
  origin: string,
  credentialId: string,
): Promise<{ first: number; warm: number[] }> {
  const firefox = await launchFirefox({
    env: transportEnv(key),
    prefs: { 'security.webauth.webauthn': false },
  });
  try {
    await patchFirefoxUserSettings(firefox, { bridgeSites: [{ match: 'localhost', mode: 'fallback' }] });
    const page = await firefox.browser.newPage();
    await page.goto(`${origin}/`);
    const first = await timedGet(page, 'localhost', credentialId);
    const warm: number[] = [];
    for (let i = 0; i < WARMUP + RUNS; i++) {
      const ms = await timedGet(page, 'localhost', credentialId);
      if (i >= WARMUP) warm.push(ms);
    }
    return { first, warm };
  } finally {
    await firefox.close();
  }
}

async function main(): Promise<void> {
  ensureHostBuilt();
  const site = await blankSite();
  const origin = `http://localhost:${site.port}`;
  // Two keys: one for the host alone, one for the browser's host (each host owns its UDP reply port).
  const directKey = await newKey();
  const directCredential = await registerDirect(directKey, origin, 'localhost');
  const key = await newKey();
  const credentialId = await registerDirect(key, origin, 'localhost');
  // A fallback site on its own host name (an RP ID of its own: `localhost` is not a registrable suffix).
  const fallbackOrigin = `http://fallback.localhost:${site.port}`;
  const fallbackCredential = await registerDirect(key, fallbackOrigin, 'fallback.localhost');
  const directHost = await openDirect(directKey, origin, 'localhost', directCredential);
  const direct: number[] = [];

  // Through the bridge: fresh browser, bridge `always` for localhost (bench.localhost stays `off`).
  const chromium = await launchChromium({ env: transportEnv(key) });
  let first: number;
  const bridge: number[] = [];
  const cdp: number[] = [];
  const plumbing: number[] = [];
  const fallback: number[] = [];
  try {
    // Mode fallback on fallback.localhost, a browser with WebAuthn: the key is on UDP (no HID path for
    // the browser), so the "no HID access" trigger sends each request to the bridge.
    await setBridgeSites(chromium, [
      { match: 'localhost', mode: 'always' },
      { match: 'fallback.localhost', mode: 'fallback' },
    ]);
    const page = await chromium.browser.newPage();
    await page.goto(`${origin}/`);
    first = await timedGet(page, 'localhost', credentialId);
    const fallbackPage = await chromium.browser.newPage();
    await fallbackPage.goto(`${fallbackOrigin}/`);
    // Interleaved, so all three see the same machine load.
    for (let i = 0; i < WARMUP + RUNS; i++) {
      const d = await directHost.get();
      const b = await timedGet(page, 'localhost', credentialId);
      const f = await timedGet(fallbackPage, 'fallback.localhost', fallbackCredential);
      if (i >= WARMUP) {
        direct.push(d);
        bridge.push(b);
        fallback.push(f);
      }
    }
    await fallbackPage.close();
    await directHost.close();
    await directKey.close();

    // The bridge's own plumbing: a request the background refuses (foreign RP ID), the host never asked.
    for (let i = 0; i < WARMUP + RUNS; i++) {
      const r = await timedRefusal(page, 'example.com');
      if (r.name !== 'SecurityError') throw new Error(`bridge answered ${r.name}`);
      if (i >= WARMUP) plumbing.push(r.ms);
    }

    // Chromium's own virtual authenticator, on a host the bridge leaves alone.
    const native = await chromium.browser.newPage();
    await addCdpAuthenticator(await native.createCDPSession(), {
      residentKey: false,
      userVerification: false,
    });
    await native.goto(`http://bench.localhost:${site.port}/`);
    const nativeId = await native.evaluate(async () => {
      const cred = (await navigator.credentials.create({
        publicKey: {
          rp: { name: 'bench', id: 'bench.localhost' },
          user: { id: new Uint8Array([1]), name: 'bench', displayName: 'Bench' },
          challenge: crypto.getRandomValues(new Uint8Array(32)),
          pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
        },
      })) as PublicKeyCredential;
      return cred.id;
    });
    for (let i = 0; i < WARMUP + RUNS; i++) {
      const ms = await timedGet(native, 'bench.localhost', nativeId);
      if (i >= WARMUP) cdp.push(ms);
    }
  } finally {
    await chromium.close();
  }

  // More fresh browsers, one first get each (a single first get is too noisy to judge): straight after
  // the page loaded, and after a user read the page for a second (the host was started on load).
  const firsts: number[] = [first];
  const afterRead: number[] = [];
  for (let i = 0; i < FRESH_BROWSERS; i++) {
    for (const readMs of [0, 1000]) {
      const fresh = await launchChromium({ env: transportEnv(key) });
      try {
        await setBridgeSites(fresh, [{ match: 'localhost', mode: 'always' }]);
        const page = await fresh.browser.newPage();
        await page.goto(`${origin}/`);
        if (readMs) await new Promise((r) => setTimeout(r, readMs));
        const ms = await timedGet(page, 'localhost', credentialId);
        (readMs ? afterRead : firsts).push(ms);
      } finally {
        await fresh.close();
      }
    }
  }
  let firefox: { first: number; warm: number[] };
  try {
    firefox = await firefoxGets(key, origin, credentialId);
  } finally {
    await key.close();
    await site.close();
  }

  const proxy = await proxyRoundTrips();
  const dMed = median(direct);
  const bMed = median(bridge);
  console.log(
    `webauthn.get straight to the host (native messaging, warm): median ${fmt(dMed)} ms, p90 ${fmt(p90(direct))} ms (n=${direct.length})`,
  );
  console.log(
    `webauthn.get through the bridge in Chromium (warm):         median ${fmt(bMed)} ms, p90 ${fmt(p90(bridge))} ms (n=${bridge.length})`,
  );
  console.log(
    `bridge's own cost: ${fmt(bMed - dMed)} ms median (goal ≤ 10 ms); ratio bridge/direct ${fmt(bMed / dMed)}x`,
  );
  console.log(
    `webauthn.get through the bridge, mode fallback, no HID access detected (warm): median ${fmt(median(fallback))} ms ` +
      `(${fmt(median(fallback) - bMed)} ms over always: the per-request question)`,
  );
  console.log(
    `first get after the browser started (service worker up, host started on demand), ${firsts.length} fresh browsers: ` +
      `median ${fmt(median(firsts))} ms, range ${fmt(Math.min(...firsts))}–${fmt(Math.max(...firsts))} ms (goal < 300 ms); ` +
      `${fmt(median(firsts) / dMed)}x the warm direct get`,
  );
  console.log(
    `first get 1 s after the page loaded (host pre-started on load of a bridged site), ${afterRead.length} fresh browsers: ` +
      `median ${fmt(median(afterRead))} ms, range ${fmt(Math.min(...afterRead))}–${fmt(Math.max(...afterRead))} ms`,
  );
  console.log(
    `Firefox ESR without WebAuthn, bridge providing it (fallback): first get ${fmt(firefox.first)} ms (host started on page load), ` +
      `warm median ${fmt(median(firefox.warm))} ms, p90 ${fmt(p90(firefox.warm))} ms; Firefox/Chromium bridge ${fmt(median(firefox.warm) / bMed)}x`,
  );
  console.log(
    `plumbing only (request refused at once): bridge page→MAIN→relay→background→page median ${fmt(median(plumbing))} ms; ` +
      `chrome.webAuthenticationProxy page→browser→extension→page median ${fmt(median(proxy))} ms; ratio ${fmt(median(plumbing) / median(proxy))}x`,
  );
  console.log(
    `Chromium's own CDP virtual authenticator, same get (context): median ${fmt(median(cdp))} ms, p90 ${fmt(p90(cdp))} ms; bridge/CDP ${fmt(bMed / median(cdp))}x`,
  );
}

await main();
