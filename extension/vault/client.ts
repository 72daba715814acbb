/**
 * Calling side of the vault protocol, for extension pages and content scripts:
 *   const status = await sendVault({ type: 'vault.status' });
 * Errors come back as VaultClientError with the background's stable `code`.
 */
import { browser } from 'wxt/browser';
import type { VaultRequest, VaultRequestType, VaultResponses, WireError, WireResponse } from './protocol';

export class VaultClientError extends Error {
  override readonly name = 'VaultClientError';
  readonly code: WireError['code'];
  readonly details: NonNullable<WireError['details']>;
  constructor(e: WireError) {
    super(e.message);
    this.code = e.code;
    this.details = e.details ?? {};
  }
}

export async function sendVault<T extends VaultRequestType>(
  req: Extract<VaultRequest, { type: T }>,
): Promise<VaultResponses[T]> {
  const res = (await browser.runtime.sendMessage(req)) as WireResponse<VaultResponses[T]> | undefined;
  if (!res || typeof res !== 'object' || !('ok' in res)) {
    throw new VaultClientError({ code: 'internal', message: 'The extension background did not answer.' });
  }
  if (!res.ok) throw new VaultClientError(res.error);
  return res.value;
}
