/** The options page: settings (with policy locks and policy problems), site rules, security, import/export, about. */
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import * as v from 'valibot';
import { browser } from 'wxt/browser';
import type { EffectiveSettings } from '../settings/effective';
import { type SettingKey, type Settings, settingsEntries } from '../settings/schema';
import { sendVault } from '../vault/client';
import { IMPORT_FORMATS, type ImportFormat } from '../vault/protocol';
import type { ImportReport, VaultInfo, VaultStatus } from '../vault/service';
import {
  errorMessage,
  Field,
  NewPasswordFields,
  Notice,
  PolicyLock,
  SupportContact,
  TContext,
  useT,
} from './components';
import { pickLang, translator } from './i18n';
import { ReportView, UnlockView } from './popup';
import { useAction } from './use-action';
import { useEffectiveSettings } from './use-settings';

const SITE_KEYS: SettingKey[] = [
  'allowedSites',
  'siteProfiles',
  'bridgeSites',
  'fillMode',
  'accountBinding',
  'autoSubmit',
];

export function OptionsApp() {
  const [settings, reloadSettings] = useEffectiveSettings();
  const [status, setStatus] = useState<VaultStatus | null>(null);
  const lang = pickLang(settings?.values.language ?? 'auto');
  const t = useMemo(() => translator(lang), [lang]);
  const refresh = useCallback(() => {
    void sendVault({ type: 'vault.status' }).then(setStatus);
  }, []);
  useEffect(refresh, [refresh]);
  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = t('optionsTitle');
  }, [lang, t]);
  if (!settings) return <p>{t('loading')}</p>;
  const general = (Object.keys(settingsEntries) as SettingKey[]).filter((k) => !SITE_KEYS.includes(k));
  return (
    <TContext.Provider value={t}>
      <main class="options">
        <h1>{t('optionsTitle')}</h1>
        <SupportContact contact={settings.values.supportContact} />
        {settings.policyIssues.length > 0 && (
          <section aria-labelledby="policy-problems">
            <h2 id="policy-problems">{t('policyProblems')}</h2>
            <ul>
              {settings.policyIssues.map((i) => (
                <li key={i.key} data-policy-issue={i.key}>
                  <code>{i.key}</code>: {i.message}
                </li>
              ))}
            </ul>
          </section>
        )}
        <section aria-labelledby="s-settings">
          <h2 id="s-settings">{t('sectionSettings')}</h2>
          {general.map((k) => (
            <SettingRow key={k} k={k} settings={settings} onSaved={reloadSettings} />
          ))}
        </section>
        <section aria-labelledby="s-sites">
          <h2 id="s-sites">{t('sectionSites')}</h2>
          {SITE_KEYS.map((k) => (
            <SettingRow key={k} k={k} settings={settings} onSaved={reloadSettings} />
          ))}
        </section>
        {status?.state === 'locked' && (
          <section aria-labelledby="unlock-title">
            <UnlockView settings={settings} status={status} onDone={setStatus} />
          </section>
        )}
        {status?.state === 'unlocked' && (
          <>
            <ImportSection />
            <ExportSection settings={settings} />
            <SecuritySection settings={settings} />
          </>
        )}
        <AboutSection status={status} />
      </main>
    </TContext.Provider>
  );
}

type Kind =
  | { kind: 'boolean' }
  | { kind: 'number' }
  | { kind: 'string' }
  | { kind: 'select'; options: string[] }
  | { kind: 'lines' }
  | { kind: 'pairs'; second: 'profile' | 'mode' }
  | { kind: 'fillMode'; options: string[] };

function kindOf(k: SettingKey, value: unknown): Kind {
  const inner = settingsEntries[k].wrapped as { type: string; options?: unknown[] };
  if (k === 'fillMode') return { kind: 'fillMode', options: ['auto', 'click', 'off'] };
  if (k === 'siteProfiles') return { kind: 'pairs', second: 'profile' };
  if (k === 'bridgeSites') return { kind: 'pairs', second: 'mode' };
  if (inner.type === 'picklist' && inner.options)
    return { kind: 'select', options: inner.options.map(String) };
  if (Array.isArray(value)) return { kind: 'lines' };
  if (typeof value === 'boolean') return { kind: 'boolean' };
  if (typeof value === 'number') return { kind: 'number' };
  return { kind: 'string' };
}

/** Array values as text: one host per line, or "host value" pairs. */
function toText(kind: Kind, value: unknown): string {
  if (kind.kind === 'lines') return (value as string[]).join('\n');
  if (kind.kind === 'pairs') {
    return (value as Array<Record<string, string>>).map((e) => `${e.match} ${e[kind.second]}`).join('\n');
  }
  return String(value ?? '');
}

function fromText(kind: Kind, text: string): unknown {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  if (kind.kind === 'lines') return lines;
  if (kind.kind === 'pairs') {
    return lines.map((l) => {
      const [match, second] = l.split(/\s+/);
      return { match, [kind.second]: second };
    });
  }
  return text;
}

function SettingRow(p: { k: SettingKey; settings: EffectiveSettings; onSaved: () => void }) {
  const t = useT();
  const value = p.settings.values[p.k] as Settings[SettingKey];
  const kind = kindOf(p.k, value);
  const locked = p.settings.enforced.includes(p.k);
  const description = v.getDescription(settingsEntries[p.k].wrapped) ?? '';
  const [text, setText] = useState(toText(kind, value));
  const [error, setError] = useState<string>();
  const [saved, setSaved] = useState(false);
  useEffect(() => setText(toText(kind, value)), [value, kind]);
  const save = async (next: unknown) => {
    setError(undefined);
    setSaved(false);
    try {
      await sendVault({ type: 'settings.set', patch: { [p.k]: next } });
      setSaved(true);
      p.onSaved();
    } catch (e) {
      setError(errorMessage(e, t));
    }
  };
  const id = `setting-${p.k}`;
  let control = null;
  switch (kind.kind) {
    case 'boolean':
      control = (
        <input
          id={id}
          type="checkbox"
          checked={value as boolean}
          disabled={locked}
          onChange={(e) => save(e.currentTarget.checked)}
        />
      );
      break;
    case 'number':
      control = (
        <input
          id={id}
          type="number"
          value={text}
          disabled={locked}
          onInput={(e) => setText(e.currentTarget.value)}
          onChange={(e) => save(Number(e.currentTarget.value))}
        />
      );
      break;
    case 'select':
      control = (
        <select id={id} value={String(value)} disabled={locked} onChange={(e) => save(e.currentTarget.value)}>
          {kind.options.map((o) => (
            <option key={o}>{o}</option>
          ))}
        </select>
      );
      break;
    case 'fillMode': {
      const fm = value as Settings['fillMode'];
      control = (
        <div id={id}>
          {(Object.keys(fm) as Array<keyof Settings['fillMode']>).map((profile) => (
            <label key={profile} class="row">
              <span class="grow">{profile}</span>
              <select
                value={fm[profile]}
                disabled={locked}
                aria-label={`${p.k} ${profile}`}
                onChange={(e) => save({ ...fm, [profile]: e.currentTarget.value })}
              >
                {kind.options.map((o) => (
                  <option key={o}>{o}</option>
                ))}
              </select>
            </label>
          ))}
        </div>
      );
      break;
    }
    default:
      control =
        kind.kind === 'string' ? (
          <input
            id={id}
            value={text}
            disabled={locked}
            onInput={(e) => setText(e.currentTarget.value)}
            onChange={() => save(fromText(kind, text))}
          />
        ) : (
          <textarea
            id={id}
            rows={3}
            value={text}
            disabled={locked}
            placeholder={
              kind.kind === 'pairs'
                ? `*.example.com ${kind.second === 'mode' ? 'fallback' : 'iamconnected'}`
                : '*.example.com'
            }
            onInput={(e) => setText(e.currentTarget.value)}
            onChange={() => save(fromText(kind, text))}
          />
        );
  }
  return (
    <div class="setting" data-setting={p.k} data-enforced={locked ? 'true' : 'false'}>
      <div>
        <label for={id}>
          <code>{p.k}</code>
        </label>
        <div class="desc">{description}</div>
        {locked && <PolicyLock />}
      </div>
      <div>
        {control}
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        {saved && (
          <span class="sr-only" role="status">
            {t('saved')}
          </span>
        )}
      </div>
    </div>
  );
}

function ImportSection() {
  const t = useT();
  const [data, setData] = useState('');
  const [format, setFormat] = useState<ImportFormat>('auto');
  const [password, setPassword] = useState('');
  const [report, setReport] = useState<ImportReport>();
  const { busy, error, run } = useAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    setReport(undefined);
    await run(async () => {
      setReport(await sendVault({ type: 'vault.import', format, data, ...(password ? { password } : {}) }));
      setData('');
      setPassword('');
    });
  };
  return (
    <section aria-labelledby="s-import">
      <h2 id="s-import">{t('sectionImport')}</h2>
      <form onSubmit={submit}>
        <div class="field">
          <label for="import-file">{t('importFile')}</label>
          <input
            id="import-file"
            type="file"
            accept=".json,.txt,.2fas,application/json,text/plain"
            onChange={async (e) => {
              const f = e.currentTarget.files?.[0];
              if (f) setData(await f.text());
            }}
          />
        </div>
        <Field label={t('importData')} value={data} onValue={setData} multiline spellcheck={false} />
        <div class="field">
          <label for="import-format">{t('importFormat')}</label>
          <select
            id="import-format"
            value={format}
            onChange={(e) => setFormat(e.currentTarget.value as ImportFormat)}
          >
            {IMPORT_FORMATS.map((f) => (
              <option key={f}>{f}</option>
            ))}
          </select>
        </div>
        <Field
          label={t('importPassword')}
          type="password"
          autocomplete="off"
          value={password}
          onValue={setPassword}
        />
        <button type="submit" class="primary" disabled={busy || !data.trim()}>
          {t('importButton')}
        </button>
      </form>
      {error && <Notice kind="error">{error}</Notice>}
      {report && <ReportView report={report} />}
    </section>
  );
}

function download(name: string, text: string, type: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function ExportSection(p: { settings: EffectiveSettings }) {
  const t = useT();
  const [exportPw, setExportPw] = useState('');
  const [masterPw, setMasterPw] = useState('');
  const [uris, setUris] = useState<string>();
  const [error, setError] = useState<string>();
  const [done, setDone] = useState(false);
  if (p.settings.values.disableExport) {
    return (
      <section aria-labelledby="s-export">
        <h2 id="s-export">{t('sectionExport')}</h2>
        <Notice kind="info">{t('exportOff')}</Notice>
        {p.settings.enforced.includes('disableExport') && <PolicyLock />}
      </section>
    );
  }
  const stamp = new Date().toISOString().slice(0, 10);
  return (
    <section aria-labelledby="s-export">
      <h2 id="s-export">{t('sectionExport')}</h2>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setError(undefined);
          try {
            const file = await sendVault({ type: 'vault.exportEncrypted', exportPassword: exportPw });
            download(`mfa-bridge-export-${stamp}.json`, file, 'application/json');
            setExportPw('');
            setDone(true);
          } catch (err) {
            setError(errorMessage(err, t));
          }
        }}
      >
        <h3>{t('exportEncrypted')}</h3>
        <Field
          label={t('exportPassword')}
          type="password"
          autocomplete="new-password"
          value={exportPw}
          onValue={setExportPw}
          required
        />
        <button type="submit" class="primary">
          {t('exportEncryptedButton')}
        </button>
        {done && <Notice kind="success">{t('saved')}</Notice>}
      </form>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setError(undefined);
          try {
            setUris(await sendVault({ type: 'vault.exportUris', masterPassword: masterPw }));
            setMasterPw('');
          } catch (err) {
            setError(errorMessage(err, t));
          }
        }}
      >
        <h3>{t('exportPlain')}</h3>
        <Notice kind="info">{t('exportPlainWarning')}</Notice>
        <Field
          label={t('password')}
          type="password"
          autocomplete="current-password"
          value={masterPw}
          onValue={setMasterPw}
          required
        />
        <button type="submit">{t('exportPlainButton')}</button>
      </form>
      {uris && (
        <>
          <Field label={t('exportPlain')} value={uris} onValue={() => undefined} multiline readOnly />
          <button type="button" onClick={() => download(`mfa-bridge-links-${stamp}.txt`, uris, 'text/plain')}>
            {t('exportEncryptedButton').replace(/encrypted |versleutelde |verschlüsselten /i, '')}
          </button>
        </>
      )}
      {error && <Notice kind="error">{error}</Notice>}
    </section>
  );
}

function SecuritySection(p: { settings: EffectiveSettings }) {
  const t = useT();
  const [oldPw, setOld] = useState('');
  const [newPw, setNew] = useState('');
  const [newPw2, setNew2] = useState('');
  const [msg, setMsg] = useState<{ kind: 'error' | 'success'; text: string }>();
  const s = p.settings.values;
  return (
    <section aria-labelledby="s-security">
      <h2 id="s-security">{t('sectionSecurity')}</h2>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          if (newPw !== newPw2) return setMsg({ kind: 'error', text: t('passwordsDiffer') });
          try {
            await sendVault({ type: 'vault.changePassword', oldPassword: oldPw, newPassword: newPw });
            setMsg({ kind: 'success', text: t('saved') });
            setOld('');
            setNew('');
            setNew2('');
          } catch (err) {
            setMsg({ kind: 'error', text: errorMessage(err, t) });
          }
        }}
      >
        <h3>{t('changePassword')}</h3>
        <Field
          label={t('currentPassword')}
          type="password"
          autocomplete="current-password"
          value={oldPw}
          onValue={setOld}
          required
        />
        <NewPasswordFields
          label={t('newPassword')}
          settings={s}
          value={newPw}
          onValue={setNew}
          repeat={newPw2}
          onRepeat={setNew2}
        />
        <button type="submit" class="primary">
          {t('changePassword')}
        </button>
        {msg && <Notice kind={msg.kind}>{msg.text}</Notice>}
      </form>
    </section>
  );
}

function AboutSection(p: { status: VaultStatus | null }) {
  const t = useT();
  const [info, setInfo] = useState<VaultInfo>();
  const state = p.status?.state;
  useEffect(() => {
    if (state) void sendVault({ type: 'vault.info' }).then(setInfo);
  }, [state]);
  const manifest = browser.runtime.getManifest();
  return (
    <section aria-labelledby="s-about">
      <h2 id="s-about">{t('sectionAbout')}</h2>
      <p>
        {manifest.name} — {t('aboutVersion', { v: manifest.version })}
      </p>
      <p>{navigator.userAgent}</p>
      <p>{t('aboutStorage')}</p>
      {info?.kdf && (
        <p data-kdf={`${info.kdf.memoryKiB}/${info.kdf.iterations}/${info.kdf.parallelism}`}>
          {t('aboutKdf', { m: info.kdf.memoryKiB / 1024, t: info.kdf.iterations, g: info.generation ?? 0 })}
        </p>
      )}
    </section>
  );
}
