import type { BrowserAccessResult, KeyReach } from '@shared/protocol/index.js';
import { describe, expect, it } from 'vitest';
import { BrowserAccessProbe, browserHidAccess } from './browser-access';

const udp: KeyReach = { transport: 'udp', product: 'virtual', browser: 'unreachable', why: 'UDP' };
const usb: KeyReach = { transport: 'usb', product: 'YubiKey', browser: 'reachable', why: 'USB' };

describe('browserHidAccess', () => {
  it('none only when the host reaches keys and the browser none of them', () => {
    expect(browserHidAccess({ keys: [udp] })).toBe('none');
    expect(browserHidAccess({ keys: [udp, udp] })).toBe('none');
    expect(browserHidAccess({ keys: [udp, usb] })).toBe('some');
    expect(browserHidAccess({ keys: [usb] })).toBe('some');
    expect(browserHidAccess({ keys: [] })).toBe('unknown');
    expect(browserHidAccess(null)).toBe('unknown');
  });
});

describe('BrowserAccessProbe', () => {
  function probe(answers: Array<BrowserAccessResult | null | Error>, ttlMs = 5_000) {
    let clock = 0;
    let asked = 0;
    const p = new BrowserAccessProbe(
      async () => {
        const a = answers[Math.min(asked++, answers.length - 1)];
        if (a instanceof Error) throw a;
        return a ?? null;
      },
      { ttlMs, now: () => clock },
    );
    return {
      p,
      asked: () => asked,
      advance: (ms: number) => {
        clock += ms;
      },
    };
  }

  it('keeps an answer for its time to live, then asks again', async () => {
    const t = probe([{ keys: [udp] }, { keys: [usb] }]);
    expect(await t.p.check()).toBe('none');
    t.advance(4_000);
    expect(await t.p.check()).toBe('none');
    expect(t.asked()).toBe(1);
    t.advance(2_000);
    expect(await t.p.check()).toBe('some');
    expect(t.asked()).toBe(2);
  });

  it('prime asks ahead; concurrent checks share one question', async () => {
    const t = probe([{ keys: [udp] }]);
    t.p.prime();
    t.p.prime();
    const [a, b] = await Promise.all([t.p.check(), t.p.check()]);
    expect([a, b]).toEqual(['none', 'none']);
    expect(t.asked()).toBe(1);
  });

  it('a failing or silent host is unknown', async () => {
    expect(await probe([new Error('host gone')]).p.check()).toBe('unknown');
    expect(await probe([null]).p.check()).toBe('unknown');
    const slow = new BrowserAccessProbe(() => new Promise(() => {}), { waitMs: 20 });
    expect(await slow.check()).toBe('unknown');
  });
});
