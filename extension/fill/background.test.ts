import { describe, expect, it } from 'vitest';
import { contentScriptOrigin, handleFill } from './background';

const EXT = 'jphdiiljokkbpjhkanpehokpajefgahn';
const tabSender = {
  id: EXT,
  url: 'https://www.iamconnected.eu/signin/verify',
  origin: 'https://www.iamconnected.eu',
  tab: { id: 4 },
  frameId: 0,
};

describe('fill messages: sender and shape checks', () => {
  it('takes the origin the browser reports for the sender frame, never the message or the URL', () => {
    expect(contentScriptOrigin(tabSender, EXT)).toBe('https://www.iamconnected.eu');
    expect(contentScriptOrigin({ ...tabSender, origin: 'https://login.example.org' }, EXT)).toBe(
      'https://login.example.org',
    );
  });

  it.each([
    ['a sandboxed document on the bound URL', { ...tabSender, origin: 'null' }],
    ['a sender without a reported origin (no URL fallback)', { ...tabSender, origin: undefined }],
    ['a data: frame', { ...tabSender, url: 'data:text/html,x', origin: 'null' }],
    ['a sandboxed srcdoc frame', { ...tabSender, url: 'about:srcdoc', origin: 'null' }],
  ])('refuses %s', (_name, sender) => {
    expect(() => contentScriptOrigin(sender, EXT)).toThrow(/no origin the extension serves/);
  });

  it('refuses other extensions and senders outside a tab', () => {
    expect(() => contentScriptOrigin({ ...tabSender, id: 'someone-else' }, EXT)).toThrow(
      /Not from this extension/,
    );
    expect(() =>
      contentScriptOrigin(
        { id: EXT, url: `chrome-extension://${EXT}/popup.html`, origin: `chrome-extension://${EXT}` },
        EXT,
      ),
    ).toThrow(/page script/);
  });

  it('refuses an opaque sender before anything else, on every request type', async () => {
    const sandboxed = { ...tabSender, origin: 'null' };
    for (const m of [
      { type: 'fill.query' },
      { type: 'fill.code', accountId: 'a1' },
      { type: 'fill.choose', accountId: 'a1' },
      { type: 'fill.enrol', secret: 'JBSWY3DPEHPK3PXPJBSWY3DP' },
    ])
      expect(await handleFill(m, sandboxed, EXT)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('answers malformed requests with bad-request, and an origin field in the message changes nothing', async () => {
    expect(await handleFill({ type: 'fill.code' }, tabSender, EXT)).toMatchObject({
      ok: false,
      error: { code: 'bad-request' },
    });
    expect(await handleFill({ type: 'fill.nope' }, tabSender, EXT)).toMatchObject({
      ok: false,
      error: { code: 'bad-request' },
    });
    expect(await handleFill({ type: 'fill.enrol', secret: 'short' }, tabSender, EXT)).toMatchObject({
      ok: false,
      error: { code: 'bad-request' },
    });
    expect(
      await handleFill(
        { type: 'fill.code', accountId: 'a1', origin: 'https://www.iamconnected.eu' },
        { ...tabSender, id: 'x' },
        EXT,
      ),
    ).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('gives no code while there is no unlocked vault', async () => {
    expect(await handleFill({ type: 'fill.code', accountId: 'a1' }, tabSender, EXT)).toEqual({
      ok: false,
      error: { code: 'locked', message: 'The vault is locked.' },
    });
  });
});
