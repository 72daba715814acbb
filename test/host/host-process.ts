// Starts the built native host (native-host/dist/mfa-bridge-host) as a browser would, and speaks native
// messaging to it. The frame reader here is written independently of the host's own framing code.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const HOST_LAUNCHER = fileURLToPath(
  new URL('../../native-host/dist/mfa-bridge-host', import.meta.url),
);
const BUILD_SCRIPT = fileURLToPath(new URL('../../native-host/build.mjs', import.meta.url));

/** Builds the host bundle when it is missing (npm test builds it before the tests). */
export function ensureHostBuilt(): void {
  if (existsSync(HOST_LAUNCHER) && !process.env.MFA_BRIDGE_REBUILD_HOST) return;
  const r = spawnSync(process.execPath, [BUILD_SCRIPT], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('building the native host failed');
}

export type Message = Record<string, unknown>;

export interface HostProcess {
  child: ChildProcess;
  messages: Message[];
  stderr(): string;
  send(message: unknown): void;
  sendRaw(bytes: Uint8Array): void;
  /** The next message (after those already taken) that matches, within `timeoutMs`. */
  next(match: (m: Message) => boolean, timeoutMs?: number): Promise<Message>;
  /** The final reply for `id`. */
  reply(id: string, timeoutMs?: number): Promise<Message>;
  exit(): Promise<number | null>;
  close(): Promise<void>;
}

export function startHost(
  env: Record<string, string>,
  args: string[] = ['chrome-extension://test/'],
): HostProcess {
  const child = spawn(HOST_LAUNCHER, args, {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const messages: Message[] = [];
  const taken = new Set<Message>();
  let buffer = Buffer.alloc(0);
  let err = '';
  const listeners = new Set<() => void>();
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    while (buffer.length >= 4) {
      const n = buffer.readUInt32LE(0);
      if (buffer.length < 4 + n) break;
      messages.push(JSON.parse(buffer.subarray(4, 4 + n).toString('utf8')) as Message);
      buffer = buffer.subarray(4 + n);
    }
    for (const l of listeners) l();
  });
  child.stderr!.on('data', (c: Buffer) => {
    err += c.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const next = (match: (m: Message) => boolean, timeoutMs = 15_000): Promise<Message> =>
    new Promise((resolve, reject) => {
      const check = (): boolean => {
        const m = messages.find((x) => !taken.has(x) && match(x));
        if (!m) return false;
        taken.add(m);
        listeners.delete(check);
        clearTimeout(timer);
        resolve(m);
        return true;
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(
          new Error(
            `no matching message within ${timeoutMs} ms; got ${JSON.stringify(messages)}; stderr ${err}`,
          ),
        );
      }, timeoutMs);
      if (!check()) listeners.add(check);
    });
  return {
    child,
    messages,
    stderr: () => err,
    send(message) {
      const body = Buffer.from(JSON.stringify(message), 'utf8');
      const head = Buffer.alloc(4);
      head.writeUInt32LE(body.length, 0);
      child.stdin!.write(Buffer.concat([head, body]));
    },
    sendRaw(bytes) {
      child.stdin!.write(bytes);
    },
    next,
    reply: (id, timeoutMs) => next((m) => m.id === id && 'ok' in m, timeoutMs),
    exit: () => exited,
    async close() {
      if (child.exitCode === null) {
        child.stdin!.end();
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}
