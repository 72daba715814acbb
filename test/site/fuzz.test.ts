/**
 * Arbitrary requests at the demo site's edge (paths, methods, cookies, Accept-Language, bodies of any
 * type): every answer is a deliberate 2xx/3xx/4xx, never a 500, and the site keeps serving.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SiteClient, signIn } from './client.js';
import { ROUTES } from './pages.js';
import { DEMO_PASSWORD, type DemoSite, startDemoSite } from './server.js';

let site: DemoSite;
beforeAll(async () => {
  site = await startDemoSite();
});
afterAll(async () => {
  await site.close();
});

const printable = fc.string({
  unit: fc.constantFrom(...' !#$%&()*+,-./0123456789:;<=>?@ABCXYZabcxyz[]^_{|}~=;"\\\''.split('')),
});
const routes = Object.values(ROUTES);

describe('demo site request edge', () => {
  it('answers arbitrary requests without server errors', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          path: fc.oneof(
            fc.constantFrom(...routes, '/', '/assets/widget.js', '/api/v1/users/x/factors/y/qr/z'),
            printable.map((p) => `/${encodeURIComponent(p)}`),
          ),
          query: fc.option(printable, { nil: undefined }),
          method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
          cookie: fc.option(printable, { nil: undefined }),
          acceptLanguage: fc.option(printable, { nil: undefined }),
          contentType: fc.constantFrom(
            'application/x-www-form-urlencoded',
            'application/json',
            'text/plain',
            '',
          ),
          body: fc.oneof(
            printable,
            fc.json(),
            fc.constant('_csrf=x&username=alice%40example.com&password=x'),
          ),
        }),
        async (r) => {
          const headers: Record<string, string> = {};
          if (r.cookie !== undefined) headers.cookie = r.cookie;
          if (r.acceptLanguage !== undefined) headers['accept-language'] = r.acceptLanguage;
          if (r.contentType) headers['content-type'] = r.contentType;
          const url = site.url(r.path) + (r.query === undefined ? '' : `?${encodeURIComponent(r.query)}`);
          const response = await fetch(url, {
            method: r.method,
            headers,
            redirect: 'manual',
            body: r.method === 'GET' ? undefined : r.body,
          });
          await response.arrayBuffer();
          expect(response.status).toBeGreaterThanOrEqual(200);
          expect(response.status).toBeLessThan(500);
        },
      ),
      { numRuns: 300 },
    );
    const after = await fetch(site.url('/signin'));
    expect(after.status).toBe(200);
  });

  it('answers arbitrary forms and JSON from a signed-in session past the CSRF check without server errors', async () => {
    const client = new SiteClient(site);
    try {
      const page = await signIn(client, 'fuzz-user@example.com', DEMO_PASSWORD);
      const csrf = page.csrf;
      const sid = client.cookie('sid')!;
      const field = fc.constantFrom(
        'username',
        'password',
        'passCode',
        'answer',
        '__deviceType__',
        'remember',
        'x',
      );
      await fc.assert(
        fc.asyncProperty(
          // Not /signout: the session must live through the run to keep getting past the CSRF check.
          fc.constantFrom(...routes.filter((r) => r !== ROUTES.signOut)),
          fc.oneof(
            fc.dictionary(field, printable).map((fields) => ({
              type: 'application/x-www-form-urlencoded',
              body: new URLSearchParams({ ...fields, _csrf: csrf }).toString(),
            })),
            fc.jsonValue().map((value) => ({ type: 'application/json', body: JSON.stringify(value) })),
            fc
              .record({
                id: printable,
                rawId: printable,
                type: fc.constantFrom('public-key', 'x'),
                clientExtensionResults: fc.object(),
                response: fc.record({
                  clientDataJSON: printable,
                  attestationObject: printable,
                  authenticatorData: printable,
                  signature: printable,
                  userHandle: fc.option(printable),
                }),
              })
              .map((value) => ({ type: 'application/json', body: JSON.stringify(value) })),
          ),
          async (route, payload) => {
            const response = await fetch(site.url(route), {
              method: 'POST',
              redirect: 'manual',
              headers: { cookie: `sid=${sid}`, 'content-type': payload.type, 'x-csrf-token': csrf },
              body: payload.body,
            });
            await response.arrayBuffer();
            expect(response.status).toBeLessThan(500);
          },
        ),
        { numRuns: 300 },
      );
    } finally {
      await client.close();
    }
  });
});
