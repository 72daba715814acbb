import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CtapHidError, parsePacket, Reassembler } from './frames.js';

describe('CTAPHID parser fuzz', () => {
  it('arbitrary reports only ever raise CtapHidError', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 0, maxLength: 80 }), { maxLength: 20 }), (reports) => {
        const r = new Reassembler();
        for (const report of reports) {
          try {
            const p = parsePacket(report);
            const out = p.kind === 'init' ? r.start(p) : r.continue(p);
            if (out) expect(out.length).toBeLessThanOrEqual(7609);
          } catch (err) {
            expect(err).toBeInstanceOf(CtapHidError);
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});
