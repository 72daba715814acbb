/**
 * Import parsers: text in, accounts + reasons out. Nothing here writes; the service adds all parsed
 * accounts in one write (`addMany`), so an import is never half done. Every skipped entry carries a
 * reason a person can act on. Secrets never appear in reasons.
 *
 * Formats: otpauth:// lines, Google Authenticator `otpauth-migration://` (every batch), our own
 * encrypted export, Aegis plain JSON, 2FAS plain JSON.
 */
import * as v from 'valibot';
import { decodePayload } from './accounts';
import { openWithPassword } from './crypto';
import { VaultError } from './errors';
import {
  base32Decode,
  type OtpAccount,
  OtpauthError,
  parseMigrationUri,
  parseOtpauthUri,
  validateOtpAccount,
} from './otp';
import type { ImportFormat } from './protocol';
import type { ImportItem, ImportReport } from './service';

export interface ParsedImport {
  format: Exclude<ImportFormat, 'auto'>;
  items: ImportItem[];
  skipped: ImportReport['skipped'];
}

function reason(e: unknown): string {
  if (e instanceof OtpauthError || e instanceof VaultError) return e.message;
  return 'Not a valid account.';
}

/** Which format is this text? Throws VaultError('bad-import') when none fits. */
export function detectFormat(text: string): Exclude<ImportFormat, 'auto'> {
  const t = text.trim();
  if (t.startsWith('{')) {
    let j: unknown;
    try {
      j = JSON.parse(t);
    } catch {
      throw new VaultError('bad-import', 'The file looks like JSON but cannot be read (it may be cut off).');
    }
    if (j && typeof j === 'object') {
      if ('ciphertext' in j && 'header' in j) return 'mfa-bridge';
      if ('db' in j && 'header' in j) return 'aegis';
      if ('services' in j || 'servicesEncrypted' in j) return '2fas';
    }
    throw new VaultError(
      'bad-import',
      'This JSON file is not a backup we know (mfa-bridge export, Aegis or 2FAS plain JSON).',
    );
  }
  if (/^otpauth-migration:\/\//im.test(t) && !/^otpauth:\/\//im.test(t)) return 'migration';
  if (/^otpauth(-migration)?:\/\//im.test(t)) return 'otpauth';
  throw new VaultError(
    'bad-import',
    'Nothing to import: expected otpauth:// links, a Google Authenticator export, or a backup file.',
  );
}

export async function parseImport(
  format: ImportFormat,
  text: string,
  password?: string,
): Promise<ParsedImport> {
  const f = format === 'auto' ? detectFormat(text) : format;
  switch (f) {
    case 'otpauth':
    case 'migration':
      return { format: f, ...parseUriLines(text) };
    case 'aegis':
      return { format: f, ...parseAegis(text) };
    case '2fas':
      return { format: f, ...parse2fas(text) };
    case 'mfa-bridge':
      return { format: f, ...(await parseOwnExport(text, password)) };
  }
}

/**
 * Lines of `otpauth://` and `otpauth-migration://` links (blank lines and `#` comments ignored).
 * Migration batches: every batch present is imported; batches missing from a multi-QR export are
 * reported in `skipped` so the user can scan them too.
 */
export function parseUriLines(text: string): Omit<ParsedImport, 'format'> {
  const items: ImportItem[] = [];
  const skipped: ImportReport['skipped'] = [];
  const batches = new Map<number, { size: number; seen: Set<number> }>();
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    const source = `line ${i + 1}`;
    if (!line || line.startsWith('#')) return;
    if (/^otpauth-migration:/i.test(line)) {
      try {
        const m = parseMigrationUri(line);
        const b = batches.get(m.batchId) ?? { size: m.batchSize, seen: new Set<number>() };
        if (b.seen.has(m.batchIndex)) {
          skipped.push({
            name: `batch ${m.batchIndex + 1}`,
            source,
            reason: 'The same QR code was given twice.',
          });
          return;
        }
        b.seen.add(m.batchIndex);
        batches.set(m.batchId, b);
        m.accounts.forEach((account, k) => {
          items.push({
            account,
            source: `${source}, QR ${m.batchIndex + 1} of ${m.batchSize}, entry ${k + 1}`,
          });
        });
      } catch (e) {
        skipped.push({ name: 'Google Authenticator export', source, reason: reason(e) });
      }
      return;
    }
    try {
      items.push({ account: parseOtpauthUri(line), source });
    } catch (e) {
      skipped.push({
        name: line.startsWith('otpauth://') ? labelOf(line) : 'unknown line',
        source,
        reason: reason(e),
      });
    }
  });
  for (const [, b] of batches) {
    for (let k = 0; k < b.size; k++) {
      if (!b.seen.has(k)) {
        skipped.push({
          name: `QR code ${k + 1} of ${b.size}`,
          source: 'Google Authenticator export',
          reason: 'This QR code of the export was not included; scan or paste it too.',
        });
      }
    }
  }
  return { items, skipped };
}

/** The label of an otpauth link, for reports (never the secret). */
function labelOf(uri: string): string {
  const m = /^otpauth:\/\/[^/]*\/([^?]*)/i.exec(uri);
  if (!m) return 'otpauth link';
  try {
    return decodeURIComponent(m[1]!).slice(0, 80) || 'otpauth link';
  } catch {
    return m[1]!.slice(0, 80);
  }
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new VaultError('bad-import', `The ${what} file cannot be read as JSON (it may be cut off).`);
  }
}

function normAlgo(a: unknown): OtpAccount['algorithm'] | null {
  const s = typeof a === 'string' ? a.toUpperCase().replace('-', '') : 'SHA1';
  return s === 'SHA1' || s === 'SHA256' || s === 'SHA512' ? s : null;
}

/** Build an OtpAccount from loose fields; throws OtpauthError/VaultError with a reason. */
function fromFields(f: {
  type: string;
  secret: unknown;
  issuer?: unknown;
  account?: unknown;
  algorithm?: unknown;
  digits?: unknown;
  period?: unknown;
  counter?: unknown;
}): OtpAccount {
  const type = f.type.toLowerCase();
  if (type !== 'totp' && type !== 'hotp') {
    throw new VaultError(
      'bad-import',
      `Account type "${f.type.slice(0, 20)}" is not supported (only TOTP and HOTP).`,
    );
  }
  if (typeof f.secret !== 'string') throw new OtpauthError('bad-secret', 'The entry has no secret.');
  const algorithm = normAlgo(f.algorithm);
  if (!algorithm)
    throw new OtpauthError('bad-algorithm', 'Unsupported algorithm (use SHA1, SHA256 or SHA512).');
  const digits = f.digits === undefined || f.digits === null ? 6 : f.digits;
  if (digits !== 6 && digits !== 7 && digits !== 8) {
    throw new OtpauthError('bad-digits', 'Codes must have 6, 7 or 8 digits.');
  }
  const period = f.period === undefined || f.period === null ? 30 : f.period;
  if (typeof period !== 'number' || !Number.isInteger(period) || period < 1 || period > 3600) {
    throw new OtpauthError('bad-period', 'The period must be a whole number of seconds.');
  }
  const a: OtpAccount = {
    type,
    account: typeof f.account === 'string' ? f.account : '',
    secret: base32Decode(f.secret),
    algorithm,
    digits,
    period,
  };
  if (typeof f.issuer === 'string' && f.issuer) a.issuer = f.issuer;
  if (type === 'hotp') {
    const c = f.counter ?? 0;
    if (typeof c !== 'number' || !Number.isInteger(c) || c < 0) {
      throw new OtpauthError('bad-counter', 'The counter must be a whole number.');
    }
    a.counter = c;
  }
  // The shared core's checks (secret length etc.), as for links.
  validateOtpAccount(a);
  return a;
}

const AegisSchema = v.object({
  version: v.number(),
  header: v.object({ slots: v.nullish(v.unknown()), params: v.nullish(v.unknown()) }),
  db: v.unknown(),
});
const AegisDb = v.object({ version: v.number(), entries: v.array(v.unknown()) });
const AegisEntry = v.object({
  type: v.string(),
  name: v.optional(v.string()),
  issuer: v.optional(v.string()),
  note: v.optional(v.string()),
  info: v.object({
    secret: v.string(),
    algo: v.optional(v.string()),
    digits: v.optional(v.number()),
    period: v.optional(v.number()),
    counter: v.optional(v.number()),
  }),
});

/** Aegis Authenticator plain (unencrypted) JSON export. */
export function parseAegis(text: string): Omit<ParsedImport, 'format'> {
  const j = v.safeParse(AegisSchema, parseJson(text, 'Aegis'));
  if (!j.success) throw new VaultError('bad-import', 'This is not an Aegis backup.');
  if (j.output.header.slots || typeof j.output.db === 'string') {
    throw new VaultError(
      'bad-import',
      'This Aegis backup is encrypted. In Aegis, export again as plain JSON ("unencrypted"), import it, then delete that file.',
    );
  }
  const db = v.safeParse(AegisDb, j.output.db);
  if (!db.success) throw new VaultError('bad-import', 'The Aegis backup has no list of entries.');
  const items: ImportItem[] = [];
  const skipped: ImportReport['skipped'] = [];
  db.output.entries.forEach((raw, i) => {
    const source = `entry ${i + 1}`;
    const e = v.safeParse(AegisEntry, raw);
    if (!e.success) {
      skipped.push({ name: `entry ${i + 1}`, source, reason: 'The entry is incomplete.' });
      return;
    }
    const x = e.output;
    const name = x.issuer ? `${x.issuer} (${x.name ?? ''})` : (x.name ?? `entry ${i + 1}`);
    try {
      const account = fromFields({
        type: x.type,
        secret: x.info.secret,
        issuer: x.issuer,
        account: x.name,
        algorithm: x.info.algo,
        digits: x.info.digits,
        period: x.info.period,
        counter: x.info.counter,
      });
      items.push({ account, source });
    } catch (err) {
      skipped.push({ name, source, reason: reason(err) });
    }
  });
  return { items, skipped };
}

const TwoFasSchema = v.object({
  services: v.optional(v.array(v.unknown())),
  servicesEncrypted: v.optional(v.string()),
  schemaVersion: v.optional(v.number()),
});
const TwoFasService = v.object({
  name: v.optional(v.string()),
  secret: v.string(),
  otp: v.optional(
    v.object({
      label: v.optional(v.string()),
      account: v.optional(v.string()),
      issuer: v.optional(v.string()),
      digits: v.optional(v.number()),
      period: v.optional(v.number()),
      algorithm: v.optional(v.string()),
      tokenType: v.optional(v.string()),
      counter: v.optional(v.number()),
    }),
  ),
  order: v.optional(v.object({ position: v.optional(v.number()) })),
});

/** 2FAS Authenticator plain (unencrypted) `.2fas` JSON backup. */
export function parse2fas(text: string): Omit<ParsedImport, 'format'> {
  const j = v.safeParse(TwoFasSchema, parseJson(text, '2FAS'));
  if (!j.success) throw new VaultError('bad-import', 'This is not a 2FAS backup.');
  if (j.output.servicesEncrypted && !j.output.services?.length) {
    throw new VaultError(
      'bad-import',
      'This 2FAS backup is encrypted. In 2FAS, export again without a password, import it, then delete that file.',
    );
  }
  const services = (j.output.services ?? []).map((raw, i) => ({ raw, i }));
  const parsed = services.map(({ raw, i }) => ({ r: v.safeParse(TwoFasService, raw), i }));
  // Keep the user's order from the app.
  parsed.sort((a, b) => pos(a.r) - pos(b.r) || a.i - b.i);
  const items: ImportItem[] = [];
  const skipped: ImportReport['skipped'] = [];
  for (const { r, i } of parsed) {
    const source = `service ${i + 1}`;
    if (!r.success) {
      skipped.push({ name: source, source, reason: 'The entry is incomplete.' });
      continue;
    }
    const s = r.output;
    const name = s.name ?? s.otp?.issuer ?? source;
    try {
      const account = fromFields({
        type: s.otp?.tokenType ?? 'TOTP',
        secret: s.secret,
        issuer: s.otp?.issuer || s.name,
        account: s.otp?.account || s.otp?.label || '',
        algorithm: s.otp?.algorithm,
        digits: s.otp?.digits,
        period: s.otp?.period,
        counter: s.otp?.counter,
      });
      items.push({ account, source });
    } catch (err) {
      skipped.push({ name, source, reason: reason(err) });
    }
  }
  return { items, skipped };
}

function pos(r: v.SafeParseResult<typeof TwoFasService>): number {
  return r.success ? (r.output.order?.position ?? Number.MAX_SAFE_INTEGER) : Number.MAX_SAFE_INTEGER;
}

/** Our encrypted export (see crypto.ts, kind "export"). Wrong password and damage are told apart. */
export async function parseOwnExport(text: string, password?: string): Promise<Omit<ParsedImport, 'format'>> {
  if (!password) throw new VaultError('wrong-password', 'Enter the password of this export file.');
  const record = parseJson(text, 'export');
  const { plaintext } = await openWithPassword(record, password, 'export');
  let accounts: ReturnType<typeof decodePayload>['accounts'];
  try {
    accounts = decodePayload(plaintext).accounts;
  } catch {
    throw new VaultError('damaged', 'The export file is damaged (unreadable contents).');
  }
  return {
    items: accounts.map((a, i) => {
      const { id: _id, label, icon, origins, createdAt: _c, updatedAt: _u, ...otp } = a;
      const meta: ImportItem['meta'] = { origins };
      if (label !== undefined) meta.label = label;
      if (icon !== undefined) meta.icon = icon;
      return { account: otp, meta, source: `entry ${i + 1}` };
    }),
    skipped: [],
  };
}
