// @vitest-environment happy-dom
import { render } from 'preact';
import { describe, expect, it } from 'vitest';
import type { AccountSummary } from '../vault/accounts';
import { AccountList, matchesQuery, ROW_HEIGHT } from './account-list';
import { TContext } from './components';
import { pickLang, TABLES, translator } from './i18n';

const acc = (
  id: string,
  issuer: string,
  account: string,
  type: 'totp' | 'hotp' = 'totp',
): AccountSummary => ({
  id,
  type,
  issuer,
  account,
  algorithm: 'SHA1',
  digits: 6,
  period: 30,
  origins: [],
  createdAt: 0,
  updatedAt: 0,
});

describe('account list', () => {
  it('renders codes with accessible names, in Dutch too, and filters by search', () => {
    const host = document.createElement('div');
    const accounts = [acc('a', 'Portbase', 'jan@example.nl'), acc('b', 'Bank', 'bob', 'hotp')];
    const codes = {
      a: { code: '123456', secondsRemaining: 10, period: 30, digits: 6, type: 'totp' as const },
    };
    const noop = () => undefined;
    render(
      <TContext.Provider value={translator('nl')}>
        <AccountList
          accounts={accounts}
          codes={codes}
          now={20_000}
          query=""
          onCopy={noop}
          onGenerate={noop}
          onEdit={noop}
        />
      </TContext.Provider>,
      host,
    );
    const buttons = [...host.querySelectorAll('button')].map((b) => b.getAttribute('aria-label'));
    expect(buttons).toEqual([
      'Code kopiëren voor Portbase (jan@example.nl)',
      'Portbase (jan@example.nl) bewerken',
      'Code maken voor Bank (bob)',
      'Bank (bob) bewerken',
    ]);
    expect(host.querySelector('.code')?.textContent).toBe('123 456');
    expect(host.textContent).toContain('nog 10 seconden');
    expect(matchesQuery(accounts[0]!, 'port jan')).toBe(true);
    expect(matchesQuery(accounts[0]!, 'bank')).toBe(false);
  });

  it('renders only the rows near the scroll viewport of a long list, and follows scrolling', async () => {
    const host = document.createElement('div');
    document.body.append(host);
    const accounts = Array.from({ length: 200 }, (_, i) => acc(`id${i}`, `Bench ${i}`, `user${i}`));
    const codes = Object.fromEntries(
      accounts.map((a, i) => [
        a.id,
        { code: String(100000 + i), secondsRemaining: 10, period: 30, digits: 6, type: 'totp' as const },
      ]),
    );
    const noop = () => undefined;
    render(
      <TContext.Provider value={translator('en')}>
        <AccountList
          accounts={accounts}
          codes={codes}
          now={20_000}
          query=""
          onCopy={noop}
          onGenerate={noop}
          onEdit={noop}
        />
      </TContext.Provider>,
      host,
    );
    const rows = () => [...host.querySelectorAll('li[data-account-id]')];
    const first = rows();
    expect(first.length).toBeGreaterThan(5);
    expect(first.length).toBeLessThan(30);
    expect(first[0]!.getAttribute('data-account-id')).toBe('id0');
    expect(first.every((r) => r.getAttribute('aria-setsize') === '200')).toBe(true);
    const ul = host.querySelector('ul')!;
    const scroller = host.querySelector('.accounts-scroll')!;
    // The padding stands in for the rows not rendered: the scroll height is that of 200 rows.
    const pad = Number.parseFloat(ul.style.paddingTop || '0') + Number.parseFloat(ul.style.paddingBottom);
    expect(pad + first.length * ROW_HEIGHT).toBe(200 * ROW_HEIGHT);

    scroller.scrollTop = 100 * ROW_HEIGHT;
    scroller.dispatchEvent(new Event('scroll'));
    await new Promise((r) => setTimeout(r, 0));
    const later = rows().map((r) => r.getAttribute('data-account-id'));
    expect(later).toContain('id100');
    expect(later).not.toContain('id0');
    const row100 = host.querySelector('li[data-account-id="id100"]')!;
    expect(row100.getAttribute('aria-posinset')).toBe('101');
    expect(row100.querySelector('.code')?.getAttribute('data-code')).toBe('100100');
    render(null, host);
    host.remove();
  });

  it('has every message in every language and picks the browser language for auto', () => {
    const keys = Object.keys(TABLES.en).sort();
    expect(Object.keys(TABLES.nl).sort()).toEqual(keys);
    expect(Object.keys(TABLES.de).sort()).toEqual(keys);
    expect(pickLang('auto', 'nl-NL')).toBe('nl');
    expect(pickLang('auto', 'fr-FR')).toBe('en');
    expect(pickLang('de', 'nl-NL')).toBe('de');
    expect(translator('en')('passwordMin', { n: 12 })).toBe('At least 12 characters.');
  });
});
