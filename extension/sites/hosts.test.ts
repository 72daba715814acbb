import { describe, expect, it } from 'vitest';
import { hostMatches, hostOf, servedOrigin } from './hosts';

describe('host patterns', () => {
  it.each([
    ['*.portbase.com', 'login.portbase.com', true],
    ['*.portbase.com', 'portbase.com', true],
    ['*.portbase.com', 'a.b.portbase.com', true],
    ['*.portbase.com', 'evilportbase.com', false],
    ['*.portbase.com', 'portbase.com.evil.net', false],
    ['login.portbase.com', 'LOGIN.portbase.com', true],
    ['login.portbase.com', 'login.portbase.com.', true],
    ['login.portbase.com', 'x.login.portbase.com', false],
    ['localhost', 'localhost', true],
  ])('%s matches %s: %s', (pattern, host, result) => {
    expect(hostMatches(pattern, host)).toBe(result);
  });
  it.each([
    ['https://Login.Example.com:8443/x', 'login.example.com'],
    ['http://localhost:8080', 'localhost'],
    ['https://example.com./', 'example.com'],
    ['null', null],
    ['data:text/html,x', null],
    ['chrome-extension://abc/popup.html', null],
    ['about:srcdoc', null],
  ])('hostOf(%s) = %s', (origin, host) => {
    expect(hostOf(origin)).toBe(host);
  });
  it.each([
    ['https://login.example.com/x?y', 'https://login.example.com'],
    ['https://login.example.com:8443/', 'https://login.example.com:8443'],
    ['http://localhost:8080/signin', 'http://localhost:8080'],
    ['http://app.localhost:3000/', 'http://app.localhost:3000'],
    ['http://login.example.com/', null],
    ['http://127.0.0.1:8080/', null],
    ['ftp://example.com/', null],
    ['chrome://settings', null],
    ['about:blank', null],
    ['not a url', null],
  ])('servedOrigin(%s) = %s', (url, origin) => {
    expect(servedOrigin(url)).toBe(origin);
  });
});
