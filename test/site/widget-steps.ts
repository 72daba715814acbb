/**
 * Steps through the demo site's sign-in widget as a user would, shared by the browser tests. `target`
 * is a page or a frame; `prefix` is a puppeteer query prefix such as 'pierce/' for a shadow-root widget.
 */
import type { Frame, Page } from 'puppeteer';
import { DEMO_PASSWORD } from './server.js';

/** Types `user` and the demo password into the rendered widget and submits (does not wait). */
export async function submitCredentials(target: Page | Frame, user: string, prefix = ''): Promise<void> {
  await target.type(`${prefix}#okta-signin-username`, user);
  await target.type(`${prefix}#okta-signin-password`, DEMO_PASSWORD);
  await target.click(`${prefix}#okta-signin-submit`);
}

/** From the factor list, enrols the security key and waits until the list shows it enrolled. */
export async function enrollSecurityKey(target: Page | Frame): Promise<void> {
  await target.waitForSelector('.enroll-factor-row[data-se="webauthn"] a.button');
  await target.click('.enroll-factor-row[data-se="webauthn"] a.button');
  await target.waitForSelector('form.enroll-webauthn input[type="submit"]');
  await target.click('form.enroll-webauthn input[type="submit"]');
  await target.waitForSelector('.enroll-factor-row[data-se="webauthn"] [data-se="factor-enrolled"]');
}
