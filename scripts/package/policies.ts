// Policy templates, generated from the one settings schema (extension/settings/schema.ts through
// generate.ts's managed schema) and the release's extension IDs and base URL:
// - chromium-linux.json: ExtensionInstallForcelist + 3rdparty settings, for /etc/chromium/policies/managed/
//   (Chrome: /etc/opt/chrome/policies/managed/, Edge: /etc/opt/edge/policies/managed/)
// - firefox-policies.json: ExtensionSettings (force-installed from the XPI URL) + 3rdparty
// - windows/mfa-bridge.admx + en-US/mfa-bridge.adml: every setting under Chrome's and Edge's
//   3rdparty\extensions\<id>\policy registry layout; windows/force-install.reg: the force-install entries
// - macos/mfa-bridge.mobileconfig: Chrome and Edge force-install and extension settings, Firefox policies
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { managedSchema } from '../../extension/settings/generate';
import { defaultSettings, type Settings } from '../../extension/settings/schema';
import type { ExtensionIds } from '../../native-host/src/install/ids';
import { UPDATES_XML, XPI_NAME } from './extension';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
interface SchemaNode {
  type?: string;
  description?: string;
  items?: SchemaNode;
  properties?: Record<string, SchemaNode>;
}

export interface PolicyInput {
  ids: ExtensionIds;
  baseUrl: string;
  /** Extension settings to enforce (default: every setting at its default, for the admin to edit). */
  settings?: Partial<Settings>;
}

const settingsOf = (p: PolicyInput) => (p.settings ?? defaultSettings()) as Record<string, Json>;
export const forcelistEntry = (p: PolicyInput) => `${p.ids.chromium};${new URL(UPDATES_XML, p.baseUrl).href}`;

export function chromiumLinuxPolicy(p: PolicyInput): Record<string, Json> {
  return {
    ExtensionInstallForcelist: [forcelistEntry(p)],
    '3rdparty': { extensions: { [p.ids.chromium]: settingsOf(p) } },
  };
}

export function firefoxPolicies(p: PolicyInput): { policies: Record<string, Json> } {
  return {
    policies: {
      ExtensionSettings: {
        [p.ids.firefox]: {
          installation_mode: 'force_installed',
          install_url: new URL(XPI_NAME, p.baseUrl).href,
        },
      },
      '3rdparty': { Extensions: { [p.ids.firefox]: settingsOf(p) } },
    },
  };
}

const xml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const BROWSER_KEYS = [
  { id: 'Chrome', name: 'Google Chrome', key: 'Software\\Policies\\Google\\Chrome' },
  { id: 'Edge', name: 'Microsoft Edge', key: 'Software\\Policies\\Microsoft\\Edge' },
] as const;

/** ADMX + ADML: one policy per setting for Chrome and for Edge (3rdparty\extensions\<id>\policy). */
export function admx(p: PolicyInput): { admx: string; adml: string } {
  const props = (managedSchema().properties ?? {}) as Record<string, SchemaNode>;
  const policies: string[] = [];
  const strings: string[] = [];
  const presentations: string[] = [];
  for (const b of BROWSER_KEYS) {
    const key = `${b.key}\\3rdparty\\extensions\\${p.ids.chromium}\\policy`;
    for (const [name, node] of Object.entries(props)) {
      const id = `${b.id}_${name}`;
      strings.push(`      <string id="${id}">${xml(name)}</string>`);
      strings.push(
        `      <string id="${id}_Explain">${xml(node.description ?? '')}${
          node.type === 'object' || (node.type === 'array' && node.items?.type === 'object')
            ? xml(
                ` Enter the value as JSON, e.g. ${JSON.stringify(defaultSettings()[name as keyof Settings])}.`,
              )
            : ''
        }</string>`,
      );
      let elements = '';
      let presentation = '';
      if (node.type === 'boolean') {
        policies.push(
          `    <policy name="${id}" class="Machine" displayName="$(string.${id})" explainText="$(string.${id}_Explain)" key="${xml(key)}" valueName="${xml(name)}">
      <parentCategory ref="${b.id}" />
      <supportedOn ref="SUPPORTED_WIN7" />
      <enabledValue><decimal value="1" /></enabledValue>
      <disabledValue><decimal value="0" /></disabledValue>
    </policy>`,
        );
        continue;
      }
      if (node.type === 'integer' || node.type === 'number') {
        elements = `<decimal id="${id}_Value" valueName="${xml(name)}" maxValue="2000000000" />`;
        presentation = `<decimalTextBox refId="${id}_Value">${xml(name)}</decimalTextBox>`;
      } else if (node.type === 'array' && node.items?.type === 'string') {
        elements = `<list id="${id}_Value" key="${xml(`${key}\\${name}`)}" valuePrefix="" />`;
        presentation = `<listBox refId="${id}_Value">${xml(name)}</listBox>`;
      } else {
        // Strings, and objects / arrays of objects as JSON text (Chrome parses a JSON string against the
        // extension's schema when the schema asks for an object or list).
        elements = `<text id="${id}_Value" valueName="${xml(name)}" maxLength="32000" />`;
        presentation = `<textBox refId="${id}_Value"><label>${xml(name)}</label></textBox>`;
      }
      policies.push(
        `    <policy name="${id}" class="Machine" displayName="$(string.${id})" explainText="$(string.${id}_Explain)" presentation="$(presentation.${id})" key="${xml(key)}">
      <parentCategory ref="${b.id}" />
      <supportedOn ref="SUPPORTED_WIN7" />
      <elements>${elements}</elements>
    </policy>`,
      );
      presentations.push(`      <presentation id="${id}">${presentation}</presentation>`);
    }
  }
  const admxText = `<?xml version="1.0" encoding="utf-8"?>
<!-- mfa-bridge settings for extension ${p.ids.chromium}. Generated by npm run package from the settings schema. -->
<policyDefinitions xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" revision="1.0" schemaVersion="1.0" xmlns="http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions">
  <policyNamespaces>
    <target prefix="mfabridge" namespace="MfaBridge.Policies.${p.ids.chromium}" />
    <using prefix="windows" namespace="Microsoft.Policies.Windows" />
  </policyNamespaces>
  <resources minRequiredRevision="1.0" />
  <supportedOn>
    <definitions>
      <definition name="SUPPORTED_WIN7" displayName="$(string.SUPPORTED_WIN7)" />
    </definitions>
  </supportedOn>
  <categories>
    <category name="MfaBridge" displayName="$(string.MfaBridge)" />
${BROWSER_KEYS.map((b) => `    <category name="${b.id}" displayName="$(string.${b.id})"><parentCategory ref="MfaBridge" /></category>`).join('\n')}
  </categories>
  <policies>
${policies.join('\n')}
  </policies>
</policyDefinitions>
`;
  const admlText = `<?xml version="1.0" encoding="utf-8"?>
<policyDefinitionResources xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" revision="1.0" schemaVersion="1.0" xmlns="http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions">
  <displayName>mfa-bridge</displayName>
  <description>Settings of the mfa-bridge extension (${p.ids.chromium})</description>
  <resources>
    <stringTable>
      <string id="SUPPORTED_WIN7">Microsoft Windows 7 or later</string>
      <string id="MfaBridge">mfa-bridge</string>
${BROWSER_KEYS.map((b) => `      <string id="${b.id}">mfa-bridge in ${b.name}</string>`).join('\n')}
${strings.join('\n')}
    </stringTable>
    <presentationTable>
${presentations.join('\n')}
    </presentationTable>
  </resources>
</policyDefinitionResources>
`;
  return { admx: admxText, adml: admlText };
}

/** .reg adding the force-install entry (value "1": renumber if other extensions are force-installed). */
export function forceInstallReg(p: PolicyInput): string {
  const entry = forcelistEntry(p).replace(/\\/g, '\\\\');
  return [
    'Windows Registry Editor Version 5.00',
    '',
    ...BROWSER_KEYS.flatMap((b) => [
      `[HKEY_LOCAL_MACHINE\\${b.key}\\ExtensionInstallForcelist]`,
      `"1"="${entry}"`,
      '',
    ]),
    '[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Mozilla\\Firefox\\Extensions\\Install]',
    `"1"="${new URL(XPI_NAME, p.baseUrl).href}"`,
    '',
  ].join('\r\n');
}

function plist(value: Json, indent: string): string {
  if (value === null) return `${indent}<string></string>`;
  if (typeof value === 'boolean') return `${indent}<${value}/>`;
  if (typeof value === 'number')
    return Number.isInteger(value)
      ? `${indent}<integer>${value}</integer>`
      : `${indent}<real>${value}</real>`;
  if (typeof value === 'string') return `${indent}<string>${xml(value)}</string>`;
  if (Array.isArray(value))
    return value.length
      ? `${indent}<array>\n${value.map((v) => plist(v, `${indent}  `)).join('\n')}\n${indent}</array>`
      : `${indent}<array/>`;
  return `${indent}<dict>\n${Object.entries(value)
    .map(([k, v]) => `${indent}  <key>${xml(k)}</key>\n${plist(v, `${indent}  `)}`)
    .join('\n')}\n${indent}</dict>`;
}

/** A stable UUID for a payload (a re-deployed profile replaces the old one). */
function uuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex').toUpperCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function mobileconfig(p: PolicyInput): string {
  const settings = settingsOf(p);
  const payload = (type: string, content: Record<string, Json>) => ({
    PayloadType: type,
    PayloadIdentifier: `org.mfa-bridge.policy.${type}`,
    PayloadUUID: uuid(`${p.ids.chromium}:${type}`),
    PayloadVersion: 1,
    PayloadDisplayName: `mfa-bridge: ${type}`,
    ...content,
  });
  const ff = firefoxPolicies(p).policies;
  const profile: Record<string, Json> = {
    PayloadType: 'Configuration',
    PayloadVersion: 1,
    PayloadIdentifier: `org.mfa-bridge.policy.${p.ids.chromium}`,
    PayloadUUID: uuid(`${p.ids.chromium}:profile`),
    PayloadDisplayName: 'mfa-bridge',
    PayloadDescription: 'Installs the mfa-bridge extension in Chrome, Edge and Firefox and sets its policy.',
    PayloadScope: 'System',
    PayloadContent: [
      payload('com.google.Chrome', { ExtensionInstallForcelist: [forcelistEntry(p)] }),
      payload(`com.google.Chrome.extensions.${p.ids.chromium}`, settings),
      payload('com.microsoft.Edge', { ExtensionInstallForcelist: [forcelistEntry(p)] }),
      payload(`com.microsoft.Edge.extensions.${p.ids.chromium}`, settings),
      payload('org.mozilla.firefox', { EnterprisePoliciesEnabled: true, ...ff }),
    ],
  };
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
${plist(profile, '')}
</plist>
`;
}

/** Writes every template into `dir`. */
export function writePolicyTemplates(p: PolicyInput, dir: string): string[] {
  const files: Array<[string, string]> = [
    ['chromium-linux.json', `${JSON.stringify(chromiumLinuxPolicy(p), null, 2)}\n`],
    ['firefox-policies.json', `${JSON.stringify(firefoxPolicies(p), null, 2)}\n`],
    ['windows/mfa-bridge.admx', admx(p).admx],
    ['windows/en-US/mfa-bridge.adml', admx(p).adml],
    ['windows/force-install.reg', forceInstallReg(p)],
    ['macos/mfa-bridge.mobileconfig', mobileconfig(p)],
  ];
  for (const [name, text] of files) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return files.map(([n]) => join(dir, n));
}
