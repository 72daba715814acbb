/**
 * The bridge's `fallback` trigger "no HID access", in Chromium (which has WebAuthn): the only key the
 * native host sees is the virtual key on UDP, which no browser can reach, so a fallback site's requests
 * go straight to the bridge instead of leaving the browser waiting for a key it will never see. When
 * the host sees no key at all, the browser is asked first, as fallback means.
 *
 * Witness: Chromium's own virtual authenticator (CDP) is attached to the page. Were the browser asked,
 * it would answer at once with a credential of its own; the demo server records which credential it
 * verified, and both authenticators can be asked what they hold.
 */
import type { CDPSession, Page } from 'puppeteer';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type BridgeRig,
  bounded,
  ceremonyOutcome,
  freshUser,
  startBridgeRig,
  startEnrol,
  startSignIn,
} from '../support/bridge';
import { addCdpAuthenticator } from '../support/cdp-authenticator';

async function browserCredentials(cdp: CDPSession, authenticatorId: string): Promise<number> {
  const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  return credentials.length;
}

async function pageWithCdpAuthenticator(
  rig: BridgeRig,
): Promise<{ page: Page; cdp: CDPSession; id: string }> {
  const page = await bounded('new page', rig.chromium.browser.newPage());
  const cdp = await page.createCDPSession();
  const id = await addCdpAuthenticator(cdp, { residentKey: false, userVerification: false });
  return { page, cdp, id };
}

describe('bridge in Chromium, mode fallback, a key only the host can reach', () => {
  let rig: BridgeRig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('enrols and signs in through the bridge without asking the browser; the demo server verifies both', async () => {
    rig = await startBridgeRig({ mode: 'fallback', key: { touch: 'auto' } });
    const { page, cdp, id } = await pageWithCdpAuthenticator(rig);
    const user = freshUser('nohid');

    let since = await startEnrol(rig.site, page, user);
    const enrolled = await ceremonyOutcome(page, rig.site, 'webauthn-register', user, since);
    expect(enrolled).toMatchObject({ state: 'verified' });
    expect(rig.key.authenticator.credentialCount).toBe(1);
    expect(await browserCredentials(cdp, id)).toBe(0);
    expect(rig.hostRequests('webauthn.create')).toBe(1);

    since = await startSignIn(rig.site, page, user);
    const signedIn = await ceremonyOutcome(page, rig.site, 'webauthn-authenticate', user, since);
    expect(signedIn).toMatchObject({ state: 'verified' });
    expect(signedIn.event?.credentialId).toBe(enrolled.event?.credentialId);
    expect(rig.hostRequests('webauthn.get')).toBe(1);
    expect(await browserCredentials(cdp, id)).toBe(0);
    void page.close().catch(() => undefined);
  });

  it('the host sees no key: the browser is asked first and serves the request itself', async () => {
    rig = await startBridgeRig({ mode: 'fallback', key: { touch: 'auto' } });
    await rig.key.close(); // unplugged before the browser loads the site
    const { page, cdp, id } = await pageWithCdpAuthenticator(rig);
    const user = freshUser('hid');

    const since = await startEnrol(rig.site, page, user);
    const enrolled = await ceremonyOutcome(page, rig.site, 'webauthn-register', user, since);
    expect(enrolled).toMatchObject({ state: 'verified' });
    expect(await browserCredentials(cdp, id)).toBe(1);
    expect(rig.hostRequests('webauthn.create')).toBe(0);
    void page.close().catch(() => undefined);
  });
});
