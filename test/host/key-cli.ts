// The virtual key CLI (`npm run virtual-key`) as a child process the test owns, and the built host pointed
// at it; both are stopped after each test.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll } from 'vitest';
import { udpTransport } from './harness.js';
import { ensureHostBuilt, type HostProcess, startHost } from './host-process.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** What `npm run virtual-key --` runs, started directly so the test owns the process it stops. */
const KEY_CMD = [process.execPath, '--import', 'tsx', 'native-host/src/virtual-key/cli.ts'] as const;

export interface KeyCli {
  child: ChildProcess;
  /** All the CLI has written to stderr so far. */
  stderr: () => string;
}

/** Registers the hooks (build the host once; stop the host and every CLI process after each test). */
export function keyCliPerTest() {
  const running: ChildProcess[] = [];
  let host: HostProcess | undefined;
  beforeAll(() => ensureHostBuilt());
  afterEach(async () => {
    await host?.close();
    host = undefined;
    for (const c of running.splice(0)) {
      if (c.exitCode === null) {
        c.kill('SIGTERM');
        await new Promise((r) => c.on('exit', r));
      }
    }
  });

  /** Spawns the CLI with `args`, collecting its stderr. */
  function spawnKeyCli(args: string[]): KeyCli {
    const child = spawn(KEY_CMD[0], [...KEY_CMD.slice(1), ...args], {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    running.push(child);
    let err = '';
    child.stderr!.on('data', (c: Buffer) => {
      err += c.toString();
    });
    return { child, stderr: () => err };
  }

  /** Spawns the CLI and waits until it listens; rejects with its stderr if it exits first. */
  function startKeyCli(args: string[]): Promise<KeyCli> {
    const cli = spawnKeyCli(args);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`virtual key did not start: ${cli.stderr()}`)), 30_000);
      cli.child.stderr!.on('data', () => {
        if (cli.stderr().includes('listening')) {
          clearTimeout(t);
          resolve(cli);
        }
      });
      cli.child.on('exit', (code) => reject(new Error(`virtual key exited ${code}: ${cli.stderr()}`)));
    });
  }

  /** Starts the built host on the CLI key listening on `port` and answering to `hostPort`. */
  function startHostOn(port: number, hostPort: number): HostProcess {
    host = startHost({ MFA_BRIDGE_TRANSPORT: udpTransport(port, hostPort) });
    return host;
  }

  return { spawnKeyCli, startKeyCli, startHostOn };
}
