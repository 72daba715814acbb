import { describe, expect, it } from 'vitest';
import {
  checkPassword,
  getEffectiveSettings,
  type ReadableArea,
  resolveSettings,
  SettingsError,
  setUserSettings,
} from './effective';
import { MemoryArea } from './memory-area';
import { defaultSettings } from './schema';

describe('settings schema and merge', () => {
  it('has the documented defaults', () => {
    const d = defaultSettings();
    expect(d.autoLockMinutes).toBe(15);
    expect(d.fillMode).toEqual({ iamconnected: 'auto', generic: 'click' });
    expect(d.accountBinding).toBe('origin');
    expect(d.bridgeSites).toEqual([]);
    expect(d.passwordMinLength).toBeGreaterThanOrEqual(8);
  });

  it('defaults < user < policy, and says what policy enforces', () => {
    const eff = resolveSettings(
      { autoLockMinutes: 30, disableQrScan: true },
      { autoLockMinutes: 5, bridgeSites: [{ match: '*.portbase.com', mode: 'always' }] },
    );
    expect(eff.values.autoLockMinutes).toBe(5);
    expect(eff.values.disableQrScan).toBe(true);
    expect(eff.source.autoLockMinutes).toBe('policy');
    expect(eff.source.disableQrScan).toBe('user');
    expect(eff.source.disableExport).toBe('default');
    expect(eff.enforced.sort()).toEqual(['autoLockMinutes', 'bridgeSites']);
    expect(eff.policyIssues).toEqual([]);
  });

  it('reports an invalid or unknown policy value and ignores only that key', () => {
    const eff = resolveSettings(
      { autoLockMinutes: 20 },
      {
        autoLockMinutes: 0,
        disableExport: 1,
        passwordPattern: '([',
        bridgeSites: [{ match: 'https://x.com', mode: 'always' }],
        fancyKey: true,
        supportContact: 'Servicedesk +31 10 252 2222',
      },
    );
    expect(eff.values.autoLockMinutes).toBe(20);
    expect(eff.values.disableExport).toBe(false);
    expect(eff.values.passwordPattern).toBe('');
    expect(eff.values.bridgeSites).toEqual([]);
    expect(eff.values.supportContact).toBe('Servicedesk +31 10 252 2222');
    expect(eff.enforced).toEqual(['supportContact']);
    expect(eff.policyIssues.map((i) => i.key).sort()).toEqual([
      'autoLockMinutes',
      'bridgeSites',
      'disableExport',
      'fancyKey',
      'passwordPattern',
    ]);
    expect(eff.policyIssues.find((i) => i.key === 'bridgeSites')?.message).toMatch(/^0\.match: /);
  });

  it('treats a policy that is not an object as an issue', () => {
    const eff = resolveSettings({}, 'nonsense');
    expect(eff.policyIssues).toEqual([{ key: '*', message: 'The policy settings are not an object.' }]);
  });

  it('reads storage, awaits policy, refuses user changes to enforced keys', async () => {
    const local = new MemoryArea();
    const managed = new MemoryArea();
    await managed.set({ disableExport: true });
    const areas = { local, managed };
    const eff = await setUserSettings({ autoLockMinutes: 7 }, areas);
    expect(eff.values.autoLockMinutes).toBe(7);
    await expect(setUserSettings({ disableExport: false }, areas)).rejects.toMatchObject({
      code: 'enforced-by-policy',
    });
    await expect(setUserSettings({ autoLockMinutes: -1 }, areas)).rejects.toBeInstanceOf(SettingsError);
    await expect(setUserSettings({ nope: 1 } as never, areas)).rejects.toMatchObject({
      code: 'unknown-setting',
    });
    const after = await setUserSettings({ autoLockMinutes: undefined }, areas);
    expect(after.values.autoLockMinutes).toBe(15);
    expect(after.values.disableExport).toBe(true);
  });

  it('a slow policy store is awaited, not raced', async () => {
    const slow: ReadableArea = {
      get: () => new Promise((r) => setTimeout(() => r({ autoLockMinutes: 3 }), 200)),
    };
    const eff = await getEffectiveSettings({ local: new MemoryArea(), managed: slow });
    expect(eff.values.autoLockMinutes).toBe(3);
  });

  it('a browser without managed storage gives status unavailable, defaults apply', async () => {
    const failing: ReadableArea = {
      get: () => Promise.reject(new Error('Managed storage manifest not found')),
    };
    const eff = await getEffectiveSettings({ local: new MemoryArea(), managed: failing });
    expect(eff.policyStatus).toBe('unavailable');
    expect(eff.policyError).toMatch(/manifest/);
    expect(eff.enforced).toEqual([]);
  });

  it('checks passwords against length and pattern', () => {
    const s = { passwordMinLength: 12, passwordPattern: '\\d', passwordPatternHint: 'Include a digit' };
    expect(checkPassword('short', s).map((p) => p.code)).toEqual(['too-short', 'pattern']);
    expect(checkPassword('long enough 1', s)).toEqual([]);
  });
});
