import { describe, expect, it } from 'vitest';
import { handleFill, senderOrigin } from './background';

const EXT = 'jphdiiljokkbpjhkanpehokpajefgahn';
const tabSender = { id: EXT, url: 'https://www.iamconnected.eu/signin/verify', tab: { id: 4 }, frameId: 0 };

describe('fill messages: sender and shape checks', () => {
  it('takes the origin from the sender, never from the message', () => {
    expect(senderOrigin(tabSender, EXT)).toBe('https://www.iamconnected.eu');
    expect(senderOrigin({ ...tabSender, origin: 'https://login.example.org' }, EXT)).toBe(
      'https://login.example.org',
    );
  });

  it('refuses other extensions, extension pages and opaque origins', () => {
    expect(() => senderOrigin({ ...tabSender, id: 'someone-else' }, EXT)).toThrow(/Not from this extension/);
    expect(() => senderOrigin({ id: EXT, url: `chrome-extension://${EXT}/popup.html` }, EXT)).toThrow(
      /page script/,
    );
    expect(() => senderOrigin({ id: EXT, url: 'about:blank', origin: 'null', tab: { id: 1 } }, EXT)).toThrow(
      /Unknown sender origin/,
    );
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
