/**
 * Attestation needs consent, in Chromium with the bridge in mode `always`: the demo site asks for
 * `attestation: "direct"` at enrolment; the extension's own window asks the user whether the site (its
 * origin as the browser reports it) may see the key's make and model before the key is used. Allowed,
 * the demo server (@simplewebauthn/server) sees the virtual key's packed attestation and AAGUID;
 * declined or closed, it sees attestation "none" and a zero AAGUID, and the enrolment still succeeds.
 */
import type { Browser, Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BridgeRig,
  bounded,
  ceremonyOutcome,
  extensionWindowShowing,
  freshUser,
  signInWithPassword,
  startBridgeRig,
} from '../support/bridge';

/** The virtual key's AAGUID as @simplewebauthn/server writes it. */
const KEY_AAGUID = '6d666162-7269-6467-6576-697274756b31';
const ZERO_AAGUID = '00000000-0000-0000-0000-000000000000';

/** Password step, then the enrolment page asking for direct attestation; clicks enrol. */
async function startDirectEnrol(rig: BridgeRig, page: Page, user: string): Promise<number> {
  await signInWithPassword(page, rig.site, user);
  await bounded(
    'goto enrol page',
    page.goto(rig.site.url('/signin/enroll/fido/webauthn?attestation=direct')),
  );
  await page.waitForSelector('form.enroll-webauthn [type=submit]');
  const since = Date.now();
  await bounded('click enrol', page.click('form.enroll-webauthn [type=submit]'));
  return since;
}

/** The extension's window once it asks the attestation question. */
async function attestationWindow(browser: Browser, extensionId: string, timeout = 30_000): Promise<Page> {
  return extensionWindowShowing(
    browser,
    extensionId,
    '[data-testid=attestation]',
    'asked about attestation',
    timeout,
  );
}

describe('bridge in Chromium: attestation needs consent', () => {
  let rig: BridgeRig;
  beforeAll(async () => {
    rig = await startBridgeRig({ mode: 'always', key: { touch: 'auto' } });
  });
  afterAll(async () => {
    await rig?.close();
  });

  /** Enrols `user` with attestation direct, answering the question with `answer`. */
  async function enrol(user: string, answer: (win: Page) => Promise<void>) {
    const page = await bounded('new page', rig.chromium.browser.newPage());
    const since = await startDirectEnrol(rig, page, user);
    const win = await attestationWindow(rig.chromium.browser, rig.chromium.extensionId);
    const question = await win.$eval('[data-testid=attestation-question]', (e) => e.textContent ?? '');
    // Nothing reached the host before the user answered.
    const createsBefore = rig.hostRequests('webauthn.create');
    await answer(win);
    const outcome = await ceremonyOutcome(page, rig.site, 'webauthn-register', user, since);
    void page.close().catch(() => undefined); // closing can stall while a popup window closes; not under test
    return { question, createsBefore, outcome, stored: rig.site.state.credentials(user) };
  }

  it('asks in the extension window naming the site; allowed, the server sees the packed attestation and the key’s AAGUID', async () => {
    const user = freshUser('attest-allow');
    const before = rig.hostRequests('webauthn.create');
    const { question, createsBefore, outcome, stored } = await enrol(user, async (win) => {
      await win.click('#attestation-allow');
    });
    expect(question).toContain(new URL(rig.site.url('/')).origin);
    expect(question).toContain('make and model');
    expect(createsBefore).toBe(before);
    expect(outcome).toMatchObject({ state: 'verified' });
    expect(outcome.event?.fmt).toBe('packed');
    expect(stored.map((c) => [c.fmt, c.aaguid])).toEqual([['packed', KEY_AAGUID]]);
  });

  it('declined, the enrolment still succeeds and the server sees attestation none and a zero AAGUID', async () => {
    const user = freshUser('attest-decline');
    const { question, outcome, stored } = await enrol(user, async (win) => {
      await win.click('#attestation-decline');
    });
    expect(question).toContain(new URL(rig.site.url('/')).origin);
    expect(outcome).toMatchObject({ state: 'verified' });
    expect(stored.map((c) => [c.fmt, c.aaguid])).toEqual([['none', ZERO_AAGUID]]);
  });

  it('the window closed without an answer counts as declined; the enrolment still succeeds', async () => {
    const user = freshUser('attest-close');
    const { outcome, stored } = await enrol(user, async (win) => {
      // The window goes away as it closes: an error from the close call itself is the expected effect.
      await win.close().catch(() => undefined);
    });
    expect(outcome).toMatchObject({ state: 'verified' });
    expect(stored.map((c) => [c.fmt, c.aaguid])).toEqual([['none', ZERO_AAGUID]]);
  });
});
