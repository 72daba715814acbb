/** Finding an enrolment secret on a page: an otpauth URI in text or a hidden field, or a base32 key. */

const OTPAUTH = /otpauth:\/\/totp\/[^\s"'<>]+/i;
/** At least 80 bits (16 base32 characters); Okta's keys are 16, Keycloak's 32 in groups of four. */
const BASE32 = /^[A-Z2-7]{16,128}=*$/;

/** The first `otpauth://totp/...` URI in a string, or null. */
export function findOtpauthUri(text: string): string | null {
  const m = OTPAUTH.exec(text);
  return m ? m[0] : null;
}

/**
 * A base32 secret as shown to people ("Secret: abcd efgh ijkl mnop", "ABCD-EFGH-…"), normalised to
 * upper case without separators; null when the text is not one.
 */
export function normaliseBase32(text: string): string | null {
  const body = text.replace(/^[^:]{0,40}:/, '').trim(); // "Secret:", "Geheime sleutel:", "Schlüssel:"
  const groups = body.split(/[\s\u00a0-]+/).filter((g) => g.length > 0);
  // Grouped keys come in equal groups (Keycloak: 4); prose has words of varied lengths.
  if (groups.length > 1) {
    const n = groups[0]!.length;
    if (n < 3 || n > 8 || groups.slice(0, -1).some((g) => g.length !== n) || groups.at(-1)!.length > n)
      return null;
  }
  const joined = groups.join('').toUpperCase();
  return BASE32.test(joined) ? joined : null;
}

/** An otpauth URI or a base32 key read from an element's text or value. */
export function secretFromElement(el: Element): string | null {
  const raw =
    el instanceof el.ownerDocument.defaultView!.HTMLInputElement
      ? (el as HTMLInputElement).value
      : (el.textContent ?? '');
  return findOtpauthUri(raw) ?? normaliseBase32(raw.trim());
}
