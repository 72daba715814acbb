// The virtual key answers any request bytes with a status byte (never throws), and its CTAPHID server
// survives arbitrary reports.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualAuthenticator } from './authenticator.js';
import { CtapHidServer } from './hid-server.js';
import { StateStore } from './state.js';

describe('virtual key fuzz', () => {
  it('CTAP2 requests of arbitrary bytes get a status byte back', async () => {
    const a = new VirtualAuthenticator(new StateStore());
    const ctx = { signal: new AbortController().signal, waitForTouch: async () => 'touched' as const };
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(1, 2, 4, 6, 7, 8, 0x0b, 0x40),
        fc.uint8Array({ maxLength: 120 }),
        async (cmd, body) => {
          const reply = await a.handle(new Uint8Array([cmd, ...body]), ctx);
          expect(reply.length).toBeGreaterThanOrEqual(1);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('the CTAPHID server never throws on arbitrary reports', () => {
    const sent: Uint8Array[] = [];
    const server = new CtapHidServer({
      send: (r) => sent.push(r),
      handleCbor: async () => new Uint8Array([0]),
      waitForTouch: async () => 'touched',
      messageTimeoutMs: 5,
    });
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 0, maxLength: 64 }), { maxLength: 30 }), (reports) => {
        for (const r of reports) server.onReport(r);
        for (const s of sent) expect(s.length).toBe(64);
      }),
      { numRuns: 300 },
    );
    server.close();
  });
});
