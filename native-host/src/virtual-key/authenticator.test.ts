// Status codes of the virtual key for requests an honest client rarely sends.
import { decodeCtap, encodeCtap } from '@shared/cbor/index.js';
import { describe, expect, it } from 'vitest';
import { CTAP2_STATUS as S } from '../ctap2/status.js';
import { type RequestContext, VirtualAuthenticator } from './authenticator.js';
import { StateStore } from './state.js';

const ctx = (touch: 'touched' | 'cancelled' | 'timeout' = 'touched'): RequestContext => ({
  signal: new AbortController().signal,
  waitForTouch: async () => touch,
});
const req = (cmd: number, params?: Map<number, unknown>) =>
  new Uint8Array([cmd, ...(params ? encodeCtap(params) : [])]);

function makeCredential(over: Array<[number, unknown]> = []) {
  return new Map<number, unknown>([
    [1, new Uint8Array(32)],
    [2, new Map([['id', 'example.com']])],
    [3, new Map<string, unknown>([['id', new Uint8Array([1])]])],
    [
      4,
      [
        new Map<string, unknown>([
          ['alg', -7],
          ['type', 'public-key'],
        ]),
      ],
    ],
    ...over,
  ]);
}

describe('virtual authenticator statuses', () => {
  it('answers malformed requests with the CTAP2 status for each fault', async () => {
    const a = new VirtualAuthenticator(new StateStore());
    expect(await a.handle(new Uint8Array([0x7e]), ctx())).toEqual(new Uint8Array([S.INVALID_COMMAND]));
    expect(await a.handle(new Uint8Array([0x01, 0xa1]), ctx())).toEqual(new Uint8Array([S.INVALID_CBOR]));
    expect(await a.handle(new Uint8Array([0x01, 0x01]), ctx())).toEqual(
      new Uint8Array([S.CBOR_UNEXPECTED_TYPE]),
    );
    expect(await a.handle(req(0x01, new Map([[1, new Uint8Array(32)]])), ctx())).toEqual(
      new Uint8Array([S.MISSING_PARAMETER]),
    );
    const rsaOnly = makeCredential([
      [
        4,
        [
          new Map<string, unknown>([
            ['alg', -257],
            ['type', 'public-key'],
          ]),
        ],
      ],
    ]);
    expect(await a.handle(req(0x01, rsaOnly), ctx())).toEqual(new Uint8Array([S.UNSUPPORTED_ALGORITHM]));
    expect(await a.handle(req(0x08), ctx())).toEqual(new Uint8Array([S.NOT_ALLOWED]));
  });

  it('can play a key without discoverable credentials or PIN support', async () => {
    const a = new VirtualAuthenticator(new StateStore(), { residentKeys: false, pinSupport: false });
    const info = await a.handle(req(0x04), ctx());
    expect(info[0]).toBe(S.OK);
    const map = decodeCtap(info.subarray(1)) as Map<number, unknown>;
    const options = map.get(4) as Map<string, boolean>;
    expect(options.get('rk')).toBe(false);
    expect(options.has('clientPin')).toBe(false);
    expect(map.get(6)).toEqual([]);
    const rk = makeCredential([[7, new Map([['rk', true]])]]);
    expect(await a.handle(req(0x01, rk), ctx())).toEqual(new Uint8Array([S.UNSUPPORTED_OPTION]));
    expect(
      await a.handle(
        req(
          0x06,
          new Map([
            [1, 1],
            [2, 1],
          ]),
        ),
        ctx(),
      ),
    ).toEqual(new Uint8Array([S.INVALID_COMMAND]));
    expect((await a.handle(req(0x01, makeCredential()), ctx()))[0]).toBe(S.OK);
    expect(a.credentialCount).toBe(1);
  });

  it('reports a cancelled or timed-out touch', async () => {
    const a = new VirtualAuthenticator(new StateStore());
    expect(await a.handle(req(0x01, makeCredential()), ctx('cancelled'))).toEqual(
      new Uint8Array([S.KEEPALIVE_CANCEL]),
    );
    expect(await a.handle(req(0x01, makeCredential()), ctx('timeout'))).toEqual(
      new Uint8Array([S.USER_ACTION_TIMEOUT]),
    );
    expect(a.credentialCount).toBe(0);
  });

  it('demands a PIN token for resident keys once a PIN is set, and treats an empty pinUvAuthParam as touch-to-select', async () => {
    const a = new VirtualAuthenticator(new StateStore());
    expect(await a.handle(req(0x01, makeCredential([[8, new Uint8Array(0)]])), ctx())).toEqual(
      new Uint8Array([S.PIN_NOT_SET]),
    );
    a.presetPin('1234');
    const rk = makeCredential([[7, new Map([['rk', true]])]]);
    expect(await a.handle(req(0x01, rk), ctx())).toEqual(new Uint8Array([S.PUAT_REQUIRED]));
    expect(await a.handle(req(0x01, makeCredential([[8, new Uint8Array(0)]])), ctx())).toEqual(
      new Uint8Array([S.PIN_INVALID]),
    );
    const bogus = makeCredential([
      [8, new Uint8Array(32)],
      [9, 2],
    ]);
    expect(await a.handle(req(0x01, bogus), ctx())).toEqual(new Uint8Array([S.PIN_AUTH_INVALID]));
    const ok = await a.handle(req(0x01, makeCredential()), ctx());
    expect(ok[0]).toBe(S.OK);
    const att = decodeCtap(ok.subarray(1)) as Map<number, unknown>;
    expect(att.get(1)).toBe('packed');
    expect(await a.handle(req(0x07), ctx())).toEqual(new Uint8Array([S.OK]));
    expect(a.credentialCount).toBe(0);
    expect(a.pinSet).toBe(false);
  });
});
