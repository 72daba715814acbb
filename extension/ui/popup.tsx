/** The toolbar popup: create / unlock / damaged, account list with codes, add, edit. */
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { notifyCopied } from '../clipboard/client';
import type { EffectiveSettings } from '../settings/effective';
import { servedOrigin } from '../sites/hosts';
import type { AccountSummary } from '../vault/accounts';
import { displayName } from '../vault/accounts';
import { sendVault } from '../vault/client';
import type { CodeResult, ImportReport, VaultStatus } from '../vault/service';
import { AccountList } from './account-list';
import {
  ConfirmDialog,
  errorMessage,
  Field,
  NewPasswordFields,
  Notice,
  SupportContact,
  TContext,
  useT,
} from './components';
import { pickLang, translator } from './i18n';
import { useAction } from './use-action';
import { useEffectiveSettings } from './use-settings';

type View = { name: 'list' } | { name: 'add' } | { name: 'edit'; id: string };

export function PopupApp() {
  const [settings] = useEffectiveSettings();
  const [status, setStatus] = useState<VaultStatus | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const t = useMemo(
    () => translator(pickLang(settings?.values.language ?? 'auto')),
    [settings?.values.language],
  );
  const refresh = useCallback(() => {
    sendVault({ type: 'vault.status' })
      .then(setStatus)
      .catch((e) => setLoadError(errorMessage(e, t)));
  }, [t]);
  useEffect(refresh, [refresh]);
  useEffect(() => {
    document.documentElement.lang = pickLang(settings?.values.language ?? 'auto');
  }, [settings?.values.language]);

  let body = <p>{t('loading')}</p>;
  if (loadError) body = <Notice kind="error">{loadError}</Notice>;
  else if (status && settings) {
    switch (status.state) {
      case 'uninitialised':
        body = <CreateView settings={settings} onDone={setStatus} />;
        break;
      case 'locked':
        body = <UnlockView settings={settings} status={status} onDone={afterUnlock(setStatus)} />;
        break;
      case 'damaged':
        body = <DamagedView settings={settings} status={status} onDone={setStatus} />;
        break;
      case 'unlocked':
        body = <Unlocked settings={settings} onLocked={setStatus} />;
        break;
    }
  }
  return (
    <TContext.Provider value={t}>
      <div class="popup">
        {status?.state !== 'unlocked' && (
          <header>
            <h1 class="grow">{t('appName')}</h1>
          </header>
        )}
        {body}
      </div>
    </TContext.Provider>
  );
}

/** Opened by a content script for a locked vault (`?unlock=1&returnTab=…`): go back after unlocking. */
function afterUnlock(setStatus: (s: VaultStatus) => void) {
  return (s: VaultStatus) => {
    const q = new URLSearchParams(location.search);
    if (q.get('unlock') === '1' && s.state === 'unlocked') {
      const tab = Number(q.get('returnTab'));
      const back = Number.isInteger(tab) ? browser.tabs.update(tab, { active: true }) : Promise.resolve();
      void back.finally(() => window.close());
    }
    setStatus(s);
  };
}

function CreateView(p: { settings: EffectiveSettings; onDone: (s: VaultStatus) => void }) {
  const t = useT();
  const [pw, setPw] = useState('');
  const [pw2, setPw2] = useState('');
  const { busy, error, setError, run } = useAction();
  const s = p.settings.values;
  const submit = async (e: Event) => {
    e.preventDefault();
    if (pw !== pw2) return setError(t('passwordsDiffer'));
    await run(async () => p.onDone(await sendVault({ type: 'vault.create', password: pw })));
  };
  return (
    <main>
      <form onSubmit={submit} aria-labelledby="create-title">
        <h2 id="create-title">{t('createTitle')}</h2>
        <p class="hint">{t('createIntro')}</p>
        <NewPasswordFields
          label={t('password')}
          settings={s}
          value={pw}
          onValue={setPw}
          repeat={pw2}
          onRepeat={setPw2}
          error={error}
          autofocus
        />
        <button type="submit" class="primary" disabled={busy}>
          {t('create')}
        </button>
      </form>
      <SupportContact contact={s.supportContact} />
    </main>
  );
}

function useRetryCountdown(initialMs: number): [number, (ms: number) => void] {
  const [until, setUntil] = useState(Date.now() + initialMs);
  const [, tick] = useState(0);
  const left = Math.max(0, Math.ceil((until - Date.now()) / 1000));
  useEffect(() => {
    if (left <= 0) return;
    const h = setTimeout(() => tick((x) => x + 1), 250);
    return () => clearTimeout(h);
  });
  return [left, (ms: number) => setUntil(Date.now() + ms)];
}

export function UnlockView(p: {
  settings: EffectiveSettings;
  status: Extract<VaultStatus, { state: 'locked' }>;
  onDone: (s: VaultStatus) => void;
}) {
  const t = useT();
  const [pw, setPw] = useState('');
  /** The right password, but the password rules changed: ask for a new one (the typed one is kept here). */
  const [mustChange, setMustChange] = useState<string | null>(null);
  const { busy, error, run } = useAction();
  const [wait, setWait] = useRetryCountdown(p.status.retryAfterMs);
  const submit = async (e: Event) => {
    e.preventDefault();
    let changeRequired = false;
    await run(
      async () => p.onDone(await sendVault({ type: 'vault.unlock', password: pw })),
      (err) => {
        if ((err as { code?: string }).code === 'password-change-required') {
          changeRequired = true;
          return;
        }
        const retry = (err as { details?: { retryAfterMs?: number } }).details?.retryAfterMs ?? 0;
        setWait(retry);
        setPw('');
      },
    );
    if (changeRequired) {
      setMustChange(pw);
      setPw('');
    }
  };
  if (mustChange !== null) {
    return (
      <NewPasswordRequired
        settings={p.settings}
        oldPassword={mustChange}
        onDone={p.onDone}
        onCancel={() => setMustChange(null)}
      />
    );
  }
  return (
    <main>
      <form onSubmit={submit} aria-labelledby="unlock-title">
        <h2 id="unlock-title">{t('unlockTitle')}</h2>
        <Field
          label={t('password')}
          type="password"
          autocomplete="current-password"
          value={pw}
          onValue={setPw}
          error={error}
          required
          autofocus
        />
        {wait > 0 && <Notice kind="info">{t('retryIn', { s: wait })}</Notice>}
        <button type="submit" class="primary" disabled={busy || wait > 0 || !pw}>
          {t('unlock')}
        </button>
      </form>
      <SupportContact contact={p.settings.values.supportContact} />
    </main>
  );
}

/**
 * Shown after a right password that breaks the password rules now in force (e.g. a policy that
 * arrived after the vault was made): the vault stays locked until a compliant new password is chosen;
 * the accounts are then re-encrypted under it. Nothing is lost, and cancel goes back to unlocking.
 */
function NewPasswordRequired(p: {
  settings: EffectiveSettings;
  oldPassword: string;
  onDone: (s: VaultStatus) => void;
  onCancel: () => void;
}) {
  const t = useT();
  const [pw, setPw] = useState('');
  const [pw2, setPw2] = useState('');
  const { busy, error, setError, run } = useAction();
  const s = p.settings.values;
  const submit = async (e: Event) => {
    e.preventDefault();
    if (pw !== pw2) return setError(t('passwordsDiffer'));
    await run(async () =>
      p.onDone(await sendVault({ type: 'vault.unlock', password: p.oldPassword, newPassword: pw })),
    );
  };
  return (
    <main>
      <form onSubmit={submit} aria-labelledby="new-password-title" data-view="password-change-required">
        <h2 id="new-password-title">{t('newPasswordTitle')}</h2>
        <Notice kind="info">{t('newPasswordIntro')}</Notice>
        <NewPasswordFields
          label={t('newPassword')}
          settings={s}
          value={pw}
          onValue={setPw}
          repeat={pw2}
          onRepeat={setPw2}
          error={error}
          autofocus
        />
        <button type="submit" class="primary" disabled={busy || !pw}>
          {t('newPasswordSave')}
        </button>
        <button type="button" disabled={busy} onClick={p.onCancel}>
          {t('cancel')}
        </button>
      </form>
      <SupportContact contact={s.supportContact} />
    </main>
  );
}

function DamagedView(p: {
  settings: EffectiveSettings;
  status: Extract<VaultStatus, { state: 'damaged' }>;
  onDone: (s: VaultStatus) => void;
}) {
  const t = useT();
  const [pw, setPw] = useState('');
  const [error, setError] = useState<string>();
  const [confirmText, setConfirmText] = useState('');
  const restore = async (e: Event) => {
    e.preventDefault();
    try {
      p.onDone(await sendVault({ type: 'vault.restorePrevious', password: pw }));
    } catch (err) {
      // Restored, but the password rules changed: unlocking (with a new password) comes next.
      if ((err as { code?: string }).code === 'password-change-required') {
        p.onDone(await sendVault({ type: 'vault.status' }));
        return;
      }
      setError(errorMessage(err, t));
    }
  };
  return (
    <main>
      <h2>{p.status.code === 'unsupported-version' ? t('unsupportedVersion') : t('damagedTitle')}</h2>
      <Notice kind="error">
        {t('damagedIntro')} ({p.status.message})
      </Notice>
      {p.status.previousAvailable && (
        <form onSubmit={restore}>
          <p>{t('restoreIntro')}</p>
          <Field
            label={t('password')}
            type="password"
            autocomplete="current-password"
            value={pw}
            onValue={setPw}
            error={error}
            required
          />
          <button type="submit" class="primary">
            {t('restorePrevious')}
          </button>
        </form>
      )}
      <details>
        <summary>{t('resetVault')}</summary>
        <Field label={t('resetConfirm')} value={confirmText} onValue={setConfirmText} />
        <button
          type="button"
          class="danger"
          disabled={confirmText !== 'DELETE'}
          onClick={async () => p.onDone(await sendVault({ type: 'vault.reset', confirm: 'DELETE' }))}
        >
          {t('resetVault')}
        </button>
      </details>
      <SupportContact contact={p.settings.values.supportContact} />
    </main>
  );
}

function Unlocked(p: { settings: EffectiveSettings; onLocked: (s: VaultStatus) => void }) {
  const t = useT();
  const [view, setView] = useState<View>({ name: 'list' });
  const [accounts, setAccounts] = useState<AccountSummary[] | null>(null);
  const [error, setError] = useState<string>();
  const reload = useCallback(async () => {
    try {
      setAccounts(await sendVault({ type: 'vault.list' }));
    } catch (e) {
      if ((e as { code?: string }).code === 'locked') p.onLocked(await sendVault({ type: 'vault.status' }));
      else setError(errorMessage(e, t));
    }
  }, [p.onLocked, t]);
  useEffect(() => {
    void reload();
  }, [reload]);
  const lock = async () => p.onLocked(await sendVault({ type: 'vault.lock' }));
  const editing = view.name === 'edit' ? accounts?.find((a) => a.id === view.id) : undefined;
  return (
    <>
      {view.name === 'list' && accounts && (
        <ListView
          accounts={accounts}
          settings={p.settings}
          onAdd={() => setView({ name: 'add' })}
          onEdit={(a) => setView({ name: 'edit', id: a.id })}
          onLock={lock}
        />
      )}
      {view.name === 'add' && (
        <AddView
          settings={p.settings}
          onClose={() => {
            setView({ name: 'list' });
            void reload();
          }}
        />
      )}
      {view.name === 'edit' && editing && accounts && (
        <EditView
          account={editing}
          accounts={accounts}
          onClose={() => {
            setView({ name: 'list' });
            void reload();
          }}
        />
      )}
      {error && <Notice kind="error">{error}</Notice>}
    </>
  );
}

function ListView(p: {
  accounts: AccountSummary[];
  settings: EffectiveSettings;
  onAdd: () => void;
  onEdit: (a: AccountSummary) => void;
  onLock: () => void;
}) {
  const t = useT();
  const [query, setQuery] = useState('');
  const [codes, setCodes] = useState<Record<string, CodeResult>>({});
  const [hotp, setHotp] = useState<Record<string, string>>({});
  const [now, setNow] = useState(Date.now());
  const [message, setMessage] = useState<{ kind: 'success' | 'error'; text: string }>();
  const s = p.settings.values;

  const fetchCodes = useCallback(() => {
    void sendVault({ type: 'vault.codes' })
      .then(setCodes)
      .catch((e) => setMessage({ kind: 'error', text: errorMessage(e, t) }));
  }, [t]);
  useEffect(() => {
    if (p.accounts.length) fetchCodes();
  }, [p.accounts, fetchCodes]);
  useEffect(() => {
    const h = setInterval(() => {
      const n = Date.now();
      setNow(n);
      // A period boundary passed for some account: fetch new codes.
      const prev = Math.floor((n - 1000) / 1000);
      const cur = Math.floor(n / 1000);
      if (
        p.accounts.some(
          (a) => a.type === 'totp' && Math.floor(cur / a.period) !== Math.floor(prev / a.period),
        )
      ) {
        fetchCodes();
      }
    }, 1000);
    return () => clearInterval(h);
  }, [p.accounts, fetchCodes]);

  const copy = async (a: AccountSummary) => {
    const code = a.type === 'hotp' ? hotp[a.id] : codes[a.id]?.code;
    if (!code) return;
    if (s.disableClipboard) return setMessage({ kind: 'error', text: t('clipboardOff') });
    try {
      await navigator.clipboard.writeText(code);
      // The background clears it later (popup open or not), if the clipboard still holds this code.
      const clearAt = await notifyCopied(code).then(
        (r) => r.clearAt,
        () => undefined,
      );
      if (clearAt === undefined) return setMessage({ kind: 'error', text: t('copiedNotCleared') });
      const secs = s.clipboardClearSeconds;
      setMessage({
        kind: 'success',
        text: clearAt !== null && secs > 0 ? t('copied', { s: secs }) : t('copiedNoClear'),
      });
    } catch (e) {
      setMessage({ kind: 'error', text: errorMessage(e, t) });
    }
  };
  const generate = async (a: AccountSummary) => {
    try {
      const r = await sendVault({ type: 'vault.code', id: a.id });
      setHotp((h) => ({ ...h, [a.id]: r.code }));
    } catch (e) {
      setMessage({ kind: 'error', text: errorMessage(e, t) });
    }
  };
  return (
    <>
      <header>
        <label class="sr-only" for="search">
          {t('search')}
        </label>
        <input
          id="search"
          type="search"
          class="grow"
          placeholder={t('search')}
          value={query}
          onInput={(e) => setQuery(e.currentTarget.value)}
          autofocus
        />
        <button type="button" class="icon" aria-label={t('add')} title={t('add')} onClick={p.onAdd}>
          <span aria-hidden="true">+</span>
        </button>
        <button type="button" class="icon" aria-label={t('lock')} title={t('lock')} onClick={p.onLock}>
          <span aria-hidden="true">🔒</span>
        </button>
        <button
          type="button"
          class="icon"
          aria-label={t('settings')}
          title={t('settings')}
          onClick={() => void browser.runtime.openOptionsPage()}
        >
          <span aria-hidden="true">⚙</span>
        </button>
      </header>
      <main>
        <AccountList
          accounts={p.accounts}
          codes={codes}
          hotpCodes={hotp}
          now={now}
          query={query}
          onCopy={copy}
          onGenerate={generate}
          onEdit={p.onEdit}
        />
        <div aria-live="polite">{message && <Notice kind={message.kind}>{message.text}</Notice>}</div>
      </main>
    </>
  );
}

async function activeTabOrigin(): Promise<string | null> {
  try {
    const [tab] = await browser.tabs.query({ active: true, lastFocusedWindow: true });
    if (!tab?.url) return null;
    return servedOrigin(tab.url);
  } catch {
    // no tab access
  }
  return null;
}

export function ReportView(p: { report: ImportReport }) {
  const t = useT();
  return (
    <div class="report" aria-live="polite">
      <Notice kind={p.report.added.length ? 'success' : 'info'}>
        {t('addedN', { n: p.report.added.length })}
      </Notice>
      {p.report.skipped.length > 0 && (
        <>
          <p>{t('skippedN', { n: p.report.skipped.length })}</p>
          <ul>
            {p.report.skipped.map((s: ImportReport['skipped'][number]) => (
              <li key={`${s.source}-${s.name}`}>
                {s.name} ({s.source}): {s.reason}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

/** The header of a view opened from the account list: a back button and the view's title. */
function SubViewHeader(p: { title: string; onBack: () => void }) {
  const t = useT();
  return (
    <header>
      <button type="button" class="icon" aria-label={t('back')} onClick={p.onBack}>
        <span aria-hidden="true">←</span>
      </button>
      <h1 class="grow">{p.title}</h1>
    </header>
  );
}

function AddView(p: { settings: EffectiveSettings; onClose: () => void }) {
  const t = useT();
  const s = p.settings.values;
  const [tab, setTab] = useState<'scan' | 'uri' | 'secret'>(s.disableQrScan ? 'uri' : 'scan');
  const [origin, setOrigin] = useState<string | null>(null);
  const [bind, setBind] = useState(true);
  const [uri, setUri] = useState('');
  const [f, setF] = useState({
    issuer: '',
    account: '',
    secret: '',
    digits: '6',
    period: '30',
    algorithm: 'SHA1',
  });
  const [report, setReport] = useState<ImportReport>();
  const action = useAction();
  const { busy, error, setError } = action;
  useEffect(() => {
    void activeTabOrigin().then(setOrigin);
  }, []);
  const origins = bind && origin ? [origin] : undefined;
  const run = (fn: () => Promise<void>) => {
    setReport(undefined);
    return action.run(fn);
  };
  const importText = async (data: string) => {
    const r = await sendVault({
      type: 'vault.import',
      format: 'auto',
      data,
      ...(origins ? { origins } : {}),
    });
    setReport(r);
  };
  const tabs: Array<['scan' | 'uri' | 'secret', string]> = [
    ['scan', t('scanQr')],
    ['uri', t('pasteUri')],
    ['secret', t('enterSecret')],
  ];
  return (
    <>
      <SubViewHeader title={t('addTitle')} onBack={p.onClose} />
      <main>
        <div class="tabs" role="tablist">
          {tabs.map(([k, label]) => (
            <button
              key={k}
              type="button"
              role="tab"
              aria-selected={tab === k}
              onClick={() => {
                setTab(k);
                setReport(undefined);
                setError(undefined);
              }}
            >
              {label}
            </button>
          ))}
        </div>
        {origin && (
          <label class="row">
            <input type="checkbox" checked={bind} onChange={(e) => setBind(e.currentTarget.checked)} />
            {t('useThisSite', { origin })}
          </label>
        )}
        {tab === 'scan' &&
          (s.disableQrScan ? (
            <Notice kind="info">{t('scanOff')}</Notice>
          ) : (
            <div>
              <p class="hint">{t('scanHint')}</p>
              <button
                type="button"
                class="primary"
                disabled={busy}
                onClick={() =>
                  run(async () => {
                    const scan = await sendVault({ type: 'vault.scanTab' });
                    await importText(scan.found.map((x) => x.text).join('\n'));
                  })
                }
              >
                {t('scanQr')}
              </button>
            </div>
          ))}
        {tab === 'uri' && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void run(() => importText(uri));
            }}
          >
            <Field label={t('pasteUriLabel')} value={uri} onValue={setUri} multiline required />
            <button type="submit" class="primary" disabled={busy || !uri.trim()}>
              {t('save')}
            </button>
          </form>
        )}
        {tab === 'secret' && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void run(async () => {
                const a = await sendVault({
                  type: 'vault.add',
                  account: {
                    source: 'fields',
                    type: 'totp',
                    issuer: f.issuer || undefined,
                    account: f.account,
                    secret: f.secret,
                    algorithm: f.algorithm as 'SHA1' | 'SHA256' | 'SHA512',
                    digits: Number(f.digits) as 6 | 7 | 8,
                    period: Number(f.period),
                    meta: origins ? { origins } : {},
                  },
                });
                setReport({ added: [{ id: a.id, name: displayName(a), source: '' }], skipped: [] });
                setF({ ...f, issuer: '', account: '', secret: '' });
              });
            }}
          >
            <Field label={t('issuer')} value={f.issuer} onValue={(v) => setF({ ...f, issuer: v })} />
            <Field
              label={t('account')}
              value={f.account}
              onValue={(v) => setF({ ...f, account: v })}
              required
            />
            <Field
              label={t('secret')}
              value={f.secret}
              onValue={(v) => setF({ ...f, secret: v })}
              autocomplete="off"
              spellcheck={false}
              required
            />
            <div class="row">
              <div class="field grow">
                <label for="digits">{t('digits')}</label>
                <select
                  id="digits"
                  value={f.digits}
                  onChange={(e) => setF({ ...f, digits: e.currentTarget.value })}
                >
                  <option>6</option>
                  <option>7</option>
                  <option>8</option>
                </select>
              </div>
              <div class="field grow">
                <label for="algorithm">{t('algorithm')}</label>
                <select
                  id="algorithm"
                  value={f.algorithm}
                  onChange={(e) => setF({ ...f, algorithm: e.currentTarget.value })}
                >
                  <option>SHA1</option>
                  <option>SHA256</option>
                  <option>SHA512</option>
                </select>
              </div>
              <div class="grow">
                <Field
                  label={t('period')}
                  type="number"
                  min={1}
                  max={3600}
                  value={f.period}
                  onValue={(v) => setF({ ...f, period: v })}
                />
              </div>
            </div>
            <button type="submit" class="primary" disabled={busy}>
              {t('save')}
            </button>
          </form>
        )}
        {error && <Notice kind="error">{error}</Notice>}
        {report && <ReportView report={report} />}
      </main>
    </>
  );
}

function EditView(p: { account: AccountSummary; accounts: AccountSummary[]; onClose: () => void }) {
  const t = useT();
  const a = p.account;
  const [label, setLabel] = useState(a.label ?? '');
  const [issuer, setIssuer] = useState(a.issuer ?? '');
  const [account, setAccount] = useState(a.account);
  const [origins, setOrigins] = useState(a.origins.join('\n'));
  const [error, setError] = useState<string>();
  const [confirm, setConfirm] = useState(false);
  const name = displayName(a);
  const idx = p.accounts.findIndex((x) => x.id === a.id);
  const move = async (delta: number) => {
    const ids = p.accounts.map((x) => x.id);
    const j = idx + delta;
    if (j < 0 || j >= ids.length) return;
    [ids[idx], ids[j]] = [ids[j]!, ids[idx]!];
    try {
      await sendVault({ type: 'vault.reorder', ids });
      p.onClose();
    } catch (e) {
      setError(errorMessage(e, t));
    }
  };
  const save = async (e: Event) => {
    e.preventDefault();
    try {
      await sendVault({
        type: 'vault.update',
        id: a.id,
        patch: {
          label: label.trim() || null,
          issuer: issuer.trim() || null,
          account: account.trim(),
          origins: origins
            .split(/[\s,]+/)
            .map((o) => o.trim())
            .filter(Boolean),
        },
      });
      p.onClose();
    } catch (err) {
      setError(errorMessage(err, t));
    }
  };
  return (
    <>
      <SubViewHeader title={t('editTitle')} onBack={p.onClose} />
      <main>
        <form onSubmit={save}>
          <Field label={t('label')} value={label} onValue={setLabel} />
          <Field label={t('issuer')} value={issuer} onValue={setIssuer} />
          <Field label={t('account')} value={account} onValue={setAccount} required />
          <Field label={t('sites')} hint={t('sitesHint')} value={origins} onValue={setOrigins} multiline />
          {error && <Notice kind="error">{error}</Notice>}
          <div class="row">
            <button type="submit" class="primary">
              {t('save')}
            </button>
            <button type="button" onClick={() => move(-1)} disabled={idx <= 0}>
              {t('moveUp')}
            </button>
            <button type="button" onClick={() => move(1)} disabled={idx >= p.accounts.length - 1}>
              {t('moveDown')}
            </button>
            <span class="grow" />
            <button type="button" class="danger" onClick={() => setConfirm(true)}>
              {t('delete')}
            </button>
          </div>
        </form>
        <ConfirmDialog
          open={confirm}
          danger
          title={t('delete')}
          body={t('deleteConfirm', { name })}
          confirmLabel={t('deleteYes')}
          onCancel={() => setConfirm(false)}
          onConfirm={async () => {
            setConfirm(false);
            try {
              await sendVault({ type: 'vault.delete', id: a.id });
              p.onClose();
            } catch (e) {
              setError(errorMessage(e, t));
            }
          }}
        />
      </main>
    </>
  );
}
