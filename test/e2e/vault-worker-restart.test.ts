/**
 * Chromium stops an idle extension service worker (after ~30 s) and starts it again for the next
 * event. The vault's key lives in storage.session and the auto-lock alarm in chrome.alarms, so a
 * restart must neither lock the vault early nor lose the auto-lock. The worker is stopped for real
 * through CDP (`ServiceWorker.stopAllWorkers`); its running status is followed through
 * `ServiceWorker.workerVersionUpdated`, and everything else goes through extension pages.
 *
 * Launched here rather than with launchChromium(): puppeteer must not attach to the service worker.
 * It auto-attaches with waitForDebuggerOnStart and, on Chromium 156, never resumes the restarted
 * worker (same target id), which then hangs in "starting"; a targetFilter that skips service workers
 * makes puppeteer resume and detach at once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGuardrails, generate } from 'otplib';
import puppeteer, { type Browser, type CDPSession, type Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXTENSION_IDS } from '../../extension/ids';
import { CHROMIUM_ARGS } from '../support/chromium';
import { CHROME_EXTENSION_DIR, CHROMIUM_PATH } from '../support/paths';
import { awayFromBoundary, callFromPage } from '../support/vault-pages';

const PASSWORD = 'correct horse battery staple';
const SECRET = 'JBSWY3DPEHPK3PXP';

declare const chrome: {
  alarms: { get(name: string): Promise<{ scheduledTime: number } | undefined> };
};

/** Follows the extension worker's running status through the ServiceWorker CDP domain. */
class WorkerWatch {
  readonly history: string[] = [];
  private constructor(
    private readonly cdp: CDPSession,
    scriptPrefix: string,
  ) {
    cdp.on('ServiceWorker.workerVersionUpdated', (e) => {
      for (const v of (e as { versions: Array<{ scriptURL: string; runningStatus: string }> }).versions) {
        if (v.scriptURL.startsWith(scriptPrefix)) this.history.push(v.runningStatus);
      }
    });
  }
  static async start(page: Page, extensionId: string): Promise<WorkerWatch> {
    const cdp = await page.createCDPSession();
    const w = new WorkerWatch(cdp, `chrome-extension://${extensionId}/`);
    await cdp.send('ServiceWorker.enable');
    return w;
  }
  get status(): string | undefined {
    return this.history.at(-1);
  }
  async until(status: string): Promise<void> {
    for (let i = 0; i < 300 && this.status !== status; i++) await new Promise((r) => setTimeout(r, 100));
    if (this.status !== status)
      throw new Error(`worker never became ${status} (${this.history.join(' → ')})`);
  }
  /** Stop the extension's service worker, as Chromium does when it is idle. */
  async stop(): Promise<void> {
    await this.cdp.send('ServiceWorker.stopAllWorkers');
    await this.until('stopped');
  }
}

async function oracle(atMs: number): Promise<string> {
  return generate({
    secret: SECRET,
    epoch: Math.floor(atMs / 1000),
    guardrails: createGuardrails({ MIN_SECRET_BYTES: 10 }),
  });
}

const EXTENSION_ORIGIN = `chrome-extension://${EXTENSION_IDS.chromium}`;

describe('vault across a service-worker restart in Chromium', () => {
  let browser: Browser;
  let userDataDir: string;
  let options: Page;
  let watch: WorkerWatch;
  let id: string;
  const openExtensionPage = async (path: string): Promise<Page> => {
    const page = await browser.newPage();
    await page.goto(`${EXTENSION_ORIGIN}/${path}`);
    return page;
  };
  beforeAll(async () => {
    userDataDir = mkdtempSync(join(tmpdir(), 'mfa-bridge-chromium-'));
    browser = await puppeteer.launch({
      executablePath: CHROMIUM_PATH,
      headless: process.env.HEADFUL !== '1',
      userDataDir,
      pipe: true,
      enableExtensions: [CHROME_EXTENSION_DIR],
      args: CHROMIUM_ARGS,
      targetFilter: (target) => target.type() !== 'service_worker',
    });
    options = await openExtensionPage('options.html');
    watch = await WorkerWatch.start(options, EXTENSION_IDS.chromium);
    await callFromPage(options, { type: 'vault.create', password: PASSWORD });
    id = (
      await callFromPage(options, {
        type: 'vault.add',
        account: { source: 'uri', uri: `otpauth://totp/Portbase:jan?secret=${SECRET}&issuer=Portbase` },
      })
    ).id;
    await watch.until('running');
  });
  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  it('stays unlocked after the worker restarts, and codes still work', async () => {
    await watch.stop();
    // Wake it the way a user does: open the popup, which asks the background for the vault.
    const popup = await openExtensionPage('popup.html');
    await popup.waitForSelector('li[data-account-id] .code[data-code]:not([data-code=""])', {
      timeout: 20_000,
    });
    await watch.until('running');
    expect(watch.history).toEqual(expect.arrayContaining(['stopped', 'starting', 'running']));
    expect(watch.history.lastIndexOf('starting')).toBeGreaterThan(watch.history.indexOf('stopped'));
    expect(await callFromPage(popup, { type: 'vault.status' })).toEqual({ state: 'unlocked', accounts: 1 });
    await awayFromBoundary();
    expect((await callFromPage(popup, { type: 'vault.code', id })).code).toBe(await oracle(Date.now()));
    await popup.close();
  });

  it('auto-lock still fires after a restart (the alarm wakes the stopped worker)', async () => {
    await callFromPage(options, { type: 'settings.set', patch: { autoLockMinutes: 1 } });
    await callFromPage(options, { type: 'vault.list' }); // a use: plans the alarm from now
    let alarm: { scheduledTime: number } | undefined;
    for (let i = 0; i < 50 && !alarm; i++) {
      alarm = await options.evaluate(() => chrome.alarms.get('vault.autolock'));
      if (!alarm) await new Promise((r) => setTimeout(r, 100));
    }
    expect(alarm).toBeDefined();
    await watch.stop();
    const stoppedAt = watch.history.length;
    // Send nothing until the alarm is due: only the alarm can wake the worker.
    const due = alarm!.scheduledTime - Date.now();
    await new Promise((r) => setTimeout(r, Math.max(0, due) + 3000));
    for (let i = 0; i < 200 && !watch.history.slice(stoppedAt).includes('running'); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(watch.history.slice(stoppedAt)).toContain('running');
    let state = (await callFromPage(options, { type: 'vault.status' })).state;
    for (let i = 0; i < 20 && state === 'unlocked'; i++) {
      await new Promise((r) => setTimeout(r, 500));
      state = (await callFromPage(options, { type: 'vault.status' })).state;
    }
    expect(state).toBe('locked');
    expect(await options.evaluate(() => chrome.alarms.get('vault.autolock'))).toBeUndefined();
    expect((await callFromPage(options, { type: 'vault.unlock', password: PASSWORD })).state).toBe(
      'unlocked',
    );
  }, 150_000);
});
