import type { Page } from 'puppeteer';

/**
 * Clicks the extension panel's first button with a trusted click (the page itself cannot press it),
 * once the panel is armed: in view, unchanged and uncovered for a moment (the click guard).
 */
export async function clickPanel(page: Page, state: string): Promise<void> {
  const host = await page.waitForSelector(
    `mfa-bridge-ui[data-mfa-bridge="${state}"][data-mfa-bridge-armed="true"]`,
    { timeout: 20_000 },
  );
  const box = await host!.boundingBox();
  if (!box) throw new Error('panel has no box');
  await page.mouse.click(box.x + box.width * 0.25, box.y + box.height - 26);
}
