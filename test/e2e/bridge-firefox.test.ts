/**
 * A browser without WebAuthn: Firefox ESR with `security.webauth.webauthn` false. In mode `fallback` the
 * bridge provides navigator.credentials / PublicKeyCredential on the allowed site, and the demo site's
 * security-key enrolment and sign-in succeed through the native host and the virtual key, verified by
 * the demo server. Sites the bridge does not serve keep having no WebAuthn.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VirtualKey } from '../../native-host/src/virtual-key/index';
import { type DemoSite, startDemoSite } from '../site/server';
import { ceremonyOutcome, signInWithPassword, startKey, transportEnv } from '../support/bridge';
import { patchFirefoxUserSettings } from '../support/extension-settings';
import { type FirefoxSession, launchFirefox } from '../support/firefox';

describe('bridge in Firefox ESR without WebAuthn (mode fallback)', () => {
  let key: VirtualKey;
  let site: DemoSite;
  let firefox: FirefoxSession;
  let hostLog: string;
  let page: Page;

  beforeAll(async () => {
    key = await startKey({ touch: 'auto' });
    site = await startDemoSite({ port: 0 });
    hostLog = join(mkdtempSync(join(tmpdir(), 'mfa-bridge-ffhost-')), 'host.log');
    firefox = await launchFirefox({
      env: { ...transportEnv(key), MFA_BRIDGE_LOG: hostLog },
      prefs: { 'security.webauth.webauthn': false },
    });
    await patchFirefoxUserSettings(firefox, { bridgeSites: [{ match: 'localhost', mode: 'fallback' }] });
    page = await firefox.browser.newPage();
  });
  afterAll(async () => {
    await firefox?.close();
    await key?.close();
    await site?.close();
  });

  const hostLines = (type: string) =>
    existsSync(hostLog)
      ? readFileSync(hostLog, 'utf8')
          .split('\n')
          .filter((l) => l.includes(`"${type}"`)).length
      : 0;

  it('a site the bridge does not serve still has no WebAuthn', async () => {
    await page.goto(site.url('/signin').replace('localhost', '127.0.0.1'));
    const seen = await page.evaluate(() => ({
      credentials: typeof navigator.credentials,
      pkc: typeof (window as unknown as { PublicKeyCredential?: unknown }).PublicKeyCredential,
    }));
    expect(seen).toEqual({ credentials: 'undefined', pkc: 'undefined' });
  });

  it('a site the bridge does not serve cannot tell the extension is installed', async () => {
    await page.goto(site.url('/signin').replace('localhost', '127.0.0.1'));
    const seen = await page.evaluate(async () => {
      const proto = (window as unknown as { CredentialsContainer?: { prototype: Record<string, unknown> } })
        .CredentialsContainer?.prototype;
      const replies: unknown[] = [];
      const channel = new MessageChannel();
      channel.port1.onmessage = (e) => replies.push(e.data);
      window.postMessage({ source: 'mfa-bridge/page', version: 1 }, '*', [channel.port2]);
      channel.port1.postMessage({ t: 'query' });
      await new Promise((r) => setTimeout(r, 1500));
      return {
        protoGet: proto ? String(proto.get).includes('[native code]') : 'no CredentialsContainer',
        protoCreate: proto ? String(proto.create).includes('[native code]') : 'no CredentialsContainer',
        symbols: Object.getOwnPropertySymbols(window).map(String),
        relayReplies: replies.length,
      };
    });
    expect(seen).toEqual({ protoGet: true, protoCreate: true, symbols: [], relayReplies: 0 });
  });

  it('provides WebAuthn on the allowed site, telling the truth about platform authenticators', async () => {
    await page.goto(site.url('/signin'));
    const seen = await page.evaluate(async () => ({
      credentials: typeof navigator.credentials,
      pkc: typeof PublicKeyCredential,
      uvpaa: await PublicKeyCredential.isUserVerifyingPlatformAuthenticatorAvailable(),
      conditional: await PublicKeyCredential.isConditionalMediationAvailable(),
      isContainer: navigator.credentials instanceof CredentialsContainer,
    }));
    expect(seen).toEqual({
      credentials: 'object',
      pkc: 'function',
      uvpaa: false,
      conditional: false,
      isContainer: true,
    });
  });

  it('enrols a security key and signs in through the bridge, verified by the demo server', async () => {
    const user = `bridge-ff-${Date.now().toString(36)}@example.com`;
    await signInWithPassword(page, site, user);
    await page.goto(site.url('/signin/enroll/fido/webauthn'));
    await page.waitForSelector('form.enroll-webauthn [type=submit]');
    let since = Date.now();
    await page.click('form.enroll-webauthn [type=submit]');
    const enrolled = await ceremonyOutcome(page, site, 'webauthn-register', user, since);
    expect(enrolled).toMatchObject({ state: 'verified' });
    expect(hostLines('webauthn.create')).toBeGreaterThanOrEqual(1);

    // Let the widget finish its own navigation after enrolment before dropping the session.
    await page.waitForFunction(
      () =>
        document.readyState === 'complete' &&
        !document.querySelector('#webauthn-status[data-state=pending], #webauthn-status[data-state=success]'),
      { timeout: 20_000 },
    );
    await page.deleteCookie(...(await page.cookies()));
    since = Date.now();
    await signInWithPassword(page, site, user);
    const signedIn = await ceremonyOutcome(page, site, 'webauthn-authenticate', user, since);
    expect(signedIn).toMatchObject({ state: 'verified' });
    expect(signedIn.event?.credentialId).toBe(enrolled.event?.credentialId);
    expect(hostLines('webauthn.get')).toBeGreaterThanOrEqual(1);
  });
});
