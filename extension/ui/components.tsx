/** Shared Preact pieces for the popup and the options page. */
import type { ComponentChildren, InputHTMLAttributes } from 'preact';
import { createContext } from 'preact';
import { useContext, useEffect, useId, useRef } from 'preact/hooks';
import type { Settings } from '../settings/schema';
import { type MessageKey, type Translate, translator } from './i18n';

export const TContext = createContext<Translate>(translator('en'));
export const useT = () => useContext(TContext);

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'label' | 'onInput' | 'value'>;

/** A labelled text input with an optional hint and error (wired with aria-describedby). */
export function Field(
  props: InputProps & {
    label: string;
    value: string;
    onValue: (v: string) => void;
    hint?: string | undefined;
    error?: string | undefined;
    multiline?: boolean;
  },
) {
  const { label, value, onValue, hint, error, multiline, ...rest } = props;
  const id = useId();
  const describedBy =
    [hint ? `${id}-hint` : '', error ? `${id}-err` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {multiline ? (
        <textarea
          id={id}
          value={value}
          rows={4}
          aria-describedby={describedBy}
          aria-invalid={error ? true : undefined}
          onInput={(e) => onValue((e.currentTarget as HTMLTextAreaElement).value)}
          {...(rest as Record<string, unknown>)}
        />
      ) : (
        <input
          id={id}
          value={value}
          aria-describedby={describedBy}
          aria-invalid={error ? true : undefined}
          onInput={(e) => onValue((e.currentTarget as HTMLInputElement).value)}
          {...(rest as Record<string, unknown>)}
        />
      )}
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p class="error" id={`${id}-err`} role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/** "Set by your organisation" marker for enforced settings. */
export function PolicyLock() {
  const t = useT();
  return (
    <span class="policy-lock" title={t('setByOrg')}>
      <span aria-hidden="true">🔒</span> {t('setByOrg')}
    </span>
  );
}

export function Notice(props: { kind: 'info' | 'error' | 'success'; children: ComponentChildren }) {
  return (
    <div class={`notice notice-${props.kind}`} role={props.kind === 'error' ? 'alert' : 'status'}>
      {props.children}
    </div>
  );
}

/** The support contact from policy, shown where users get stuck. */
export function SupportContact(props: { contact: string }) {
  const t = useT();
  if (!props.contact) return null;
  const isUrl = /^https?:\/\//i.test(props.contact.trim());
  return (
    <p class="support">
      {isUrl ? (
        <a href={props.contact.trim()} target="_blank" rel="noreferrer">
          {t('supportContact', { contact: props.contact.trim() })}
        </a>
      ) : (
        t('supportContact', { contact: props.contact })
      )}
    </p>
  );
}

/** A modal confirmation on the native <dialog> (focus trap and Escape come with it). */
export function ConfirmDialog(props: {
  open: boolean;
  title: string;
  body: string;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
  danger?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const t = useT();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (props.open && !d.open) d.showModal();
    if (!props.open && d.open) d.close();
  }, [props.open]);
  return (
    <dialog
      ref={ref}
      aria-labelledby="confirm-title"
      onCancel={(e) => {
        e.preventDefault();
        props.onCancel();
      }}
    >
      <h2 id="confirm-title">{props.title}</h2>
      <p>{props.body}</p>
      <div class="row end">
        <button type="button" onClick={props.onCancel} autofocus>
          {t('cancel')}
        </button>
        <button type="button" class={props.danger ? 'danger' : 'primary'} onClick={props.onConfirm}>
          {props.confirmLabel}
        </button>
      </div>
    </dialog>
  );
}

/** A small ring showing the part of the period left; the number is for screen readers. */
export function Countdown(props: { remaining: number; period: number }) {
  const t = useT();
  const r = 9;
  const c = 2 * Math.PI * r;
  const frac = Math.max(0, Math.min(1, props.remaining / props.period));
  return (
    <span
      class={`countdown${props.remaining <= 5 ? ' low' : ''}`}
      title={t('secondsLeft', { s: props.remaining })}
    >
      <svg width="22" height="22" viewBox="0 0 22 22" aria-hidden="true">
        <circle cx="11" cy="11" r={r} class="track" />
        <circle
          cx="11"
          cy="11"
          r={r}
          class="bar"
          stroke-dasharray={`${c * frac} ${c}`}
          transform="rotate(-90 11 11)"
        />
      </svg>
      <span class="sr-only">{t('secondsLeft', { s: props.remaining })}</span>
      <span aria-hidden="true" class="secs">
        {props.remaining}
      </span>
    </span>
  );
}

/** "123456" → "123 456", "12345678" → "1234 5678" (easier to read and type). */
export function formatCode(code: string): string {
  if (code.length === 6) return `${code.slice(0, 3)} ${code.slice(3)}`;
  if (code.length === 8) return `${code.slice(0, 4)} ${code.slice(4)}`;
  return code;
}

/** The rules a new master password must meet: the minimum length and the admin's pattern hint, if any. */
export function passwordHint(t: Translate, s: Settings): string {
  return [t('passwordMin', { n: s.passwordMinLength }), s.passwordPatternHint].filter(Boolean).join(' ');
}

/**
 * A new master password and its repeat (create, change, and the new password a policy asks for), with
 * the password rules in force as the hint.
 */
export function NewPasswordFields(props: {
  label: string;
  settings: Settings;
  value: string;
  onValue: (v: string) => void;
  repeat: string;
  onRepeat: (v: string) => void;
  error?: string | undefined;
  autofocus?: boolean;
}) {
  const t = useT();
  return (
    <>
      <Field
        label={props.label}
        type="password"
        autocomplete="new-password"
        value={props.value}
        onValue={props.onValue}
        hint={passwordHint(t, props.settings)}
        required
        autofocus={props.autofocus}
      />
      <Field
        label={t('passwordRepeat')}
        type="password"
        autocomplete="new-password"
        value={props.repeat}
        onValue={props.onRepeat}
        error={props.error}
        required
      />
    </>
  );
}

/** A user-facing message for an error from the background. */
export function errorMessage(e: unknown, t: Translate): string {
  if (e && typeof e === 'object' && 'code' in e && 'message' in e) {
    const code = (e as { code: string }).code;
    const map: Partial<Record<string, MessageKey>> = {
      'wrong-password': 'wrongPassword',
      'not-authenticator': 'scanNotAuthenticator',
    };
    const key = map[code];
    if (key) return t(key);
    if (code !== 'internal') return String((e as { message: string }).message);
  }
  return t('errorGeneric');
}
