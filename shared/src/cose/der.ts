/**
 * ECDSA signatures: WebAuthn sends DER `SEQUENCE { INTEGER r, INTEGER s }` (X9.62), Web Crypto wants
 * fixed-width r‖s (IEEE P1363). Hand-written rather than through an ASN.1 library because it sits on
 * the hot path of every assertion and the structure is two integers. Strict DER: exact lengths, no
 * trailing bytes, positive integers (extra leading zeros tolerated).
 * Returns null for anything that is not such a signature, so callers report "signature invalid".
 */
export function derToP1363(der: Uint8Array, size: number): Uint8Array | null {
  if (der.length < 8 || der[0] !== 0x30) return null;
  let pos = 1;
  let seqLen = der[pos++]!;
  if (seqLen === 0x81) {
    seqLen = der[pos++]!;
    if (seqLen < 0x80) return null; // long form used for a short length: not DER
  } else if (seqLen > 0x80) {
    return null;
  }
  if (pos + seqLen !== der.length) return null;
  const out = new Uint8Array(size * 2);
  for (let part = 0; part < 2; part++) {
    if (pos + 2 > der.length || der[pos] !== 0x02) return null;
    const len = der[pos + 1]!;
    pos += 2;
    if (len === 0 || len >= 0x80 || pos + len > der.length) return null;
    let start = pos;
    let n = len;
    if (der[start]! & 0x80) return null; // negative
    while (n > 1 && der[start] === 0) {
      // Leading zeros beyond DER's one are tolerated: the integer is the same (some keys pad).
      start++;
      n--;
    }
    if (n > size) return null;
    out.set(der.subarray(start, start + n), part * size + (size - n));
    pos += len;
  }
  return pos === der.length ? out : null;
}
