// The AppID extension's checks (FIDO AppID as browsers apply it): https, same registrable domain,
// private suffixes respected.
import { describe, expect, it } from 'vitest';
import { validateAppId } from './u2f.js';

const nameOf = (f: () => unknown): string => {
  try {
    f();
    return 'ok';
  } catch (err) {
    return (err as { errorName?: string }).errorName ?? (err as Error).name;
  }
};

describe('validateAppId', () => {
  it('accepts an https AppID on the caller’s site, and no extension at all', () => {
    expect(validateAppId('https://login.example.com', undefined)).toBeNull();
    expect(validateAppId('https://login.example.com', 'https://example.com/app-id.json')).toBe(
      'https://example.com/app-id.json',
    );
    expect(validateAppId('https://login.example.com', 'https://www.example.com/u2f')).toBe(
      'https://www.example.com/u2f',
    );
    expect(validateAppId('https://a.b.example.co.uk', 'https://example.co.uk/x')).toBe(
      'https://example.co.uk/x',
    );
  });

  it('refuses other sites, other schemes, non-URLs and non-strings', () => {
    expect(nameOf(() => validateAppId('https://login.example.com', 'https://example.org/x'))).toBe(
      'SecurityError',
    );
    expect(nameOf(() => validateAppId('https://login.example.com', 'http://example.com/x'))).toBe(
      'SecurityError',
    );
    expect(nameOf(() => validateAppId('https://login.example.com', 'not a url'))).toBe('SecurityError');
    expect(nameOf(() => validateAppId('https://login.example.com', 42))).toBe('ProtocolError');
    expect(nameOf(() => validateAppId('https://example.co.uk.evil.com', 'https://example.co.uk/'))).toBe(
      'SecurityError',
    );
  });

  it('treats private suffixes as public (github.io pages are separate sites)', () => {
    expect(nameOf(() => validateAppId('https://alice.github.io', 'https://bob.github.io/app-id.json'))).toBe(
      'SecurityError',
    );
    expect(validateAppId('https://alice.github.io', 'https://alice.github.io/app-id.json')).toBe(
      'https://alice.github.io/app-id.json',
    );
  });
});

describe('validateAppId on localhost (as Chromium: same host, same scheme)', () => {
  it('accepts the org origin as AppID on an https or http localhost caller, ports aside', () => {
    expect(validateAppId('https://localhost:8443', 'https://localhost:8443')).toBe('https://localhost:8443');
    expect(validateAppId('https://localhost:8443', 'https://localhost/app-id.json')).toBe(
      'https://localhost/app-id.json',
    );
    expect(validateAppId('http://localhost:3000', 'http://localhost:3000')).toBe('http://localhost:3000');
  });

  it('refuses another host, a scheme other than the caller’s, and http off localhost', () => {
    expect(nameOf(() => validateAppId('https://localhost:8443', 'https://evil.localhost/x'))).toBe(
      'SecurityError',
    );
    expect(nameOf(() => validateAppId('https://localhost:8443', 'https://example.com/x'))).toBe(
      'SecurityError',
    );
    expect(nameOf(() => validateAppId('https://localhost:8443', 'http://localhost:8443'))).toBe(
      'SecurityError',
    );
    expect(nameOf(() => validateAppId('http://localhost:3000', 'https://localhost:3000'))).toBe(
      'SecurityError',
    );
    expect(nameOf(() => validateAppId('https://login.example.com', 'http://login.example.com/x'))).toBe(
      'SecurityError',
    );
  });
});
