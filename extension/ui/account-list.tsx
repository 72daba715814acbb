/**
 * The popup's account list: props in, markup out (its only state is the scroll position). Long lists
 * are windowed: only the rows in or near the scroll viewport are in the DOM (a 200-account vault
 * rendered every row, twice, and re-rendered them every second for the countdowns).
 */
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { AccountSummary } from '../vault/accounts';
import { displayName } from '../vault/accounts';
import type { CodeResult } from '../vault/service';
import { Countdown, formatCode, useT } from './components';
import { rowWindow } from './row-window';

/** px; `.accounts li` has this height in styles.css (the windowing relies on it). */
export const ROW_HEIGHT = 52;
/** px; the max-height of `.accounts-scroll` in styles.css, the viewport assumed before the first layout. */
const LIST_MAX_HEIGHT = 470;

export function matchesQuery(a: AccountSummary, q: string): boolean {
  if (!q) return true;
  const hay = `${a.label ?? ''} ${a.issuer ?? ''} ${a.account} ${a.origins.join(' ')}`.toLowerCase();
  return q
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((w) => hay.includes(w));
}

function initials(a: AccountSummary): string {
  const base = a.icon || a.label || a.issuer || a.account || '?';
  const words = base
    .replace(/[^\p{L}\p{N} ]/gu, ' ')
    .trim()
    .split(/\s+/);
  return ((words[0]?.[0] ?? '?') + (words[1]?.[0] ?? '')).toUpperCase();
}

export interface AccountListProps {
  accounts: AccountSummary[];
  codes: Record<string, CodeResult>;
  /** ms, for the countdowns */
  now: number;
  query: string;
  onCopy: (a: AccountSummary) => void;
  onGenerate: (a: AccountSummary) => void;
  onEdit: (a: AccountSummary) => void;
  /** HOTP codes generated on demand in this popup. */
  hotpCodes?: Record<string, string>;
}

export function AccountList(p: AccountListProps) {
  const t = useT();
  const list = useRef<HTMLDivElement>(null);
  const [scroll, setScroll] = useState({ top: 0, height: LIST_MAX_HEIGHT });
  const measure = () => {
    const el = list.current;
    // clientHeight is 0 before layout (and in DOMs without layout): keep the estimate then.
    if (el) setScroll({ top: el.scrollTop, height: el.clientHeight || LIST_MAX_HEIGHT });
  };
  useLayoutEffect(measure, []);
  const shown = p.accounts.filter((a) => matchesQuery(a, p.query));
  if (p.accounts.length === 0) return <p class="empty">{t('noAccounts')}</p>;
  if (shown.length === 0) return <p class="empty">{t('noMatches')}</p>;
  const nowS = Math.floor(p.now / 1000);
  const w = rowWindow(shown.length, scroll.top, scroll.height, ROW_HEIGHT);
  return (
    <div ref={list} class="accounts-scroll" onScroll={measure}>
      <ul
        class="accounts"
        aria-label={t('appName')}
        style={{ paddingTop: `${w.padTop}px`, paddingBottom: `${w.padBottom}px` }}
      >
        {shown.slice(w.start, w.end).map((a, i) => {
          const name = displayName(a);
          const c = p.codes[a.id];
          const hotp = a.type === 'hotp';
          const code = hotp ? p.hotpCodes?.[a.id] : c?.code;
          const remaining = a.period - (nowS % a.period);
          return (
            <li key={a.id} data-account-id={a.id} aria-setsize={shown.length} aria-posinset={w.start + i + 1}>
              <button
                type="button"
                class="account-btn"
                aria-label={hotp && !code ? t('generate', { name }) : t('copyCode', { name })}
                onClick={() => (hotp && !code ? p.onGenerate(a) : p.onCopy(a))}
              >
                <span class="avatar" aria-hidden="true">
                  {initials(a)}
                </span>
                <span class="account-name">
                  <span class="issuer">{a.label || a.issuer || a.account}</span>
                  <span class="who">{a.label || a.issuer ? a.account : ''}</span>
                </span>
                <span class="code" data-code={code ?? ''}>
                  {code ? formatCode(code) : hotp ? '↻' : '··· ···'}
                </span>
              </button>
              {!hotp && <Countdown remaining={remaining} period={a.period} />}
              <button type="button" class="icon" aria-label={t('edit', { name })} onClick={() => p.onEdit(a)}>
                <span aria-hidden="true">✎</span>
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
