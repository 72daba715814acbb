// WebAuthn core bench: one ES256 assertion verified again and again by
//   1. our verifyAuthentication (full L3 checks, key cached by credential ID),
//   2. @simplewebauthn/server verifyAuthenticationResponse (the reference verifier),
//   3. a bare crypto.subtle.verify on the pre-hashed, pre-imported, pre-converted input (the floor).
// Rounds are interleaved so machine noise hits all three alike. Goals: >= 2x SimpleWebAuthn, >= 40% of floor.
import { createHash, randomBytes } from 'node:crypto';
import { verifyAuthenticationResponse } from '@simplewebauthn/server';
import { encodeCtap } from '../shared/src/cbor/index.js';
import { derToP1363, importCoseKey } from '../shared/src/cose/index.js';
import { toBase64Url, verifyAuthentication } from '../shared/src/webauthn/index.js';
import { makeAssertion } from '../test/webauthn-core/support/authenticator.js';
import { makeCredential } from '../test/webauthn-core/support/keys.js';

const rpId = 'login.example.com';
const origin = 'https://login.example.com';
const credential = makeCredential('ES256');
const credentialId = toBase64Url(new Uint8Array(randomBytes(32)));
const publicKey = encodeCtap(credential.coseKey);
const challenge = new Uint8Array(randomBytes(32));
const assertion = makeAssertion({ credential, credentialId, rpId, origin, challenge, signCount: 0 });
const expectedChallenge = toBase64Url(challenge);

async function ours() {
  await verifyAuthentication({
    response: assertion.response,
    expectedChallenge,
    expectedOrigin: origin,
    expectedRpId: rpId,
    credential: { id: credentialId, publicKey, signCount: 0 },
  });
}

const swaKey = new Uint8Array(publicKey);
async function simplewebauthn() {
  const r = await verifyAuthenticationResponse({
    response: assertion.response,
    expectedChallenge,
    expectedOrigin: origin,
    expectedRPID: rpId,
    credential: { id: credentialId, publicKey: swaKey, counter: 0 },
  });
  if (!r.verified) throw new Error('SimpleWebAuthn did not verify');
}

const floorKey = await importCoseKey(credential.coseKey);
const floorData = new Uint8Array(
  Buffer.concat([assertion.authData, createHash('sha256').update(assertion.clientDataJSON).digest()]),
);
const floorSig = derToP1363(assertion.signature, 32)!;
async function floor() {
  const ok = await crypto.subtle.verify(
    { name: 'ECDSA', hash: 'SHA-256' },
    floorKey,
    floorSig as Uint8Array<ArrayBuffer>,
    floorData,
  );
  if (!ok) throw new Error('floor did not verify');
}

const contenders: [string, () => Promise<void>][] = [
  ['ours: verifyAuthentication', ours],
  ['@simplewebauthn/server verifyAuthenticationResponse', simplewebauthn],
  ['floor: bare crypto.subtle.verify', floor],
];

async function timeFor(fn: () => Promise<void>, ms: number): Promise<{ ops: number; seconds: number }> {
  const start = performance.now();
  let ops = 0;
  while (performance.now() - start < ms) {
    for (let i = 0; i < 50; i++) await fn();
    ops += 50;
  }
  return { ops, seconds: (performance.now() - start) / 1000 };
}

for (const [, fn] of contenders) await timeFor(fn, 300); // warm-up (JIT, key cache)
const totals = contenders.map(() => ({ ops: 0, seconds: 0 }));
for (let round = 0; round < 5; round++) {
  for (let i = 0; i < contenders.length; i++) {
    const r = await timeFor(contenders[i]![1], 400);
    totals[i]!.ops += r.ops;
    totals[i]!.seconds += r.seconds;
  }
}
const rates = totals.map((t) => t.ops / t.seconds);
for (let i = 0; i < contenders.length; i++) {
  console.log(`${contenders[i]![0].padEnd(55)} ${rates[i]!.toFixed(0).padStart(8)} verifications/s`);
}
const [oursRate, swaRate, floorRate] = rates as [number, number, number];
console.log(`ours / SimpleWebAuthn = ${(oursRate / swaRate).toFixed(2)}x (goal >= 2x)`);
console.log(`ours / floor          = ${((oursRate / floorRate) * 100).toFixed(0)}% (goal >= 40%)`);
