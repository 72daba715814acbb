import type { CDPSession } from 'puppeteer';

/**
 * Adds Chromium's own virtual authenticator (CDP `WebAuthn` domain) to a page's session: a CTAP2 USB key
 * that is touched automatically. Returns its authenticator id.
 */
export async function addCdpAuthenticator(
  cdp: CDPSession,
  options: { residentKey: boolean; userVerification: boolean },
): Promise<string> {
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'usb',
      hasResidentKey: options.residentKey,
      hasUserVerification: options.userVerification,
      ...(options.userVerification ? { isUserVerified: true } : {}),
      automaticPresenceSimulation: true,
    },
  });
  return authenticatorId;
}
