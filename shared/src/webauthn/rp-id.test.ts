import { describe, expect, it } from 'vitest';
import { validateRpId } from './index.js';

const OK: [string, string | undefined, string][] = [
  ['https://example.com', undefined, 'example.com'],
  ['https://example.com', 'example.com', 'example.com'],
  ['https://login.example.com', 'example.com', 'example.com'],
  ['https://a.b.example.com', 'b.example.com', 'b.example.com'],
  ['https://a.b.example.com', 'example.com', 'example.com'],
  ['https://example.com:8443', 'example.com', 'example.com'],
  ['https://EXAMPLE.com', 'example.com', 'example.com'],
  ['https://login.example.com', 'EXAMPLE.COM', 'example.com'],
  ['https://shop.example.co.uk', 'example.co.uk', 'example.co.uk'],
  ['https://example.co.uk', undefined, 'example.co.uk'],
  ['https://foo.github.io', 'foo.github.io', 'foo.github.io'],
  ['https://bar.foo.github.io', 'foo.github.io', 'foo.github.io'],
  ['https://bücher.de', 'bücher.de', 'xn--bcher-kva.de'],
  ['https://login.xn--bcher-kva.de', 'bücher.de', 'xn--bcher-kva.de'],
  ['https://xn--bcher-kva.de', undefined, 'xn--bcher-kva.de'],
  ['http://localhost', undefined, 'localhost'],
  ['http://localhost:3000', 'localhost', 'localhost'],
  ['https://localhost:8443', undefined, 'localhost'],
  ['http://app.localhost:5173', undefined, 'app.localhost'],
  ['https://portbase.okta.com', 'portbase.okta.com', 'portbase.okta.com'],
  ['https://iamconnected.eu', undefined, 'iamconnected.eu'],
  ['https://sso.myhost.internal', 'myhost.internal', 'myhost.internal'],
  ['https://example.com/path?q=1', undefined, 'example.com'],
];

const BAD: [string, string, string | undefined][] = [
  ['http on a public host', 'http://example.com', undefined],
  ['ftp origin', 'ftp://example.com', undefined],
  ['opaque data: origin', 'data:text/html,hi', undefined],
  ['opaque file: origin', 'file:///etc/passwd', undefined],
  ['not a URL', 'example.com', undefined],
  ['empty origin', '', undefined],
  ['IPv4 origin', 'https://127.0.0.1', undefined],
  ['IPv4 origin in hex form', 'https://0x7f.0.0.1', undefined],
  ['IPv6 origin', 'https://[::1]', undefined],
  ['IPv4 rpId', 'https://example.com', '127.0.0.1'],
  ['IPv6 rpId', 'https://example.com', '[::1]'],
  ['single-label host', 'https://intranet', undefined],
  ['single-label rpId', 'https://login.example.com', 'com'],
  ['public suffix rpId (ICANN)', 'https://example.co.uk', 'co.uk'],
  ['public suffix rpId (private section)', 'https://foo.github.io', 'github.io'],
  ['public suffix rpId (private, amazonaws)', 'https://bucket.s3.amazonaws.com', 's3.amazonaws.com'],
  ['public suffix as the origin host', 'https://github.io', undefined],
  ['unrelated rpId', 'https://example.com', 'example.org'],
  ['sibling rpId', 'https://a.example.com', 'b.example.com'],
  ['rpId not label-aligned', 'https://myexample.com', 'example.com'],
  ['rpId longer than host', 'https://example.com', 'login.example.com'],
  ['rpId with port', 'https://example.com', 'example.com:443'],
  ['rpId with scheme', 'https://example.com', 'https://example.com'],
  ['rpId with path', 'https://example.com', 'example.com/x'],
  ['rpId with trailing dot', 'https://example.com', 'example.com.'],
  ['origin host with trailing dot', 'https://example.com.', undefined],
  ['empty rpId', 'https://example.com', ''],
  ['rpId with a space', 'https://example.com', 'exa mple.com'],
  ['rpId localhost from another host', 'https://example.com', 'localhost'],
  ['IDN rpId that is a public suffix', 'https://example.公司.cn', '公司.cn'],
];

describe('validateRpId', () => {
  it.each(OK)('%s with rpId %s gives %s', (origin, rpId, expected) => {
    expect(validateRpId(origin, rpId)).toBe(expected);
  });

  it.each(BAD)('rejects %s with SecurityError', (_name, origin, rpId) => {
    let caught: unknown;
    try {
      validateRpId(origin, rpId);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(DOMException);
    expect((caught as DOMException).name).toBe('SecurityError');
  });

  it('has at least 30 cases', () => {
    expect(OK.length + BAD.length).toBeGreaterThanOrEqual(30);
  });
});
