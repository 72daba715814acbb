// A page must not learn without the user's touch whether its credential IDs are on the plugged-in key:
// when none of the allowed credentials is on the key, the host waits for a touch ("touch to dismiss", as
// browsers do) and then answers the same NotAllowedError, in the same words, as any other refusal.
import { randomBytes } from 'node:crypto';
import { NOT_ALLOWED_MESSAGE } from '@shared/protocol/index.js';
import { describe, expect, it } from 'vitest';
import type { VirtualKey } from '../../native-host/src/virtual-key/index.js';
import { b64u, errorOf, keyAndHostPerTest, ORIGIN, RP_ID } from './harness.js';
import type { HostProcess } from './host-process.js';

const { setup } = keyAndHostPerTest();

const unknownIds = (n: number, bytes = 32) =>
  Array.from({ length: n }, () => ({ type: 'public-key', id: b64u(randomBytes(bytes)) }));

/** Sends a get for `allowCredentials`; the answer may come only after the key was touched. */
async function expectAnswerOnlyAfterTouch(
  h: HostProcess,
  k: VirtualKey,
  id: string,
  allowCredentials: Array<{ type: string; id: string }>,
) {
  const challenge = b64u(randomBytes(32));
  h.send({
    id,
    type: 'webauthn.get',
    origin: ORIGIN,
    options: { challenge, rpId: RP_ID, userVerification: 'discouraged', allowCredentials },
  });
  // The host asks for a touch and has not answered yet.
  await h.next((m) => m.id === id && m.event === 'touch');
  expect(k.waitingForTouch).toBe(true);
  expect(h.messages.some((m) => m.id === id && 'ok' in m)).toBe(false);
  k.touch();
  const reply = await h.reply(id);
  expect(errorOf(reply)).toEqual({ name: 'NotAllowedError', message: NOT_ALLOWED_MESSAGE });
}

describe('no silent credential probing', () => {
  for (const ctapVersion of ['2.1', '2.0'] as const) {
    it(`an allow list longer than the key takes, none on it: answered only after a touch (CTAP ${ctapVersion})`, async () => {
      const { host: h, key: k } = await setup({ touch: 'manual', ctapVersion });
      await expectAnswerOnlyAfterTouch(h, k, 'g1', unknownIds(12));
      // Nothing was made on the key by the dummy request used to wait for the touch.
      expect(k.authenticator.credentialCount).toBe(0);
    });
  }

  it('every allowed ID too long to be one of the key’s: answered only after a touch', async () => {
    const { host: h, key: k } = await setup({ touch: 'manual' });
    await expectAnswerOnlyAfterTouch(h, k, 'g1', unknownIds(2, 200));
  });

  it('one unknown ID: answered only after a touch, in the words of a timeout', async () => {
    const { host: h, key: k } = await setup({ touch: 'manual' });
    await expectAnswerOnlyAfterTouch(h, k, 'g1', unknownIds(1));
  });

  it('the wait for the dismissing touch can be cancelled like any other', async () => {
    const { host: h, key: k } = await setup({ touch: 'manual' });
    h.send({
      id: 'g1',
      type: 'webauthn.get',
      origin: ORIGIN,
      options: { challenge: b64u(randomBytes(32)), rpId: RP_ID, allowCredentials: unknownIds(12) },
    });
    await h.next((m) => m.id === 'g1' && m.event === 'touch');
    h.send({ id: 'g1', type: 'cancel' });
    expect(errorOf(await h.reply('g1')).name).toBe('AbortError');
    expect(k.waitingForTouch).toBe(false);
  });
});
