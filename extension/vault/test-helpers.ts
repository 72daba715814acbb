/** Helpers for the vault's Node unit tests (not bundled: only *.test.ts import this). */
import { resolveSettings } from '../settings/effective';
import { MemoryArea } from '../settings/memory-area';
import type { KdfParams } from './crypto';
import { VaultService } from './service';

export const FAST_KDF: Omit<KdfParams, 'salt'> = {
  alg: 'argon2id',
  memoryKiB: 8192,
  iterations: 1,
  parallelism: 1,
};
export const PASSWORD = 'correct horse battery';

export interface Harness {
  local: MemoryArea;
  session: MemoryArea;
  policy: Record<string, unknown>;
  user: Record<string, unknown>;
  clock: { now: number };
  make(kdf?: Omit<KdfParams, 'salt'>): VaultService;
}

/** A vault over in-memory storage areas; `make()` again simulates a service-worker restart. */
export function harness(): Harness {
  const h: Harness = {
    local: new MemoryArea(),
    session: new MemoryArea(),
    policy: {},
    user: {},
    clock: { now: Date.UTC(2026, 0, 1) },
    make(kdf = FAST_KDF) {
      return new VaultService({
        local: h.local,
        session: h.session,
        settings: async () => resolveSettings(h.user, h.policy),
        now: () => h.clock.now,
        kdf,
      });
    },
  };
  return h;
}
