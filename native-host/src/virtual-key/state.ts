// What the virtual key remembers: credentials, the PIN hash and retries. Optionally persisted to a file
// (mode 0600) so a demo key keeps its registrations between runs.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as v from 'valibot';

export const StoredCredentialSchema = v.object({
  /** base64url credential ID. */
  id: v.string(),
  rpId: v.string(),
  userId: v.optional(v.string()),
  userName: v.optional(v.string()),
  displayName: v.optional(v.string()),
  alg: v.picklist([-7, -8]),
  /** base64 PKCS#8 private key. */
  privateKey: v.string(),
  signCount: v.number(),
  discoverable: v.boolean(),
  created: v.number(),
});
export type StoredCredential = v.InferOutput<typeof StoredCredentialSchema>;

export const KeyStateSchema = v.object({
  version: v.literal(1),
  /** hex AAGUID. */
  aaguid: v.pipe(v.string(), v.regex(/^[0-9a-f]{32}$/)),
  /** base64 LEFT(SHA-256(PIN), 16), absent when no PIN is set. */
  pinHash: v.optional(v.string()),
  pinRetries: v.number(),
  credentials: v.array(StoredCredentialSchema),
  /**
   * The U2F side, made at first start: attestation key pair and self-signed certificate, the key that
   * wraps credential private keys into key handles (U2F credentials are not stored), the global counter.
   */
  u2f: v.optional(
    v.object({
      /** base64 DER X.509 certificate. */
      certificate: v.string(),
      /** base64 PKCS#8 attestation private key (P-256). */
      privateKey: v.string(),
      /** base64 AES-256 key that seals private keys into key handles. */
      wrapKey: v.string(),
      counter: v.number(),
    }),
  ),
});
export type KeyState = v.InferOutput<typeof KeyStateSchema>;

export const MAX_PIN_RETRIES = 8;
/** AAGUID of the virtual key (random-looking, fixed so relying parties see one model). */
export const VIRTUAL_KEY_AAGUID = '6d666162726964676576697274756b31';

export class StateError extends Error {
  override readonly name = 'StateError';
  readonly code = 'BAD_STATE_FILE';
}

export function freshState(): KeyState {
  return { version: 1, aaguid: VIRTUAL_KEY_AAGUID, pinRetries: MAX_PIN_RETRIES, credentials: [] };
}

export class StateStore {
  state: KeyState;
  constructor(private readonly file?: string) {
    this.state = file && existsSync(file) ? StateStore.read(file) : freshState();
  }

  private static read(file: string): KeyState {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new StateError(`state file ${file} is not readable JSON: ${(err as Error).message}`);
    }
    const parsed = v.safeParse(KeyStateSchema, json);
    if (!parsed.success) throw new StateError(`state file ${file} is not a virtual key state`);
    return parsed.output;
  }

  save(): void {
    if (!this.file) return;
    const tmp = `${this.file}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(this.state, null, 2)}\n`, { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.file);
  }
}
