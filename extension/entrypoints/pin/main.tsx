import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import * as v from 'valibot';
import { browser } from 'wxt/browser';
import {
  type FromPinUi,
  type PinUiInfo,
  type PinUiState,
  pinProblem,
  ToPinUiSchema,
} from '../../bridge/pin-wire';
import { PIN_PORT_NAME } from '../../bridge/wire';
import { pickLang, translator } from '../../ui/i18n';

type Port = ReturnType<typeof browser.runtime.connect>;

function PinWindow() {
  const [info, setInfo] = useState<PinUiInfo | null>(null);
  const [state, setState] = useState<PinUiState>({ kind: 'working' });
  const [pin, setPin] = useState('');
  const [confirm, setConfirm] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const port = useRef<Port | null>(null);
  const pinInput = useRef<HTMLInputElement | null>(null);
  // The window exists to take the PIN: put the cursor in the field whenever a PIN is asked for.
  const asking = state.kind === 'pin' ? `${state.reason}:${state.retries}:${state.invalid}` : '';
  useEffect(() => {
    if (asking) pinInput.current?.focus();
  }, [asking]);

  useEffect(() => {
    const p = browser.runtime.connect({ name: PIN_PORT_NAME });
    port.current = p;
    p.onMessage.addListener((raw: unknown) => {
      const parsed = v.safeParse(ToPinUiSchema, raw);
      if (!parsed.success) return;
      setInfo(parsed.output.info);
      setState(parsed.output.state);
      if (parsed.output.state.kind === 'pin') {
        setPin('');
        setConfirm('');
      }
    });
    p.onDisconnect.addListener(() => {
      port.current = null;
    });
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') p.postMessage({ t: 'cancel' } satisfies FromPinUi);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  function send(message: FromPinUi) {
    port.current?.postMessage(message);
  }

  function submit(e: Event) {
    e.preventDefault();
    if (state.kind !== 'pin') return;
    const issue = pinProblem(pin);
    if (issue) return setProblem(issue);
    if (state.reason === 'set' && pin !== confirm) return setProblem('The two PINs differ.');
    setProblem(null);
    send({ t: 'pin', pin });
    setPin('');
    setConfirm('');
  }

  const lang = pickLang(info?.lang ?? 'auto');
  const t = translator(lang);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const what = info?.op === 'create' ? 'register a security key' : 'sign in with a security key';
  return (
    <main>
      <h1>Security key</h1>
      {info && (
        <div class="site" data-testid="site">
          <div>
            <b>Site</b> <span data-testid="origin">{info.origin}</span>
          </div>
          <div>
            <b>RP ID</b> <span data-testid="rp-id">{info.rpId}</span>
          </div>
          <div class="hint">wants to {what}.</div>
        </div>
      )}
      {state.kind === 'pin' && (
        <form onSubmit={submit} data-testid="pin-form" data-reason={state.reason}>
          {state.reason === 'set' ? (
            <p>This site requires a PIN and your key has none yet. Choose a PIN for the key.</p>
          ) : (
            <p>Enter your security key's PIN.</p>
          )}
          {state.invalid && (
            <p class="error" data-testid="pin-invalid">
              Wrong PIN. {state.retries} {state.retries === 1 ? 'try' : 'tries'} left before the key locks.
            </p>
          )}
          <label for="pin">{state.reason === 'set' ? 'New PIN' : 'PIN'}</label>
          <input
            id="pin"
            type="password"
            autoComplete="off"
            ref={pinInput}
            value={pin}
            onInput={(e) => setPin((e.target as HTMLInputElement).value)}
          />
          {state.reason === 'set' && (
            <>
              <label for="confirm">Repeat the new PIN</label>
              <input
                id="confirm"
                type="password"
                autoComplete="off"
                value={confirm}
                onInput={(e) => setConfirm((e.target as HTMLInputElement).value)}
              />
            </>
          )}
          {problem && <p class="error">{problem}</p>}
          <div class="row">
            <button type="submit" id="ok">
              OK
            </button>
            <button type="button" id="cancel" onClick={() => send({ t: 'cancel' })}>
              Cancel
            </button>
          </div>
        </form>
      )}
      {state.kind === 'attestation' && info && (
        <div data-testid="attestation">
          <p data-testid="attestation-question">{t('attestQuestion', { origin: info.origin })}</p>
          <p class="hint">{t('attestDetail')}</p>
          <div class="row">
            <button
              type="button"
              id="attestation-allow"
              onClick={() => send({ t: 'attestation', allow: true })}
            >
              {t('attestAllow')}
            </button>
            <button
              type="button"
              id="attestation-decline"
              onClick={() => send({ t: 'attestation', allow: false })}
            >
              {t('attestDecline')}
            </button>
          </div>
        </div>
      )}
      {state.kind === 'touch' && (
        <div data-testid="touch">
          <p>Touch your security key now.</p>
          <button type="button" id="cancel" onClick={() => send({ t: 'cancel' })}>
            Cancel
          </button>
        </div>
      )}
      {state.kind === 'working' && <p data-testid="working">Talking to your security key…</p>}
      {state.kind === 'error' && (
        <div>
          <p class="error" data-testid="error">
            {state.message}
          </p>
          <button type="button" onClick={() => window.close()}>
            Close
          </button>
        </div>
      )}
    </main>
  );
}

render(<PinWindow />, document.getElementById('app')!);
