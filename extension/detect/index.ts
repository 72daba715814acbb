/**
 * MFA prompt detection and code filling: pure DOM, no extension APIs, usable in any page or test DOM.
 */
import { makeContext } from './dom.js';
import { azureB2c } from './profiles/azure-b2c.js';
import { entra } from './profiles/entra.js';
import { generic } from './profiles/generic.js';
import { keycloak } from './profiles/keycloak.js';
import { oktaClassic } from './profiles/okta-classic.js';
import { oktaIdx } from './profiles/okta-idx.js';
import type { MfaPrompt, Profile } from './types.js';

export { type FillFailure, type FillResult, fillCode, setNativeValue } from './fill.js';
export { decodeQr, readQrFromElement } from './qr.js';
export { findOtpauthUri, normaliseBase32 } from './secret.js';
export type { MfaKind, MfaPrompt, Profile } from './types.js';

/** Site profiles in the order they are tried; the generic heuristic comes last. */
export const PROFILES: readonly Profile[] = [oktaIdx, oktaClassic, azureB2c, entra, keycloak, generic];
export const PROFILE_NAMES: readonly string[] = PROFILES.map((p) => p.name);

/**
 * Finds the MFA prompt on a page (including open shadow roots and same-origin iframes): the first site
 * profile that recognises the page wins, else the generic heuristic; null when there is none.
 */
export function detectMfaPrompt(doc: Document): MfaPrompt | null {
  const ctx = makeContext(doc);
  for (const profile of PROFILES) {
    const found = profile.detect(ctx);
    if (found) return found;
  }
  return null;
}
