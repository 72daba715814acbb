// Starts a native host launcher as a browser would and asks it for `hello` (native messaging frames).
import { spawn } from 'node:child_process';

export interface HelloOutcome {
  reply: Record<string, unknown> | null;
  stderr: string;
  code: number | null;
}

/** Runs `launcher` with exactly `env`, sends `hello`, closes stdin after the reply; never hangs past `ms`. */
export function helloFrom(launcher: string, env: NodeJS.ProcessEnv, ms = 20_000): Promise<HelloOutcome> {
  return new Promise((resolve) => {
    const child = spawn(launcher, ['chrome-extension://test/'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = Buffer.alloc(0);
    let stderr = '';
    let reply: Record<string, unknown> | null = null;
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.stdout.on('data', (c: Buffer) => {
      out = Buffer.concat([out, c]);
      while (out.length >= 4 && out.length >= 4 + out.readUInt32LE(0)) {
        const n = out.readUInt32LE(0);
        const m = JSON.parse(out.subarray(4, 4 + n).toString('utf8')) as Record<string, unknown>;
        out = out.subarray(4 + n);
        if (m.id === 'hello-1' && 'ok' in m) {
          reply = m;
          child.stdin.end();
        }
      }
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.on('error', (err) => {
      stderr += String(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ reply, stderr, code });
    });
    const body = Buffer.from(JSON.stringify({ id: 'hello-1', type: 'hello' }));
    const head = Buffer.alloc(4);
    head.writeUInt32LE(body.length, 0);
    child.stdin.on('error', () => undefined);
    child.stdin.write(Buffer.concat([head, body]));
  });
}
