// When the ceremony code cannot be loaded (a broken install), a key request is still answered, and the
// session is free for the next one. The import of the ceremony module is made to fail here.
import type { HostMessage } from '@shared/protocol/index.js';
import { describe, expect, it, vi } from 'vitest';
import type { Transport } from '../transport/types.js';
import { HostSession } from './session.js';

vi.mock('../ceremony/index.js', () => {
  throw new Error('ceremony chunk missing');
});

const transport: Transport = {
  name: 'none',
  list: async () => [],
  open: () => Promise.reject(new Error('no device')),
};

describe('HostSession when the ceremony code fails to load', () => {
  it('answers the request with UnknownError and frees the session', async () => {
    const messages: HostMessage[] = [];
    let answered: (() => void) | undefined;
    const session = new HostSession({
      transport,
      version: 'test',
      send: (m) => {
        messages.push(m);
        answered?.();
      },
    });
    const replyTo = (id: string) =>
      new Promise<HostMessage>((resolve) => {
        const check = () => {
          const m = messages.find((x) => x.id === id && 'ok' in x);
          if (m) resolve(m);
        };
        answered = check;
        check();
      });
    session.handle({ id: 'd1', type: 'devices' });
    const first = await replyTo('d1');
    expect(first).toMatchObject({ ok: false, error: { name: 'UnknownError' } });
    expect((first as { error: { message: string } }).error.message).toContain('could not load');
    await new Promise((r) => setImmediate(r));
    expect(session.busy).toBe(false);
    session.handle({ id: 'd2', type: 'devices' });
    expect(await replyTo('d2')).toMatchObject({ ok: false, error: { name: 'UnknownError' } });
  });
});
