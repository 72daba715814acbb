// Archives of release folders: .tar.gz (Linux, macOS; modes kept, owner root) and .zip (Windows).
import { spawnSync } from 'node:child_process';
import { createWriteStream, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { ZipFile } from 'yazl';

export function tarGz(dir: string, out: string): void {
  const r = spawnSync(
    'tar',
    [
      '--owner=0',
      '--group=0',
      '--numeric-owner',
      '--sort=name',
      '-czf',
      out,
      '-C',
      dirname(dir),
      basename(dir),
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`tar ${out} failed: ${r.stderr}`);
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
  );
}

/** Zips `dir` (entries under its own name) into `out`. */
export function zipDir(dir: string, out: string, prefix = basename(dir)): Promise<void> {
  const zip = new ZipFile();
  for (const file of walk(dir).sort()) {
    const name = [prefix, relative(dir, file)].filter(Boolean).join('/');
    zip.addFile(file, name.split('\\').join('/'), {
      mode: statSync(file).mode,
      mtime: new Date(0x12345678000),
    });
  }
  zip.end();
  return new Promise((resolve, reject) => {
    zip.outputStream.pipe(createWriteStream(out)).on('close', resolve).on('error', reject);
  });
}
