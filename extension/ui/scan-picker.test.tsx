// @vitest-environment happy-dom
import { render } from 'preact';
import { describe, expect, it } from 'vitest';
import type { ScanResult } from '../vault/protocol';
import { TContext } from './components';
import { translator } from './i18n';
import { ScanPicker } from './scan-picker';

const SCAN: ScanResult = {
  accounts: [
    {
      issuer: 'Portbase',
      account: 'jan@example.nl',
      uri: 'otpauth://totp/Portbase:jan%40example.nl?secret=JBSWY3DPEHPK3PXP&issuer=Portbase',
      source: 'otpauth',
      frameOrigin: 'https://login.example.nl',
      crossOrigin: false,
    },
    {
      issuer: 'Ads',
      account: 'eve',
      uri: 'otpauth://totp/Ads:eve?secret=GEZDGNBVGY3TQOJQ&issuer=Ads',
      source: 'migration',
      frameOrigin: 'https://ads.example.net',
      crossOrigin: true,
    },
    {
      issuer: '',
      account: 'nameless',
      uri: 'otpauth://totp/nameless?secret=GEZDGNBVGY3TQOJQ',
      source: 'otpauth',
      frameOrigin: null,
      crossOrigin: true,
    },
  ],
  notAuthenticator: 2,
};

function show(
  lang: 'en' | 'nl' | 'de',
  picked: ReadonlySet<number>,
  onPick = (_: ReadonlySet<number>) => {},
) {
  const host = document.createElement('div');
  render(
    <TContext.Provider value={translator(lang)}>
      <ScanPicker scan={SCAN} picked={picked} onPick={onPick} onAdd={() => {}} busy={false} />
    </TContext.Provider>,
    host,
  );
  return host;
}

describe('scan picker', () => {
  it('lists every account with issuer, name and the origin that showed it; cross-origin frames called out', () => {
    const host = show('en', new Set());
    const rows = Array.from(host.querySelectorAll('li')).map((li) => li.textContent ?? '');
    expect(rows).toHaveLength(3);
    expect(rows[0]).toContain('Portbase (jan@example.nl)');
    expect(rows[0]).toContain('shown by https://login.example.nl');
    expect(rows[0]).not.toContain('another site');
    expect(rows[1]).toContain('shown by https://ads.example.net — in a frame from another site');
    expect(rows[1]).toContain('from an export of several accounts');
    expect(rows[2]).toContain('shown by a frame of unknown origin');
    expect(host.textContent).toContain('2 other QR code(s) on the page are not authenticator set-up codes.');
  });

  it('picks nothing by itself: Add is disabled until the user ticks an account', () => {
    let picked: ReadonlySet<number> = new Set();
    const host = show('en', picked, (p) => {
      picked = p;
    });
    const add = host.querySelector('button') as HTMLButtonElement;
    expect(add.disabled).toBe(true);
    const boxes = host.querySelectorAll('input[type="checkbox"]');
    expect(Array.from(boxes).every((b) => !(b as HTMLInputElement).checked)).toBe(true);
    const box = boxes[1] as HTMLInputElement;
    box.checked = true;
    box.dispatchEvent(new Event('change', { bubbles: true }));
    expect([...picked]).toEqual([1]);
    expect((show('en', picked).querySelector('button') as HTMLButtonElement).disabled).toBe(false);
  });

  it('speaks Dutch and German', () => {
    expect(show('nl', new Set()).textContent).toContain('in een frame van een andere site');
    expect(show('de', new Set()).textContent).toContain('in einem Frame einer anderen Website');
  });
});
