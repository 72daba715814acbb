import { describe, expect, it } from 'vitest';
import { isExtensionPage, senderOrigin } from './sender';

const EXT = 'jphdiiljokkbpjhkanpehokpajefgahn';
const EXT_ORIGIN = `chrome-extension://${EXT}`;

describe('senderOrigin: the browser-reported origin, nothing else', () => {
  it.each([
    // [name, sender, expected]
    [
      'a top-level page',
      { origin: 'https://login.example.com', url: 'https://login.example.com/x' },
      'https://login.example.com',
    ],
    [
      'localhost with a port',
      { origin: 'http://localhost:8080', url: 'http://localhost:8080/' },
      'http://localhost:8080',
    ],
    [
      'a same-origin srcdoc frame (origin differs from the URL)',
      { origin: 'https://a.example', url: 'about:srcdoc' },
      'https://a.example',
    ],
    [
      'CSP sandbox document on a bound URL',
      { origin: 'null', url: 'https://login.example.com/upload' },
      null,
    ],
    [
      '<iframe sandbox> without allow-same-origin',
      { origin: 'null', url: 'https://login.example.com/child' },
      null,
    ],
    ['a data: frame', { origin: 'null', url: 'data:text/html,<p>x</p>' }, null],
    ['a sandboxed srcdoc frame', { origin: 'null', url: 'about:srcdoc' }, null],
    ['no reported origin: the URL is not a fallback', { url: 'https://login.example.com/' }, null],
    ['an empty origin', { origin: '', url: 'https://login.example.com/' }, null],
    ['an extension origin', { origin: EXT_ORIGIN, url: `${EXT_ORIGIN}/popup.html` }, null],
    ['a file: origin', { origin: 'file://', url: 'file:///tmp/x.html' }, null],
    [
      'a URL instead of an origin',
      { origin: 'https://login.example.com/path', url: 'https://login.example.com/path' },
      null,
    ],
    ['garbage', { origin: 'not a url' }, null],
  ])('%s', (_name, sender, expected) => {
    expect(senderOrigin(sender)).toBe(expected);
  });
});

describe('isExtensionPage', () => {
  it('is true only for this extension and its own origin', () => {
    expect(
      isExtensionPage({ id: EXT, origin: EXT_ORIGIN, url: `${EXT_ORIGIN}/popup.html` }, EXT, EXT_ORIGIN),
    ).toBe(true);
    expect(
      isExtensionPage(
        { id: EXT, origin: 'https://a.example', url: `${EXT_ORIGIN}/popup.html` },
        EXT,
        EXT_ORIGIN,
      ),
    ).toBe(false);
    expect(isExtensionPage({ id: EXT, url: `${EXT_ORIGIN}/popup.html` }, EXT, EXT_ORIGIN)).toBe(false);
    expect(isExtensionPage({ id: 'other', origin: EXT_ORIGIN }, EXT, EXT_ORIGIN)).toBe(false);
  });
});
