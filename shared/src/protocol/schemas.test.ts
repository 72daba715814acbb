import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { HostMessageSchema, HostRequestSchema, HostResultSchemas } from './index.js';

const createOptions = {
  rp: { id: 'example.com', name: 'Example' },
  user: { id: 'dXNlcg', name: 'alice', displayName: 'Alice' },
  challenge: 'Y2hhbGxlbmdl',
  pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
};

describe('protocol v1 schemas', () => {
  it('accepts each request type', () => {
    for (const req of [
      { id: '1', type: 'hello' },
      { id: '2', type: 'devices' },
      { id: '2', type: 'browser-access' },
      { id: '3', type: 'webauthn.create', origin: 'https://a.example.com', options: createOptions },
      {
        id: '4',
        type: 'webauthn.get',
        origin: 'https://a.example.com',
        topOrigin: 'https://b.example.org',
        options: { challenge: 'Y2g', allowCredentials: [{ type: 'public-key', id: 'AAEC' }] },
      },
      { id: '3', type: 'pin', pin: '1234' },
      { id: '3', type: 'cancel' },
    ]) {
      expect(v.safeParse(HostRequestSchema, req).success).toBe(true);
    }
  });

  it('refuses unknown types, missing fields, non-base64url members and empty ids', () => {
    for (const req of [
      { id: '1', type: 'reboot' },
      { id: '1' },
      { id: '', type: 'hello' },
      { id: '3', type: 'webauthn.create', origin: 'https://a.example.com' },
      {
        id: '3',
        type: 'webauthn.get',
        origin: 'https://a.example.com',
        options: { challenge: 'not+base64/' },
      },
      {
        id: '3',
        type: 'webauthn.create',
        origin: 'x',
        options: { ...createOptions, user: { id: 'a'.repeat(87), name: 'a', displayName: 'a' } },
      },
      { id: '3', type: 'pin' },
    ]) {
      expect(v.safeParse(HostRequestSchema, req).success).toBe(false);
    }
  });

  it('tells events from final replies, and checks error names', () => {
    expect(v.safeParse(HostMessageSchema, { id: '1', event: 'touch' }).success).toBe(true);
    expect(
      v.safeParse(HostMessageSchema, { id: '1', event: 'pin-required', retries: 8, reason: 'set' }).success,
    ).toBe(true);
    expect(v.safeParse(HostMessageSchema, { id: '1', event: 'pin-invalid', retries: 3 }).success).toBe(true);
    expect(
      v.safeParse(HostMessageSchema, { id: '1', ok: false, error: { name: 'AbortError', message: '' } })
        .success,
    ).toBe(true);
    expect(
      v.safeParse(HostMessageSchema, { id: '1', ok: false, error: { name: 'TypeError', message: '' } })
        .success,
    ).toBe(false);
    expect(
      v.safeParse(HostMessageSchema, { id: '1', event: 'pin-required', retries: 8, reason: 'guess' }).success,
    ).toBe(false);
    expect(
      v.safeParse(HostResultSchemas.hello, { protocol: 1, version: '0.1.0', transport: 'hid' }).success,
    ).toBe(true);
  });
});
