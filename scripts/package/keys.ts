// The organisation's extension signing key: everything that names the extension (the CRX's ID and
// manifest `key`, updates.xml, the host manifests' allowed_origins, the policy templates) comes from it.
// Given as a PEM file (--key FILE or MFA_BRIDGE_SIGNING_KEY_FILE) or as PEM text in
// MFA_BRIDGE_SIGNING_KEY; never committed. Without one, a throw-away key is made (and said so).
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';

export interface SigningKey {
  /** PKCS#8 PEM of the private key (crx3 signs with it). */
  privatePem: string;
  /** DER SubjectPublicKeyInfo, base64: the manifest `key`. */
  publicKeyBase64: string;
  /** The Chromium extension ID this key gives. */
  chromiumId: string;
  /** Where it came from, for messages (never the key itself). */
  source: string;
  throwaway: boolean;
}

/** Chromium's extension ID: the first 16 bytes of SHA-256(SPKI DER), hex digits 0-f written a-p. */
export function extensionIdFromPublicKey(spkiDer: Uint8Array): string {
  const hex = createHash('sha256').update(spkiDer).digest('hex').slice(0, 32);
  return [...hex].map((c) => String.fromCharCode(97 + Number.parseInt(c, 16))).join('');
}

function fromPrivateKey(key: KeyObject, source: string, throwaway: boolean): SigningKey {
  if (key.asymmetricKeyType !== 'rsa')
    throw new Error(
      `${source}: the extension signing key must be an RSA key (CRX3 sha256_with_rsa), not ${key.asymmetricKeyType}`,
    );
  const spki = createPublicKey(key).export({ type: 'spki', format: 'der' });
  return {
    privatePem: key.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyBase64: spki.toString('base64'),
    chromiumId: extensionIdFromPublicKey(spki),
    source,
    throwaway,
  };
}

export interface KeySources {
  file?: string;
  env?: NodeJS.ProcessEnv;
}

/** The organisation's key from a file or the environment; null when none is given. */
export function loadSigningKey(o: KeySources = {}): SigningKey | null {
  const env = o.env ?? process.env;
  const file = o.file ?? env.MFA_BRIDGE_SIGNING_KEY_FILE;
  if (file) {
    if (!existsSync(file)) throw new Error(`signing key file ${file} does not exist`);
    return fromPrivateKey(parsePrivateKey(readFileSync(file, 'utf8'), file), file, false);
  }
  const text = env.MFA_BRIDGE_SIGNING_KEY;
  if (text)
    return fromPrivateKey(parsePrivateKey(text, 'MFA_BRIDGE_SIGNING_KEY'), 'MFA_BRIDGE_SIGNING_KEY', false);
  return null;
}

function parsePrivateKey(pem: string, source: string): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch (err) {
    throw new Error(`${source} is not a PEM private key (${(err as Error).message})`);
  }
}

/** A new RSA-2048 key for a build nobody will update (tests, trying things out). */
export function throwawayKey(): SigningKey {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return fromPrivateKey(privateKey, 'a throw-away key', true);
}
