/**
 * Snapshot of system paths a root test touches, to put the machine back exactly as found: files get
 * their content and mode back (or are removed when they did not exist), directories that did not
 * exist are removed when empty, directories that existed are re-created (dpkg -r removes an empty
 * /etc/opt that no package owns).
 */
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';

interface Entry {
  path: string;
  kind: 'missing' | 'file' | 'dir';
  content?: Buffer;
  mode?: number;
}

export interface MachineState {
  /** Paths (snapshotted at creation) that differ now, e.g. for assertions. */
  changed(): string[];
  restore(): void;
}

function entryOf(path: string): Entry {
  if (!existsSync(path)) return { path, kind: 'missing' };
  const st = lstatSync(path);
  if (st.isDirectory()) return { path, kind: 'dir', mode: st.mode & 0o7777 };
  return { path, kind: 'file', content: readFileSync(path), mode: st.mode & 0o7777 };
}

/** `paths`: files and directories, parents before children. */
export function snapshot(paths: string[]): MachineState {
  const entries = paths.map(entryOf);
  return {
    changed() {
      return entries
        .filter((e) => {
          const now = entryOf(e.path);
          if (now.kind !== e.kind) return true;
          return e.kind === 'file' && !now.content!.equals(e.content!);
        })
        .map((e) => e.path);
    },
    restore() {
      // Files first (children), then directories deepest first.
      for (const e of entries.filter((x) => x.kind !== 'dir')) {
        if (e.kind === 'missing') {
          if (existsSync(e.path) && !lstatSync(e.path).isDirectory()) rmSync(e.path, { force: true });
        } else {
          mkdirSync(e.path.replace(/\/[^/]+$/, ''), { recursive: true });
          writeFileSync(e.path, e.content!);
          chmodSync(e.path, e.mode!);
        }
      }
      for (const e of [...entries].reverse()) {
        if (e.kind === 'missing' && existsSync(e.path) && lstatSync(e.path).isDirectory()) {
          try {
            rmdirSync(e.path);
          } catch {
            // not empty: something not ours is inside; leave it
          }
        }
      }
      for (const e of entries.filter((x) => x.kind === 'dir')) {
        if (!existsSync(e.path)) {
          mkdirSync(e.path, { recursive: true });
          chmodSync(e.path, e.mode!);
        }
      }
    },
  };
}
