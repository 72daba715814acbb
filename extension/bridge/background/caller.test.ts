import { describe, expect, it } from 'vitest';
import { resolveSiteMode } from '../../sites/bridge-mode';
import { CallerError, type FrameLike, resolveCaller } from './caller';

const ID = 'ext-id';
const frames: FrameLike[] = [
  { frameId: 0, parentFrameId: -1, url: 'https://top.example.com/page' },
  { frameId: 3, parentFrameId: 0, url: 'https://top.example.com/same' },
  { frameId: 4, parentFrameId: 0, url: 'https://widget.other.net/embed' },
  { frameId: 5, parentFrameId: 4, url: 'about:blank' },
];
const tree = async () => frames;

describe('resolveCaller: origin and ancestry from the browser, never the page', () => {
  it('top frame', async () => {
    const caller = await resolveCaller(
      { id: ID, origin: 'https://top.example.com', frameId: 0, tab: { id: 1 } },
      ID,
      tree,
    );
    expect(caller).toMatchObject({
      origin: 'https://top.example.com',
      topOrigin: 'https://top.example.com',
      sameOriginWithAncestors: true,
    });
  });
  it('same-origin iframe', async () => {
    const caller = await resolveCaller(
      { id: ID, origin: 'https://top.example.com', frameId: 3, tab: { id: 1 } },
      ID,
      tree,
    );
    expect(caller.sameOriginWithAncestors).toBe(true);
  });
  it('cross-origin iframe, and an about:blank child inheriting its origin', async () => {
    const cross = await resolveCaller(
      { id: ID, origin: 'https://widget.other.net', frameId: 4, tab: { id: 1 } },
      ID,
      tree,
    );
    expect(cross).toMatchObject({ topOrigin: 'https://top.example.com', sameOriginWithAncestors: false });
    const blank = await resolveCaller({ id: ID, url: 'about:blank', frameId: 5, tab: { id: 1 } }, ID, tree);
    expect(blank).toMatchObject({ origin: 'https://widget.other.net', sameOriginWithAncestors: false });
  });
  it('refuses other extensions, non-tab senders, opaque origins and a frame that navigated away', async () => {
    const refusals = [
      resolveCaller({ id: 'other', origin: 'https://top.example.com', frameId: 0, tab: { id: 1 } }, ID, tree),
      resolveCaller({ id: ID, origin: 'https://top.example.com', frameId: 0 }, ID, tree),
      resolveCaller({ id: ID, origin: 'null', frameId: 0, tab: { id: 1 } }, ID, tree),
      resolveCaller({ id: ID, origin: 'https://bank.example', frameId: 3, tab: { id: 1 } }, ID, tree),
      resolveCaller({ id: ID, origin: 'https://top.example.com', frameId: 99, tab: { id: 1 } }, ID, tree),
    ];
    for (const refusal of refusals) await expect(refusal).rejects.toBeInstanceOf(CallerError);
  });
});

describe('resolveSiteMode', () => {
  const none = { bridgeSites: [], siteProfiles: [] };
  it('defaults: fallback on the IAMconnected profile, off elsewhere', () => {
    expect(resolveSiteMode('https://www.iamconnected.eu', none)).toBe('fallback');
    expect(resolveSiteMode('https://login.pcs.portbase.com', none)).toBe('fallback');
    expect(resolveSiteMode('https://example.com', none)).toBe('off');
    expect(
      resolveSiteMode('https://sso.example.org', {
        bridgeSites: [],
        siteProfiles: [{ match: 'sso.example.org', profile: 'iamconnected' }],
      }),
    ).toBe('fallback');
  });
  it('an exact host does not match its subdomains; *.domain matches the domain and subdomains; first entry wins', () => {
    const s = {
      bridgeSites: [
        { match: 'login.example.com', mode: 'always' as const },
        { match: '*.example.com', mode: 'fallback' as const },
      ],
      siteProfiles: [],
    };
    expect(resolveSiteMode('https://login.example.com', s)).toBe('always');
    expect(resolveSiteMode('https://a.login.example.com', s)).toBe('fallback');
    expect(resolveSiteMode('https://example.com', s)).toBe('fallback');
    expect(resolveSiteMode('https://example.org', s)).toBe('off');
    expect(
      resolveSiteMode('https://www.iamconnected.eu', {
        bridgeSites: [{ match: 'www.iamconnected.eu', mode: 'off' as const }],
        siteProfiles: [],
      }),
    ).toBe('off');
  });
  it('opaque and non-web origins are off', () => {
    expect(
      resolveSiteMode('null', { bridgeSites: [{ match: 'localhost', mode: 'always' }], siteProfiles: [] }),
    ).toBe('off');
    expect(resolveSiteMode('chrome-extension://abc', { bridgeSites: [], siteProfiles: [] })).toBe('off');
  });
});
