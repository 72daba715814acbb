// The fuzz targets: every host-side parser an attacker can reach — native-messaging framing (what a page
// can make the extension send), the request and options schemas with the host's own checks after them,
// CTAPHID reassembly, CTAP2 reply decoding and U2F APDUs (what a key, or anyone on its wire, can send).
import { CborError, encodeCtap } from '@shared/cbor/index.js';
import { HostRequestSchema } from '@shared/protocol/index.js';
import { fromBase64Url, validateRpId, WebAuthnError } from '@shared/webauthn/client.js';
import * as v from 'valibot';
import { parseAuthData } from '../ceremony/context.js';
import { CeremonyError } from '../ceremony/errors.js';
import { validateAppId } from '../ceremony/u2f.js';
import { Ctap1Error, decodeCommandApdu, decodeResponseApdu } from '../ctap1/apdu.js';
import { parseAuthentication, parseRegistration, parseVersion } from '../ctap1/messages.js';
import { REGISTER_REQUEST_DATA, REGISTER_RESPONSE_DATA, SIGN_RESPONSE_DATA } from '../ctap1/u2f-vectors.js';
import {
  CtapResponseError,
  decodeAssertionResponse,
  decodeAttestationResponse,
  decodeGetInfo,
  encodeGetAssertion,
  encodeMakeCredential,
  parseCtapReply,
} from '../ctap2/commands.js';
import { CtapError } from '../ctap2/status.js';
import {
  CTAPHID_CMD,
  CtapHidError,
  decodeInitResponse,
  encodeInitResponse,
  fragment,
  parsePacket,
  REPORT_SIZE,
  Reassembler,
} from '../ctaphid/frames.js';
import { FrameDecoder, FramingError } from '../messaging/framing.js';
import { VirtualAuthenticator } from '../virtual-key/authenticator.js';
import { StateStore } from '../virtual-key/state.js';
import type { FuzzTarget } from './engine.js';

const utf8 = (s: string) => new TextEncoder().encode(s);
const b64u = (b: Uint8Array) => Buffer.from(b).toString('base64url');

/** Requests as the extension sends them (the shapes a page's options turn into). */
function sampleRequests(): unknown[] {
  const challenge = b64u(new Uint8Array(32).fill(7));
  const id = b64u(new Uint8Array(32).fill(9));
  return [
    { id: 'h1', type: 'hello' },
    { id: 'p1', type: 'pin', pin: '1234' },
    { id: 'x1', type: 'cancel' },
    {
      id: 'c1',
      type: 'webauthn.create',
      origin: 'https://login.example.com',
      crossOrigin: false,
      options: {
        rp: { id: 'example.com', name: 'Example' },
        user: { id: b64u(new Uint8Array([1, 2, 3])), name: 'alice', displayName: 'Alice' },
        challenge,
        pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
        excludeCredentials: [{ type: 'public-key', id, transports: ['usb'] }],
        authenticatorSelection: { residentKey: 'preferred', userVerification: 'required' },
        attestation: 'direct',
        extensions: { credProps: true },
        timeout: 60000,
      },
    },
    {
      id: 'g1',
      type: 'webauthn.get',
      origin: 'https://a.login.example.com',
      crossOrigin: true,
      topOrigin: 'https://portal.example.org',
      options: {
        challenge,
        rpId: 'login.example.com',
        allowCredentials: [{ type: 'public-key', id }],
        userVerification: 'preferred',
        extensions: { appid: 'https://login.example.com/app-id.json' },
      },
    },
  ];
}

function frame(value: unknown): Uint8Array {
  const body = Buffer.from(JSON.stringify(value), 'utf8');
  const out = Buffer.alloc(4 + body.length);
  out.writeUInt32LE(body.length, 0);
  body.copy(out, 4);
  return out;
}

/** The host's checks on a request that passed the schema, in the order a ceremony makes them. */
function hostChecks(value: unknown): void {
  const parsed = v.safeParse(HostRequestSchema, value);
  if (!parsed.success) return;
  const req = parsed.output;
  if (req.type === 'webauthn.create') {
    validateRpId(req.origin, req.options.rp.id);
    fromBase64Url(req.options.user.id, 'user.id');
    fromBase64Url(req.options.challenge, 'challenge');
    for (const d of req.options.excludeCredentials ?? []) fromBase64Url(d.id, 'id');
  } else if (req.type === 'webauthn.get') {
    validateRpId(req.origin, req.options.rpId);
    validateAppId(req.origin, req.options.extensions?.appid);
    fromBase64Url(req.options.challenge, 'challenge');
    for (const d of req.options.allowCredentials ?? []) fromBase64Url(d.id, 'id');
  }
}

const requestErrors = (e: unknown) =>
  e instanceof WebAuthnError ||
  e instanceof CeremonyError ||
  (e instanceof DOMException && e.name === 'SecurityError');

export function framingTarget(): FuzzTarget {
  const frames = sampleRequests().map(frame);
  return {
    name: 'native-messaging framing',
    seeds: [...frames, Uint8Array.from(Buffer.concat(frames))],
    maxLength: 4096,
    run(input) {
      // Small limit so oversize skipping is exercised; the input arrives in chunks cut by its own bytes.
      const decoder = new FrameDecoder(512);
      let at = 0;
      while (at < input.length) {
        const n = 1 + ((input[at] ?? 0) % 97);
        for (const ev of decoder.push(input.subarray(at, at + n))) {
          if (ev.kind === 'message') hostChecks(ev.value);
        }
        at += n;
      }
    },
    expected: (e) => e instanceof FramingError || requestErrors(e),
  };
}

export function optionsTarget(): FuzzTarget {
  return {
    name: 'request and options schemas',
    seeds: sampleRequests().map((r) => utf8(JSON.stringify(r))),
    maxLength: 2048,
    run(input) {
      let value: unknown;
      try {
        value = JSON.parse(Buffer.from(input).toString('utf8'));
      } catch {
        return; // not JSON: the framing layer answers it with ProtocolError before any schema
      }
      hostChecks(value);
    },
    expected: requestErrors,
  };
}

export function ctaphidTarget(): FuzzTarget {
  const cid = 0x01020304;
  const payloads = [
    new Uint8Array(0),
    new Uint8Array(57).fill(1),
    new Uint8Array(58).fill(2),
    new Uint8Array(300).fill(3),
    new Uint8Array(7609).fill(4),
  ];
  const seeds = payloads.map((p) => Uint8Array.from(Buffer.concat(fragment(cid, CTAPHID_CMD.CBOR, p))));
  const init = encodeInitResponse({
    nonce: new Uint8Array(8).fill(5),
    cid,
    protocolVersion: 2,
    deviceVersion: [1, 0, 0],
    capabilities: 0x05,
  });
  seeds.push(Uint8Array.from(Buffer.concat(fragment(0xffffffff, CTAPHID_CMD.INIT, init))));
  return {
    name: 'CTAPHID reassembly',
    seeds,
    maxLength: 9000,
    run(input) {
      const r = new Reassembler();
      for (let at = 0; at < input.length; at += REPORT_SIZE) {
        const p = parsePacket(input.subarray(at, at + REPORT_SIZE));
        const out = p.kind === 'init' ? r.start(p) : r.inProgress ? r.continue(p) : null;
        if (out && p.kind === 'init' && p.cmd === CTAPHID_CMD.INIT) decodeInitResponse(out);
        if (out && out.length > 7609) throw new Error(`reassembled ${out.length} bytes`);
      }
    },
    expected: (e) => e instanceof CtapHidError,
  };
}

/** Real replies of the virtual authenticator: GetInfo, makeCredential (packed), getAssertion. */
async function ctap2Seeds(): Promise<Uint8Array[]> {
  const key = new VirtualAuthenticator(new StateStore());
  const ctx = { signal: new AbortController().signal, waitForTouch: async () => 'touched' as const };
  const info = await key.handle(new Uint8Array([0x04]), ctx);
  const made = await key.handle(
    encodeMakeCredential({
      clientDataHash: new Uint8Array(32),
      rp: { id: 'example.com', name: 'Example' },
      user: { id: new Uint8Array([1]), name: 'a', displayName: 'A' },
      pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
      options: { rk: true },
    }),
    ctx,
  );
  const got = await key.handle(
    encodeGetAssertion({ rpId: 'example.com', clientDataHash: new Uint8Array(32) }),
    ctx,
  );
  return [info, made, got, new Uint8Array([0x2e]), new Uint8Array([0x00, ...encodeCtap(new Map())])];
}

export async function ctap2Target(): Promise<FuzzTarget> {
  return {
    name: 'CTAP2 reply decoding',
    seeds: await ctap2Seeds(),
    maxLength: 2048,
    run(input) {
      const m = parseCtapReply(input);
      let attestation: ReturnType<typeof decodeAttestationResponse> | null = null;
      for (const decode of [decodeGetInfo, decodeAssertionResponse]) {
        try {
          decode(m);
        } catch (e) {
          if (!(e instanceof CtapResponseError)) throw e;
        }
      }
      attestation = decodeAttestationResponse(m);
      parseAuthData(attestation.authData);
    },
    expected: (e) =>
      e instanceof CtapResponseError ||
      e instanceof CtapError ||
      e instanceof CborError ||
      e instanceof CeremonyError,
  };
}

export function u2fTarget(): FuzzTarget {
  const versionReply = Uint8Array.from([...utf8('U2F_V2'), 0x90, 0x00]);
  const withSw = (data: Uint8Array) => Uint8Array.from([...data, 0x90, 0x00]);
  return {
    name: 'U2F APDUs',
    seeds: [
      withSw(REGISTER_RESPONSE_DATA),
      withSw(SIGN_RESPONSE_DATA),
      versionReply,
      Uint8Array.from([0x00, 0x01, 0x03, 0x00, 0x00, 0x00, 0x40, ...REGISTER_REQUEST_DATA, 0x00, 0x00]),
      Uint8Array.from([0x6a, 0x80]),
    ],
    maxLength: 1200,
    run(input) {
      const reply = decodeResponseApdu(input);
      for (const parse of [parseRegistration, parseAuthentication, parseVersion]) {
        try {
          parse(reply.data);
        } catch (e) {
          if (!(e instanceof Ctap1Error)) throw e;
        }
      }
      decodeCommandApdu(input);
    },
    expected: (e) => e instanceof Ctap1Error,
  };
}
