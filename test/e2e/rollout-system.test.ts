/**
 * Roll-out as an administrator does it, on this Debian machine (needs root; run under
 * `flock /tmp/mfa-etc.lock`): `dpkg -i` the release .deb; serve the signed CRX + updates.xml and the XPI
 * from a local web server; force-install the extension with its managed settings (bridge `always` for
 * the demo site) through /etc/chromium/policies/managed/ and /etc/firefox/policies/policies.json; start
 * each browser on a fresh profile with no --load-extension and no per-user manifest: the extension
 * installs itself, shows the settings as enforced, and a security-key enrolment and sign-in on the demo
 * site go through the system-installed host (/opt/mfa-bridge) to the virtual key, verified by the demo
 * server. Then `dpkg -r` and `--purge`, the policy files go, nothing of ours is left, and a browser
 * started afterwards finds no host. The machine is put back as found, also when a step fails.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NATIVE_HOST_NAME } from '../../extension/ids';
import { BROWSERS } from '../../native-host/src/install/manifests';
import { systemManifestPath } from '../../native-host/src/install/system';
import type { VirtualKey } from '../../native-host/src/virtual-key/index';
import { DEB_HOST_DIR, DEB_HOST_PATH, DEB_UDEV_RULE } from '../../scripts/package/deb';
import { chromiumLinuxPolicy, firefoxPolicies } from '../../scripts/package/policies';
import { packageRelease, type Release } from '../../scripts/package/release';
import { ensureHostBuilt } from '../host/host-process';
import { type DemoSite, startDemoSite } from '../site/server';
import {
  bounded,
  ceremonyOutcome,
  freshUser,
  startEnrol,
  startKey,
  startSignIn,
  transportEnv,
} from '../support/bridge';
import { CHROMIUM_ARGS } from '../support/chromium';
import { type MachineState, snapshot } from '../support/machine-state';
import { CHROME_EXTENSION_DIR, CHROMIUM_PATH, FIREFOX_PATH } from '../support/paths';
import { freeTcpPort } from '../support/ports';
import { callFromPage } from '../support/vault-pages';

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasDpkg = spawnSync('dpkg', ['--version']).status === 0;
const CHROMIUM_POLICY = '/etc/chromium/policies/managed/mfa-bridge-rollout-test.json';
const FIREFOX_POLICY = '/etc/firefox/policies/policies.json';
const FIREFOX_UUID = '0d7c3e4b-1a2f-4c5d-9e8f-7a6b5c4d3e2f';
const SETTINGS = { bridgeSites: [{ match: 'localhost', mode: 'always' as const }] };

/** Every path the package and the policies touch, parents first (for the snapshot). */
function touchedPaths(): string[] {
  const paths = new Set<string>();
  const withParents = (p: string, stop: string) => {
    const chain: string[] = [];
    for (let d = p; d !== stop && d !== '/'; d = d.replace(/\/[^/]+$/, '') || '/') chain.unshift(d);
    for (const c of chain) paths.add(c);
  };
  for (const b of BROWSERS) withParents(systemManifestPath(b, 'linux'), '/etc');
  withParents(systemManifestPath('firefox', 'linux'), '/usr/lib');
  withParents(CHROMIUM_POLICY, '/etc');
  withParents(FIREFOX_POLICY, '/etc');
  for (const p of [DEB_HOST_DIR, DEB_UDEV_RULE, '/usr/bin/mfa-bridge-host']) paths.add(p);
  return [...paths];
}

function sh(cmd: string, args: string[]): { code: number; out: string } {
  const r = spawnSync(cmd, args, {
    encoding: 'utf8',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

/** Whether dpkg has `name` installed. */
function pkgInstalled(name: string): boolean {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's format syntax
  return sh('dpkg-query', ['-W', '-f=${Status}', name]).out.includes('install ok installed');
}
const installed = () => pkgInstalled('mfa-bridge');

function serve(dir: string, port: number): Promise<Server> {
  const types: Record<string, string> = {
    '.crx': 'application/x-chrome-extension',
    '.xml': 'text/xml',
    '.xpi': 'application/x-xpinstall',
    '.json': 'application/json',
  };
  const server = createServer((req, res) => {
    const name = (req.url ?? '/').split('?')[0]!.replace(/^\//, '');
    const file = join(dir, name);
    if (!/^[\w.-]+$/.test(name) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': types[extname(name)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

async function openPolled(browser: Browser, url: string, ready: string): Promise<Page> {
  const page = await browser.newPage();
  for (let i = 0; i < 120; i++) {
    void page.goto(url).catch(() => undefined);
    const ok = await page
      .waitForFunction(
        (u: string, sel: string) => location.href === u && !!document.querySelector(sel),
        { timeout: 1000 },
        url,
        ready,
      )
      .then(
        () => true,
        () => false,
      );
    if (ok) return page;
  }
  throw new Error(`${url} never opened`);
}

async function enforcedSettings(page: Page) {
  let eff = await callFromPage(page, { type: 'settings.get' });
  // storage.managed arrives 1-3 s after install: wait for it (not a timing assertion).
  for (let i = 0; i < 150 && !eff.enforced.includes('bridgeSites'); i++) {
    await new Promise((r) => setTimeout(r, 100));
    eff = await callFromPage(page, { type: 'settings.get' });
  }
  return eff;
}

describe.skipIf(!isRoot || !hasDpkg)(
  'roll-out: .deb + policy force-install, as an administrator does it',
  () => {
    let work: string;
    let state: MachineState;
    let release: Release;
    let server: Server;
    let key: VirtualKey;
    let site: DemoSite;
    let hostLog: string;
    let browser: Browser | undefined;
    let deb: string;

    beforeAll(async () => {
      ensureHostBuilt();
      if (!existsSync(join(CHROME_EXTENSION_DIR, 'manifest.json')))
        throw new Error('run `npm run build` first');
      if (installed())
        throw new Error('the mfa-bridge package is installed on this machine already; not touching it');
      for (const p of [DEB_HOST_DIR, FIREFOX_POLICY, CHROMIUM_POLICY])
        if (existsSync(p)) throw new Error(`${p} exists already; not touching it`);
      const missing = ['libusb-1.0-0', 'libudev1'].filter((p) => !pkgInstalled(p));
      if (missing.length)
        throw new Error(`the .deb depends on ${missing.join(', ')}: apt-get install them (.ci/run does)`);
      state = snapshot(touchedPaths());
      work = mkdtempSync(join(tmpdir(), 'mfa-bridge-rollout-'));
      const port = await freeTcpPort();
      release = await packageRelease({
        out: join(work, 'release'),
        targets: ['linux-x64'],
        baseUrl: `http://localhost:${port}/`,
        skipArchives: true,
      });
      deb = join(release.out, `mfa-bridge_${release.version}_amd64.deb`);
      server = await serve(join(release.out, 'extension'), port);
      key = await startKey({ touch: 'auto' });
      site = await startDemoSite({ port: 0 });
      hostLog = join(work, 'host.log');
    }, 600_000);

    afterAll(async () => {
      await browser?.close().catch(() => undefined);
      if (state) {
        if (installed() || sh('dpkg-query', ['-W', 'mfa-bridge']).code === 0)
          sh('dpkg', ['--purge', 'mfa-bridge']);
        state.restore();
      }
      await new Promise((r) => (server ? server.close(r) : r(undefined)));
      await key?.close().catch(() => undefined);
      await site?.close();
      if (work) rmSync(work, { recursive: true, force: true });
    }, 120_000);

    it('dpkg -i installs the host under /opt/mfa-bridge and the manifests where each browser reads them', () => {
      const r = sh('dpkg', ['-i', deb]);
      expect(r.code, r.out).toBe(0);
      expect(installed()).toBe(true);
      for (const b of BROWSERS) {
        const m = JSON.parse(readFileSync(systemManifestPath(b, 'linux'), 'utf8'));
        expect(m.path).toBe(DEB_HOST_PATH);
        if (b === 'firefox') expect(m.allowed_extensions).toEqual([release.ids.firefox]);
        else expect(m.allowed_origins).toEqual([`chrome-extension://${release.key.chromiumId}/`]);
      }
      const doctor = sh('/usr/bin/mfa-bridge-host', ['doctor', '--system']);
      expect(doctor.out).toMatch(
        /\[ok {2}\] chromium \(\/usr\/bin\/chromium\) will find the host through \/etc\/chromium\/native-messaging-hosts\/mfa_bridge\.host\.json/,
      );
      expect(doctor.out).toContain(`[ok  ] chromium: host ${DEB_HOST_PATH} is executable`);
    });

    it('Chromium force-installs the CRX by policy, enforces its settings, and bridges a key through the system host', async () => {
      mkdirSync('/etc/chromium/policies/managed', { recursive: true });
      writeFileSync(
        CHROMIUM_POLICY,
        JSON.stringify({
          ...chromiumLinuxPolicy({ ids: release.ids, baseUrl: release.baseUrl, settings: SETTINGS }),
          DeveloperToolsAvailability: 1,
        }),
      );
      const userDataDir = join(work, 'chromium-profile');
      browser = await puppeteer.launch({
        executablePath: CHROMIUM_PATH,
        headless: process.env.HEADFUL !== '1',
        userDataDir,
        pipe: true,
        enableExtensions: true,
        // Without background networking Chromium never fetches the update manifest.
        ignoreDefaultArgs: ['--disable-background-networking'],
        args: CHROMIUM_ARGS.filter((a) => a !== '--disable-background-networking'),
        env: { ...process.env, ...transportEnv(key), MFA_BRIDGE_LOG: hostLog } as Record<string, string>,
      });
      const id = release.key.chromiumId;
      expect(existsSync(join(userDataDir, 'NativeMessagingHosts', `${NATIVE_HOST_NAME}.json`))).toBe(false);
      await browser.waitForTarget(
        (t) => t.type() === 'service_worker' && t.url().startsWith(`chrome-extension://${id}/`),
        {
          timeout: 60_000,
        },
      );
      const options = await openPolled(
        browser,
        `chrome-extension://${id}/options.html`,
        '[data-setting="bridgeSites"]',
      );
      const eff = await enforcedSettings(options);
      expect(eff.policyStatus).toBe('read');
      expect(eff.enforced).toEqual(['bridgeSites']);
      expect(eff.values.bridgeSites).toEqual(SETTINGS.bridgeSites);
      await options.reload();
      await options.waitForSelector('[data-setting="bridgeSites"][data-enforced="true"]');

      const user = freshUser('rollout-chromium');
      const page = await bounded('new page', browser.newPage());
      let since = await startEnrol(site, page, user);
      const enrolled = await ceremonyOutcome(page, site, 'webauthn-register', user, since);
      expect(enrolled).toMatchObject({ state: 'verified' });
      since = await startSignIn(site, page, user);
      const signedIn = await ceremonyOutcome(page, site, 'webauthn-authenticate', user, since);
      expect(signedIn).toMatchObject({ state: 'verified' });
      expect(signedIn.event?.credentialId).toBe(enrolled.event?.credentialId);
      // The host the browser started is the packaged one: it logged both requests.
      const log = readFileSync(hostLog, 'utf8');
      expect(log).toContain('"webauthn.create"');
      expect(log).toContain('"webauthn.get"');
      await browser.close();
      browser = undefined;
      rmSync(CHROMIUM_POLICY, { force: true });
    }, 300_000);

    it('Firefox ESR force-installs the XPI from policies.json, enforces its settings, and bridges a key through the system host', async () => {
      const policies = firefoxPolicies({ ids: release.ids, baseUrl: release.baseUrl, settings: SETTINGS });
      mkdirSync('/etc/firefox/policies', { recursive: true });
      writeFileSync(
        FIREFOX_POLICY,
        JSON.stringify({
          policies: {
            ...policies.policies,
            // An unsigned XPI (production needs one signed by Mozilla; see docs/rollout.md).
            Preferences: { 'xpinstall.signatures.required': { Value: false, Status: 'locked' } },
          },
        }),
      );
      rmSync(hostLog, { force: true });
      const home = join(work, 'firefox-home');
      mkdirSync(home);
      try {
        browser = await puppeteer.launch({
          browser: 'firefox',
          executablePath: FIREFOX_PATH,
          headless: process.env.HEADFUL !== '1',
          userDataDir: join(home, 'profile'),
          env: { ...process.env, HOME: home, ...transportEnv(key), MFA_BRIDGE_LOG: hostLog } as Record<
            string,
            string
          >,
          args: ['--remote-allow-system-access'],
          extraPrefsFirefox: {
            'extensions.webextensions.uuids': JSON.stringify({ [release.ids.firefox]: FIREFOX_UUID }),
            'datareporting.policy.dataSubmissionEnabled': false,
            'browser.shell.checkDefaultBrowser': false,
          },
        });
      } finally {
        // Read once at start-up; other Firefox instances on this machine must not see it.
        rmSync(FIREFOX_POLICY, { force: true });
      }
      expect(existsSync(join(home, '.mozilla', 'native-messaging-hosts', `${NATIVE_HOST_NAME}.json`))).toBe(
        false,
      );
      const options = await openPolled(
        browser,
        `moz-extension://${FIREFOX_UUID}/options.html`,
        '[data-setting="bridgeSites"]',
      );
      const eff = await enforcedSettings(options);
      expect(eff.enforced).toEqual(['bridgeSites']);
      expect(eff.values.bridgeSites).toEqual(SETTINGS.bridgeSites);

      const user = freshUser('rollout-firefox');
      const page = await browser.newPage();
      let since = await startEnrol(site, page, user);
      const enrolled = await ceremonyOutcome(page, site, 'webauthn-register', user, since);
      expect(enrolled).toMatchObject({ state: 'verified' });
      since = await startSignIn(site, page, user);
      const signedIn = await ceremonyOutcome(page, site, 'webauthn-authenticate', user, since);
      expect(signedIn).toMatchObject({ state: 'verified' });
      const log = readFileSync(hostLog, 'utf8');
      expect(log).toContain('"webauthn.create"');
      expect(log).toContain('"webauthn.get"');
      await browser.close();
      browser = undefined;
    }, 300_000);

    it('dpkg -r and --purge leave nothing of ours, the machine is as found, and a browser finds no host', async () => {
      let r = sh('dpkg', ['-r', 'mfa-bridge']);
      expect(r.code, r.out).toBe(0);
      r = sh('dpkg', ['--purge', 'mfa-bridge']);
      expect(r.code, r.out).toBe(0);
      expect(sh('dpkg-query', ['-W', 'mfa-bridge']).code).not.toBe(0);
      for (const p of [
        DEB_HOST_DIR,
        DEB_UDEV_RULE,
        '/usr/bin/mfa-bridge-host',
        ...BROWSERS.map((b) => systemManifestPath(b, 'linux')),
      ])
        expect(existsSync(p), p).toBe(false);
      state.restore();
      expect(state.changed()).toEqual([]);

      // A fresh Chromium with the (development) extension: no manifest for the host anywhere it looks.
      browser = await puppeteer.launch({
        executablePath: CHROMIUM_PATH,
        headless: true,
        userDataDir: join(work, 'chromium-after'),
        pipe: true,
        enableExtensions: [CHROME_EXTENSION_DIR],
        args: CHROMIUM_ARGS,
      });
      const target = await browser.waitForTarget(
        (t) => t.type() === 'service_worker' && t.url().startsWith('chrome-extension://'),
      );
      const worker = (await target.worker())!;
      let answer = '';
      for (let i = 0; i < 100 && !answer; i++) {
        answer = await worker
          .evaluate(
            (name: string) =>
              new Promise<string>((resolve) => {
                const c = (
                  globalThis as unknown as {
                    chrome: {
                      runtime: {
                        sendNativeMessage(n: string, m: unknown, cb: () => void): void;
                        lastError?: { message?: string };
                      };
                    };
                  }
                ).chrome;
                c.runtime.sendNativeMessage(name, { id: 'x', type: 'hello' }, () =>
                  resolve(c.runtime.lastError?.message ?? 'answered'),
                );
              }),
            NATIVE_HOST_NAME,
          )
          .catch(() => '');
        if (!answer) await new Promise((res) => setTimeout(res, 100));
      }
      expect(answer).toBe('Specified native messaging host not found.');
    });
  },
);
