import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { SETTING_KEYS } from '../../extension/settings/schema';
import { admx, chromiumLinuxPolicy, firefoxPolicies, forceInstallReg, mobileconfig } from './policies';

const P = {
  ids: { chromium: 'abcdefghijklmnopabcdefghijklmnop', firefox: 'mfa-bridge@corp.example' },
  baseUrl: 'https://intranet.example.com/mfa-bridge/',
};

/** Parses with Python's standard library (XML, property list); returns what it printed. */
function python(code: string, input: string): { code: number | null; out: string } {
  const r = spawnSync('/usr/bin/python3', ['-c', code], { input, encoding: 'utf8' });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('policy templates', () => {
  it('Chromium (Linux JSON): force-install from the update manifest URL, every setting under 3rdparty', () => {
    const p = chromiumLinuxPolicy(P);
    expect(p.ExtensionInstallForcelist).toEqual([
      'abcdefghijklmnopabcdefghijklmnop;https://intranet.example.com/mfa-bridge/updates.xml',
    ]);
    const settings = (p['3rdparty'] as { extensions: Record<string, Record<string, unknown>> }).extensions[
      P.ids.chromium
    ]!;
    expect(Object.keys(settings).sort()).toEqual([...SETTING_KEYS].sort());
    expect(chromiumLinuxPolicy({ ...P, settings: { autoLockMinutes: 5 } })['3rdparty']).toEqual({
      extensions: { [P.ids.chromium]: { autoLockMinutes: 5 } },
    });
  });

  it('Firefox policies.json: force-installed from the XPI URL, settings under 3rdparty.Extensions', () => {
    const p = firefoxPolicies({ ...P, settings: { disableExport: true } }).policies;
    expect(p.ExtensionSettings).toEqual({
      'mfa-bridge@corp.example': {
        installation_mode: 'force_installed',
        install_url: 'https://intranet.example.com/mfa-bridge/mfa-bridge.xpi',
      },
    });
    expect(p['3rdparty']).toEqual({ Extensions: { 'mfa-bridge@corp.example': { disableExport: true } } });
  });

  it('ADMX/ADML: well-formed, one policy per setting for Chrome and Edge in the 3rdparty registry layout', () => {
    const { admx: a, adml } = admx(P);
    const count = python(
      'import sys,xml.dom.minidom as m;d=m.parseString(sys.stdin.read());print(len(d.getElementsByTagName("policy")))',
      a,
    );
    expect(count.code, count.out).toBe(0);
    expect(Number(count.out)).toBe(SETTING_KEYS.length * 2);
    expect(python('import sys,xml.dom.minidom as m;m.parseString(sys.stdin.read())', adml).code).toBe(0);
    expect(a).toContain(
      `key="Software\\Policies\\Google\\Chrome\\3rdparty\\extensions\\${P.ids.chromium}\\policy"`,
    );
    expect(a).toContain(
      `key="Software\\Policies\\Microsoft\\Edge\\3rdparty\\extensions\\${P.ids.chromium}\\policy"`,
    );
    // Booleans as DWORD 1/0, lists as numbered values in a subkey, objects as JSON text.
    expect(a).toMatch(/<policy name="Chrome_disableExport"[^>]*valueName="disableExport">/);
    expect(a).toContain(
      `<list id="Chrome_allowedSites_Value" key="Software\\Policies\\Google\\Chrome\\3rdparty\\extensions\\${P.ids.chromium}\\policy\\allowedSites" valuePrefix="" />`,
    );
    expect(a).toContain('<text id="Chrome_bridgeSites_Value" valueName="bridgeSites"');
    for (const k of SETTING_KEYS) {
      expect(adml).toContain(`<string id="Chrome_${k}">${k}</string>`);
      expect(a).toContain(`$(string.Edge_${k}_Explain)`);
    }
    expect(forceInstallReg(P)).toContain(
      '[HKEY_LOCAL_MACHINE\\Software\\Policies\\Google\\Chrome\\ExtensionInstallForcelist]\r\n"1"="abcdefghijklmnopabcdefghijklmnop;https://intranet.example.com/mfa-bridge/updates.xml"',
    );
  });

  it('.mobileconfig: a valid property list with Chrome, Edge and Firefox payloads', () => {
    const r = python(
      'import sys,plistlib,json;p=plistlib.loads(sys.stdin.buffer.read());print(json.dumps(p))',
      mobileconfig({ ...P, settings: { autoLockMinutes: 5, allowedSites: ['*.example.com'] } }),
    );
    expect(r.code, r.out).toBe(0);
    const profile = JSON.parse(r.out) as {
      PayloadScope: string;
      PayloadContent: Array<Record<string, unknown>>;
    };
    expect(profile.PayloadScope).toBe('System');
    const byType = Object.fromEntries(profile.PayloadContent.map((c) => [c.PayloadType, c]));
    expect(byType['com.google.Chrome']!.ExtensionInstallForcelist).toEqual([
      `${P.ids.chromium};https://intranet.example.com/mfa-bridge/updates.xml`,
    ]);
    expect(byType[`com.google.Chrome.extensions.${P.ids.chromium}`]).toMatchObject({
      autoLockMinutes: 5,
      allowedSites: ['*.example.com'],
    });
    expect(byType[`com.microsoft.Edge.extensions.${P.ids.chromium}`]).toMatchObject({ autoLockMinutes: 5 });
    expect(byType['org.mozilla.firefox']).toMatchObject({ EnterprisePoliciesEnabled: true });
    expect(new Set(profile.PayloadContent.map((c) => c.PayloadUUID)).size).toBe(5);
  });
});
