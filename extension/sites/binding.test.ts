import { describe, expect, it } from 'vitest';
import { bindingKey, isBoundTo } from './binding';
import { MULTI_TENANT_PROVIDERS, multiTenantProviderOf } from './multi-tenant';

// [page origin, bound origin, fills under `origin` binding, fills under `registrable-domain` binding]
const TABLE: Array<[string, string, boolean, boolean]> = [
  ['https://a.example.com', 'https://a.example.com', true, true],
  ['https://a.example.com:8443', 'https://a.example.com', false, true],
  ['https://b.example.com', 'https://a.example.com', false, true],
  ['https://example.com', 'https://login.example.com', false, true],
  ['http://a.example.com', 'https://a.example.com', false, false],
  ['https://example.com.evil.net', 'https://example.com', false, false],
  ['https://evilexample.com', 'https://example.com', false, false],
  ['https://b.example.co.uk', 'https://a.example.co.uk', false, true],
  ['https://other.co.uk', 'https://example.co.uk', false, false],
  ['https://iamconnected.portbase.com', 'https://login.pcs.portbase.com', false, true],
  // Private section of the public suffix list: each user's site is its own.
  ['https://attacker.github.io', 'https://victim.github.io', false, false],
  ['https://victim.github.io', 'https://victim.github.io', true, true],
  ['https://login.victim.github.io', 'https://victim.github.io', false, true],
  ['https://attacker.herokuapp.com', 'https://victim.herokuapp.com', false, false],
  ['https://attacker.pages.dev', 'https://victim.pages.dev', false, false],
  ['https://attacker.vercel.app', 'https://victim.vercel.app', false, false],
  ['https://attacker.netlify.app', 'https://victim.netlify.app', false, false],
  ['https://attacker.blogspot.com', 'https://victim.blogspot.com', false, false],
  // Multi-tenant identity providers: one tenant never fills on another's host.
  ['https://b.okta.com', 'https://a.okta.com', false, false],
  ['https://a.okta.com', 'https://a.okta.com', true, true],
  ['https://a-admin.okta.com', 'https://a.okta.com', false, false],
  ['https://b.oktapreview.com', 'https://a.oktapreview.com', false, false],
  ['https://b.okta-emea.com', 'https://a.okta-emea.com', false, false],
  ['https://b.okta-gov.com', 'https://a.okta-gov.com', false, false],
  ['https://b.auth0.com', 'https://a.auth0.com', false, false],
  ['https://b.eu.auth0.com', 'https://a.eu.auth0.com', false, false],
  ['https://b.onelogin.com', 'https://a.onelogin.com', false, false],
  ['https://b.b2clogin.com', 'https://a.b2clogin.com', false, false],
  ['https://autologon.microsoftonline.com', 'https://login.microsoftonline.com', false, false],
  ['https://login.microsoftonline.com', 'https://login.microsoftonline.com', true, true],
  ['https://b.my.salesforce.com', 'https://a.my.salesforce.com', false, false],
  // No registrable domain: localhost, IP addresses, a public suffix itself — the origin.
  ['http://localhost:9090', 'http://localhost:8080', false, false],
  ['http://localhost:8080', 'http://localhost:8080', true, true],
  ['http://127.0.0.1:2', 'http://127.0.0.1:1', false, false],
  ['https://[::1]:2', 'https://[::1]:1', false, false],
  ['https://github.io', 'https://github.io', true, true],
  // Not web origins.
  ['null', 'null', false, false],
  ['chrome-extension://abc', 'chrome-extension://abc', false, false],
  ['data:text/html,x', 'data:text/html,x', false, false],
];

describe('account binding', () => {
  it.each(TABLE)('%s on an account bound to %s: origin %s, registrable-domain %s', (page, bound, o, rd) => {
    expect(isBoundTo(page, [bound], 'origin')).toBe(o);
    expect(isBoundTo(page, [bound], 'registrable-domain')).toBe(rd);
  });

  it('matches any of several bound origins, and nothing for none', () => {
    const bound = ['https://a.okta.com', 'https://login.example.com'];
    expect(isBoundTo('https://www.example.com', bound, 'registrable-domain')).toBe(true);
    expect(isBoundTo('https://b.okta.com', bound, 'registrable-domain')).toBe(false);
    expect(isBoundTo('https://a.example.com', [], 'registrable-domain')).toBe(false);
  });

  it.each([
    ['https://a.example.com:8443', 'origin', 'https://a.example.com:8443'],
    ['https://a.example.com:8443', 'registrable-domain', 'https://example.com'],
    ['https://victim.github.io', 'registrable-domain', 'https://victim.github.io'],
    ['https://a.okta.com', 'registrable-domain', 'https://a.okta.com'],
    ['https://LOGIN.Example.COM', 'registrable-domain', 'https://example.com'],
    ['http://localhost:8080', 'registrable-domain', 'http://localhost:8080'],
    ['null', 'registrable-domain', null],
    ['about:blank', 'origin', null],
  ] as const)('bindingKey(%s, %s) = %s', (origin, binding, key) => {
    expect(bindingKey(origin, binding)).toBe(key);
  });
});

describe('multi-tenant identity providers (data)', () => {
  it('names the providers the binding rule must never join', () => {
    const domains = MULTI_TENANT_PROVIDERS.map((p) => p.domain);
    for (const d of [
      'okta.com',
      'oktapreview.com',
      'okta-emea.com',
      'okta-gov.com',
      'auth0.com',
      'onelogin.com',
      'b2clogin.com',
    ])
      expect(domains).toContain(d);
    expect(Object.isFrozen(MULTI_TENANT_PROVIDERS)).toBe(true);
  });
  it.each([
    ['acme.okta.com', 'okta.com'],
    ['OKTA.COM.', 'okta.com'],
    ['acme.eu.auth0.com', 'auth0.com'],
    ['notokta.com', null],
    ['okta.com.evil.net', null],
  ])('%s → %s', (host, domain) => {
    expect(multiTenantProviderOf(host)?.domain ?? null).toBe(domain);
  });
});
