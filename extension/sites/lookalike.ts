/**
 * Look-alike domains: a host whose name imitates a trusted one (a profile host, a bound site) but is
 * another site. Nothing is filled there; the user is told.
 */
import { getDomain, getDomainWithoutSuffix, getHostname } from 'tldts';

const PSL = { allowPrivateDomains: true } as const;

/** Folds confusable characters so "iamc0nnected" and "iаmconnected" (Cyrillic а) compare equal. */
function skeleton(label: string): string {
  const map: Record<string, string> = { '0': 'o', '1': 'l', '3': 'e', '5': 's', '7': 't', '@': 'a', $: 's' };
  const cyr: Record<string, string> = {
    а: 'a',
    е: 'e',
    о: 'o',
    р: 'p',
    с: 'c',
    х: 'x',
    у: 'y',
    і: 'i',
    ј: 'j',
    ԁ: 'd',
    ո: 'n',
  };
  return [...label.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase()]
    .map((c) => cyr[c] ?? map[c] ?? c)
    .join('')
    .replace(/rn/g, 'm')
    .replace(/vv/g, 'w')
    .replace(/[^a-z0-9]/g, '');
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

/**
 * The trusted host that `host` imitates, or null: same registrable domain is not a lookalike; a
 * different one whose name (without the public suffix, confusables folded) contains the trusted name
 * or is within two edits of it is.
 */
export function lookalikeOf(host: string, trusted: readonly string[]): string | null {
  const h = getHostname(host) ?? host;
  const hDomain = getDomain(h, PSL) ?? h;
  const hName = skeleton(getDomainWithoutSuffix(h, PSL) ?? h);
  const hAll = skeleton(h);
  for (const t of trusted) {
    if (t === 'localhost' || /^[\d.]+$/.test(t)) continue;
    const tDomain = getDomain(t, PSL) ?? t;
    if (tDomain === hDomain) continue;
    const tName = skeleton(getDomainWithoutSuffix(t, PSL) ?? t);
    if (tName.length < 5) continue;
    if (hAll.includes(tName) || (hName.length >= 5 && editDistance(hName, tName) <= 2)) return tDomain;
  }
  return null;
}
