/**
 * `npm start`'s own set-up (scripts/demo.ts) carries the full security-key journey: the demo site, the
 * virtual key with a PIN, Chromium with the extension and the native host — enrolment and sign-in
 * through the bridge, the PIN asked in the extension's window, both verified by the demo server.
 * Screenshots of the PIN window and the signed-in page go to test-results/ for a person to look at.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Demo, startDemo } from '../../scripts/demo';
import {
  bounded,
  ceremonyOutcome,
  enterPin,
  freshUser,
  pinWindow,
  startEnrol,
  startSignIn,
} from '../support/bridge';
import { ROOT } from '../support/paths';
import { freeUdpPort } from '../support/ports';

const SHOTS = join(ROOT, 'test-results', 'start-demo');
const PIN = '1234';

describe('npm start: the security-key journey through the bridge', () => {
  let demo: Demo;
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    demo = await startDemo({
      port: 0,
      keyPort: await freeUdpPort(),
      hostPort: await freeUdpPort(),
      pin: PIN,
      touch: 'delay:400',
      bridge: 'always',
      browser: true,
      headless: true,
    });
  });
  afterAll(async () => {
    await demo?.close();
  });

  it('opens at the demo site, enrols a key and signs in with it, the PIN asked in the extension window', async () => {
    const chromium = demo.chromium!;
    const [page] = await chromium.browser.pages();
    expect(page!.url()).toBe(demo.site.url('/signin')); // the site's / sends visitors to its sign-in page
    const user = freshUser('start');

    let since = await startEnrol(demo.site, page!, user);
    let pinPage = await pinWindow(chromium.browser, chromium.extensionId);
    await pinPage.screenshot({ path: join(SHOTS, 'pin-window-enrol.png') });
    expect(await pinPage.$eval('body', (b) => b.textContent ?? '')).toContain('localhost');
    expect(await enterPin(pinPage, PIN)).toBe('verify');
    const enrolled = await ceremonyOutcome(page!, demo.site, 'webauthn-register', user, since);
    expect(enrolled).toMatchObject({ state: 'verified' });
    expect(demo.key.authenticator.credentialCount).toBe(1);

    since = await startSignIn(demo.site, page!, user);
    pinPage = await pinWindow(chromium.browser, chromium.extensionId);
    expect(await enterPin(pinPage, PIN)).toBe('verify');
    const signedIn = await ceremonyOutcome(page!, demo.site, 'webauthn-authenticate', user, since);
    expect(signedIn).toMatchObject({ state: 'verified' });
    expect(signedIn.event?.credentialId).toBe(enrolled.event?.credentialId);
    await bounded(
      'signed-in page',
      page!.waitForSelector(`#signed-in[data-user="${user}"]`, { timeout: 20_000 }),
    );
    await page!.screenshot({ path: join(SHOTS, 'signed-in.png') });
  });
});
