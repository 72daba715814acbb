import { isNextControl, isPasswordField, looksShown, submitFor } from './dom.js';
import { SUBMIT_TEXT } from './text.js';
import type { MfaPrompt } from './types.js';

export interface FillResult {
  ok: boolean;
  /** Why nothing (or not everything) was filled: a stable word, never the code. */
  reason?: FillFailure;
}

export type FillFailure =
  /** The field is (or has become) a password field: a code is never written there. */
  | 'password-field'
  | 'other-code'
  | 'no-code-field'
  | 'bad-code'
  | 'length-mismatch'
  | 'too-long'
  | 'detached'
  | 'not-editable'
  | 'not-kept';

type View = Window & typeof globalThis;

function viewOf(el: Element): View {
  const v = el.ownerDocument.defaultView;
  if (!v) throw new Error('element has no window');
  return v as View;
}

/**
 * Sets `value` through the HTMLInputElement prototype's own setter (of the element's realm): React's
 * value tracker and similar framework wrappers on the instance are bypassed, so the `input` event that
 * follows is seen as a change.
 */
export function setNativeValue(input: HTMLInputElement, value: string): void {
  const proto = viewOf(input).HTMLInputElement.prototype;
  const setter = Object.getOwnPropertyDescriptor(proto, 'value')?.set;
  if (setter) setter.call(input, value);
  else input.value = value;
}

const tick = (ms = 0): Promise<void> => new Promise((r) => setTimeout(r, ms));

function keyEvent(view: View, type: string, digit: string): KeyboardEvent {
  return new view.KeyboardEvent(type, {
    key: digit,
    code: `Digit${digit}`,
    keyCode: 48 + Number(digit),
    which: 48 + Number(digit),
    charCode: type === 'keypress' ? 48 + Number(digit) : 0,
    bubbles: true,
    cancelable: true,
    composed: true,
  } as KeyboardEventInit);
}

function inputEvent(view: View, type: 'beforeinput' | 'input', data: string, inputType: string): InputEvent {
  return new view.InputEvent(type, {
    data,
    inputType,
    bubbles: true,
    cancelable: type === 'beforeinput',
    composed: true,
  });
}

/** One keystroke into one box: keydown, keypress, beforeinput, value, input, keyup. */
function typeInto(input: HTMLInputElement, digit: string, replace: boolean): void {
  const view = viewOf(input);
  input.focus();
  const down = keyEvent(view, 'keydown', digit);
  input.dispatchEvent(down);
  if (down.defaultPrevented && input.value.endsWith(digit)) return; // widget typed it itself
  input.dispatchEvent(keyEvent(view, 'keypress', digit));
  const before = inputEvent(view, 'beforeinput', digit, 'insertText');
  input.dispatchEvent(before);
  if (!before.defaultPrevented) {
    setNativeValue(input, replace ? digit : input.value + digit);
    input.dispatchEvent(inputEvent(view, 'input', digit, 'insertText'));
  }
  input.dispatchEvent(keyEvent(view, 'keyup', digit));
}

function setWhole(input: HTMLInputElement, code: string): void {
  const view = viewOf(input);
  input.focus();
  const before = inputEvent(view, 'beforeinput', code, 'insertReplacementText');
  input.dispatchEvent(before);
  setNativeValue(input, code);
  input.dispatchEvent(inputEvent(view, 'input', code, 'insertReplacementText'));
  input.dispatchEvent(new view.Event('change', { bubbles: true }));
}

/** A paste event carrying the code; true when the page handled it (called preventDefault). */
function pasteInto(input: HTMLInputElement, code: string): boolean {
  const view = viewOf(input);
  try {
    const dt = new view.DataTransfer();
    dt.setData('text/plain', code);
    input.focus();
    const ev = new view.ClipboardEvent('paste', {
      clipboardData: dt,
      bubbles: true,
      cancelable: true,
      composed: true,
    });
    input.dispatchEvent(ev);
    return ev.defaultPrevented;
  } catch {
    return false; // no DataTransfer/ClipboardEvent constructor here
  }
}

/**
 * The filler's own check, right before each write and independent of the detector (defence in depth):
 * a password field never gets a code, even if a detector rule or a re-render let one through.
 */
function refusesCode(inputs: HTMLInputElement[]): FillResult | null {
  return inputs.some(isPasswordField) ? { ok: false, reason: 'password-field' } : null;
}

const digitsOf = (s: string): string => s.replace(/[\s-]/g, '');

function kept(inputs: HTMLInputElement[], code: string): boolean {
  if (inputs.length === 1) return digitsOf(inputs[0]!.value) === code;
  return inputs.map((i) => i.value).join('') === code;
}

/**
 * The prompt's submit control as the page shows it now: widgets swap their buttons while a step renders
 * (Okta's enrolment hides "Next" and shows "Verify"), so the one found at detection may be stale.
 */
function refreshSubmit(prompt: MfaPrompt): void {
  const old = prompt.submit;
  // A shown control that submits (not a "Next") is kept: profiles name theirs.
  if (old?.isConnected && looksShown(old) && !isNextControl(old)) return;
  const input = prompt.inputs[0];
  if (!input?.isConnected) return;
  const now = submitFor(input, SUBMIT_TEXT);
  if (now) prompt.submit = now;
}

/**
 * Fills a code into a prompt's field or split boxes so that framework-controlled inputs accept it, then
 * checks (after the page had a turn to re-render) that the page kept the value; on success
 * `prompt.submit` is looked up again for the page as it is now. Never fills an `other-code` prompt.
 */
export async function fillCode(prompt: MfaPrompt, code: string): Promise<FillResult> {
  const r = await fillInputs(prompt, code);
  if (r.ok) refreshSubmit(prompt);
  return r;
}

async function fillInputs(prompt: MfaPrompt, code: string): Promise<FillResult> {
  if (prompt.kind === 'other-code') return { ok: false, reason: 'other-code' };
  if (prompt.kind === 'security-key' || prompt.inputs.length === 0)
    return { ok: false, reason: 'no-code-field' };
  if (!/^[0-9]{6,10}$/.test(code)) return { ok: false, reason: 'bad-code' };
  const inputs = prompt.inputs;
  if (inputs.some((i) => !i.isConnected)) return { ok: false, reason: 'detached' };
  if (inputs.some((i) => i.disabled || i.readOnly)) return { ok: false, reason: 'not-editable' };
  const refused = refusesCode(inputs);
  if (refused) return refused;

  if (inputs.length === 1) {
    const input = inputs[0]!;
    if (input.maxLength > 0 && input.maxLength < code.length) return { ok: false, reason: 'too-long' };
    setWhole(input, code);
    await tick();
    if (!kept(inputs, code)) {
      const again = refusesCode(inputs); // the page had a turn: it may have re-rendered the field
      if (again) {
        setNativeValue(input, '');
        return again;
      }
      // Some widgets accept only typed characters: clear and type digit by digit.
      setNativeValue(input, '');
      input.dispatchEvent(inputEvent(viewOf(input), 'input', '', 'deleteContentBackward'));
      for (const d of code) typeInto(input, d, false);
      input.dispatchEvent(new (viewOf(input).Event)('change', { bubbles: true }));
      await tick();
    }
    input.blur?.();
    await tick();
    return kept(inputs, code) ? { ok: true } : { ok: false, reason: 'not-kept' };
  }

  if (inputs.length !== code.length) return { ok: false, reason: 'length-mismatch' };
  if (pasteInto(inputs[0]!, code)) {
    await tick();
    if (kept(inputs, code)) return { ok: true };
  }
  for (let i = 0; i < inputs.length; i++) {
    const box = inputs[i]!;
    if (!box.isConnected) return { ok: false, reason: 'detached' };
    const again = refusesCode([box]);
    if (again) return again;
    typeInto(box, code[i]!, true);
    box.dispatchEvent(new (viewOf(box).Event)('change', { bubbles: true }));
    await tick();
  }
  await tick();
  return kept(inputs, code) ? { ok: true } : { ok: false, reason: 'not-kept' };
}
