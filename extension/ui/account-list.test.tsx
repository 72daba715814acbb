// @vitest-environment happy-dom
import { render } from 'preact';
import { describe, expect, it } from 'vitest';
import type { AccountSummary } from '../vault/accounts';
import { AccountList, matchesQuery } from './account-list';
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
