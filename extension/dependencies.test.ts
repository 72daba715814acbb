/**
 * package.json's `dependencies` are exactly the packages shipped code imports (the extension, shared/
 * and the native host, tests and build-time generators left out): nothing test- or demo-only ships as
 * a runtime dependency, nothing shipped hides in devDependencies. webextension-polyfill reaches the
 * code through WXT's module (so `browser` from 'wxt/browser' is the polyfilled one), and cbor-extract's
 * install script stays off because the host bundle never loads the native decoder.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');

interface PackageJson {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  allowScripts: Record<string, boolean>;
}
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as PackageJson;

/** Files that run in the product: not tests, fixtures, fuzzers, test support or build-time generators. */
function shippedSources(): string[] {
  const out: string[] = [];
  const skip = /\.test\.|\.fuzz\.|__vectors__|test-support|test-helpers|settings\/generate/;
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (name === 'node_modules' || name === 'dist') continue;
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(ts|tsx|mjs)$/.test(name) && !skip.test(relative(ROOT, p))) out.push(p);
    }
  };
  for (const dir of ['extension', 'shared/src', 'native-host/src']) walk(join(ROOT, dir));
  return out;
}

/** The npm package a bare import specifier names (`@scope/name/sub` → `@scope/name`), or null. */
function packageOf(specifier: string): string | null {
  if (/^(\.|\/|node:|@shared\/|wxt\/|virtual:)/.test(specifier)) return null;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

function importedPackages(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const patterns = [
    /^\s*(?:import|export)\b[^;'"]*?\bfrom\s*['"]([^'"]+)['"]/gm,
    /^\s*import\s*['"]([^'"]+)['"]/gm,
    /\b(?:import|require)\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const file of shippedSources()) {
    const text = readFileSync(file, 'utf8');
    for (const m of patterns.flatMap((re) => [...text.matchAll(re)])) {
      const name = packageOf(m[1]!);
      if (!name || name === 'wxt') continue;
      found.set(name, [...(found.get(name) ?? []), relative(ROOT, file)]);
    }
  }
  return found;
}

describe('package.json dependencies', () => {
  const imported = importedPackages();
  /** Runtime code that reaches the bundle other than by a direct import, and why. */
  const indirect: Record<string, string> = {
    'webextension-polyfill': "wxt/browser is aliased to it by the '@wxt-dev/webextension-polyfill' module",
  };

  it('names package roots from import specifiers', () => {
    expect(packageOf('@peculiar/x509')).toBe('@peculiar/x509');
    expect(packageOf('preact/hooks')).toBe('preact');
    expect(packageOf('./ui')).toBeNull();
    expect(packageOf('@shared/otp/index.js')).toBeNull();
    expect(packageOf('node:fs')).toBeNull();
  });

  it('every runtime dependency is used by shipped code', () => {
    const unused = Object.keys(pkg.dependencies).filter((d) => !imported.has(d) && !(d in indirect));
    expect(unused).toEqual([]);
  });

  it('every package shipped code imports is a runtime dependency (not a devDependency)', () => {
    const missing = [...imported.keys()].filter((d) => !(d in pkg.dependencies)).sort();
    expect(missing).toEqual([]);
  });

  it('qrcode (test and demo QR images) is a devDependency only', () => {
    expect(pkg.dependencies).not.toHaveProperty('qrcode');
    expect(pkg.devDependencies).toHaveProperty('qrcode');
  });

  it("webextension-polyfill is wired through WXT's module, pinned", () => {
    const config = readFileSync(join(ROOT, 'wxt.config.ts'), 'utf8');
    expect(config).toMatch(/modules:\s*\[[^\]]*'@wxt-dev\/webextension-polyfill'/);
    expect(pkg.devDependencies['@wxt-dev/webextension-polyfill']).toMatch(/^\d+\.\d+\.\d+$/);
    expect(pkg.dependencies).toHaveProperty('webextension-polyfill');
  });

  it("cbor-extract's install script is not allowed: the host bundle turns cbor-x's native decoder off", () => {
    expect(pkg.allowScripts['cbor-extract']).toBe(false);
    const build = readFileSync(join(ROOT, 'native-host/build.mjs'), 'utf8');
    expect(build).toMatch(/'process\.env\.CBOR_NATIVE_ACCELERATION_DISABLED':\s*JSON\.stringify\('true'\)/);
  });
});
