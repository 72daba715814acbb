// PIN protocols one and two against fixed ECDH vectors computed by python-fido2 0.9.1 (an independent
// implementation on pyca/cryptography), plus the platform ↔ authenticator round trip.
import { createECDH } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  coseKeyFromPublic,
  decapsulate,
  encapsulate,
  generateEcdh,
  PIN_PROTOCOL_1,
  PIN_PROTOCOL_2,
  PinProtocolError,
  padPin,
  pinHash,
  publicFromCoseKey,
} from './pin-protocol.js';

const hex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');

// Platform key a = 0x11…11, authenticator key b = 0x22…22 (P-256).
const A_PUB =
  '0217e617f0b6443928278f96999e69a23a4f2c152bdf6d6cdf66e5b80282d4ed194a7debcb97712d2dda3ca85aa8765a56f45fc758599652f2897c65306e5794';
const B_PUB =
  'd65a93977caa3d1b081852ff57a79e465f1660577304baead505dd3a48589cf350185e895372df6221ea3a137557e473fddb6755f05bd507c3c533fce9c91285';
const S1 = '98f5bf15dbc72627acd9a8ab61ce21349ea3496d79136adf08ad381cc9c0fa25';
const S2 =
  'abc3809533cb07b6ae481ea05b28ac708ffed9777147a09aabc8ab58e167ba0eaecad75245932defecf4cd0d93420fcd05d99403d09a49655fed76fa64c2cf82';

function fixedEcdh(byte: number) {
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(Buffer.alloc(32, byte));
  return ecdh;
}
const bKey = () => coseKeyFromPublic(hex(`04${B_PUB}`));

describe('PIN protocol vectors (python-fido2 0.9.1)', () => {
  it('protocol 1: shared secret = SHA-256(Z), AES-256-CBC with zero IV, HMAC truncated to 16', () => {
    const { sharedSecret, platformKey } = encapsulate(PIN_PROTOCOL_1, bKey(), fixedEcdh(0x11));
    expect(toHex(sharedSecret)).toBe(S1);
    expect(toHex(publicFromCoseKey(platformKey))).toBe(`04${A_PUB}`);
    expect(toHex(pinHash('1234'))).toBe('03ac674216f3e15c761ee1a5e255f067');
    expect(toHex(PIN_PROTOCOL_1.encrypt(sharedSecret, pinHash('1234')))).toBe(
      'cd782dd78eb3517e6279ff687e577f00',
    );
    expect(toHex(PIN_PROTOCOL_1.authenticate(sharedSecret, new TextEncoder().encode('hello')))).toBe(
      '4deb3fca792685e7b27182320dd993a5',
    );
  });

  it('protocol 2: HKDF keys, IV-prefixed ciphertext, full HMAC', () => {
    const { sharedSecret } = encapsulate(PIN_PROTOCOL_2, bKey(), fixedEcdh(0x11));
    expect(toHex(sharedSecret)).toBe(S2);
    const ct = hex('000102030405060708090a0b0c0d0e0fa14e0b24843722d89bd7f624fc50660b');
    expect(toHex(PIN_PROTOCOL_2.decrypt(sharedSecret, ct))).toBe('03ac674216f3e15c761ee1a5e255f067');
    expect(toHex(PIN_PROTOCOL_2.authenticate(sharedSecret, new TextEncoder().encode('hello')))).toBe(
      '0aa380d6a537ef2be791aa0ece20c26f85b6b363a963b06bb48602b6db19d698',
    );
    const enc = PIN_PROTOCOL_2.encrypt(sharedSecret, pinHash('1234'));
    expect(enc.length).toBe(32);
    expect(toHex(PIN_PROTOCOL_2.decrypt(sharedSecret, enc))).toBe('03ac674216f3e15c761ee1a5e255f067');
  });

  it('the authenticator side derives the same secret (decapsulate)', () => {
    const platform = coseKeyFromPublic(hex(`04${A_PUB}`));
    expect(toHex(decapsulate(PIN_PROTOCOL_1, fixedEcdh(0x22), platform))).toBe(S1);
    expect(toHex(decapsulate(PIN_PROTOCOL_2, fixedEcdh(0x22), platform))).toBe(S2);
  });
});

describe('PIN protocol round trip and errors', () => {
  for (const p of [PIN_PROTOCOL_1, PIN_PROTOCOL_2]) {
    it(`protocol ${p.version}: random keys agree, verify accepts only the right MAC`, () => {
      const authenticator = generateEcdh();
      const { sharedSecret, platformKey } = encapsulate(p, coseKeyFromPublic(authenticator.getPublicKey()));
      const other = decapsulate(p, authenticator, platformKey);
      expect(toHex(other)).toBe(toHex(sharedSecret));
      const padded = padPin('123456');
      expect(toHex(p.decrypt(other, p.encrypt(sharedSecret, padded)))).toBe(toHex(padded));
      const msg = new Uint8Array([1, 2, 3]);
      const mac = p.authenticate(sharedSecret, msg);
      expect(p.verify(other, msg, mac)).toBe(true);
      mac[0]! ^= 1;
      expect(p.verify(other, msg, mac)).toBe(false);
    });
  }

  it('rejects keys that are not P-256 COSE keys, and points off the curve', () => {
    expect(() => publicFromCoseKey(new Map([[1, 1]]))).toThrow(PinProtocolError);
    expect(() => publicFromCoseKey('x')).toThrow(PinProtocolError);
    const bad = coseKeyFromPublic(new Uint8Array(65).fill(7));
    expect(() => encapsulate(PIN_PROTOCOL_2, bad)).toThrow(PinProtocolError);
  });

  it('pads PINs to 64 bytes and enforces 4 code points and 63 bytes', () => {
    expect(padPin('1234').length).toBe(64);
    expect(padPin('ääää').subarray(0, 8)).toEqual(new Uint8Array(Buffer.from('ääää')));
    expect(() => padPin('123')).toThrow(PinProtocolError);
    expect(() => padPin('x'.repeat(64))).toThrow(PinProtocolError);
    expect(() => PIN_PROTOCOL_1.decrypt(new Uint8Array(32), new Uint8Array(15))).toThrow(PinProtocolError);
  });
});
