// Native host benches: cold start to the `hello` reply (vs `node -e 0`), and a full webauthn.get round
// trip through the host to the virtual key with auto-touch (vs the same getAssertion sent straight to
// the key by the host's CTAP2 client in-process).
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ctap2 } from '../native-host/src/ctap2/client.js';
import { CtapHidDevice } from '../native-host/src/ctaphid/device.js';
import { DEVELOPMENT_IDS } from '../native-host/src/install/ids.js';
import { UdpTransport } from '../native-host/src/transport/udp.js';
import { buildHostFolder } from '../scripts/package/host.js';
import { NODE_VERSION, TARGETS } from '../scripts/package/targets.js';

const LAUNCHER = fileURLToPath(new URL('../native-host/dist/mfa-bridge-host', import.meta.url));
const KEY_CLI = fileURLToPath(new URL('../native-host/src/virtual-key/cli.ts', import.meta.url));
const RUNS = 25;
const ORIGIN = 'https://login.example.com';

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)]!;
const fmt = (n: number) => n.toFixed(2);

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.bind(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function frame(msg: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(msg));
  const head = Buffer.alloc(4);
  head.writeUInt32LE(body.length, 0);
  return Buffer.concat([head, body]);
}

/** Reads native-messaging frames from a child's stdout. */
function reader(child: ChildProcess) {
  let buf = Buffer.alloc(0);
  const waiters: Array<{ id: string; resolve: (m: Record<string, unknown>) => void }> = [];
  child.stdout!.on('data', (c: Buffer) => {
    buf = Buffer.concat([buf, c]);
    while (buf.length >= 4 && buf.length >= 4 + buf.readUInt32LE(0)) {
      const n = buf.readUInt32LE(0);
      const m = JSON.parse(buf.subarray(4, 4 + n).toString()) as Record<string, unknown>;
      buf = buf.subarray(4 + n);
      if (!('ok' in m)) continue;
      const i = waiters.findIndex((w) => w.id === m.id);
      if (i >= 0) waiters.splice(i, 1)[0]!.resolve(m);
    }
  });
  return {
    request(msg: Record<string, unknown>): Promise<Record<string, unknown>> {
      return new Promise((resolve) => {
        waiters.push({ id: msg.id as string, resolve });
        child.stdin!.write(frame(msg));
      });
    },
  };
}

/** `node -e 0` in the environment the launcher gives the host (it unsets NODE_EXTRA_CA_CERTS). */
const { NODE_EXTRA_CA_CERTS: extraCaCerts, ...hostLikeEnv } = process.env;

async function timeNodeE0(env: NodeJS.ProcessEnv = hostLikeEnv, node = process.execPath): Promise<number> {
  const t0 = performance.now();
  await new Promise<void>((resolve) => spawn(node, ['-e', '0'], { env }).on('exit', () => resolve()));
  return performance.now() - t0;
}

async function timeHostHello(env: NodeJS.ProcessEnv, launcher = LAUNCHER): Promise<number> {
  const t0 = performance.now();
  const child = spawn(launcher, ['chrome-extension://bench/'], { env, stdio: ['pipe', 'pipe', 'ignore'] });
  const r = reader(child);
  const reply = await r.request({ id: 'h', type: 'hello' });
  const ms = performance.now() - t0;
  if (reply.ok !== true) throw new Error(`hello failed: ${JSON.stringify(reply)}`);
  child.stdin!.end();
  await new Promise((resolve) => child.on('exit', resolve));
  return ms;
}

async function main(): Promise<void> {
  if (!existsSync(LAUNCHER)) throw new Error(`${LAUNCHER} is missing: run \`npm run build\` first`);
  const hostPort = await freePort();
  const keyPort = await freePort();
  // The key runs in its own process, so neither the host nor the in-process reference shares its event loop.
  const keyProcess = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      KEY_CLI,
      '--port',
      String(keyPort),
      '--host-port',
      String(hostPort),
      '--touch',
      'auto',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  await new Promise<void>((resolve, reject) => {
    keyProcess.stderr!.on('data', (c: Buffer) => c.toString().includes('listening') && resolve());
    keyProcess.on('exit', (code) => reject(new Error(`virtual key exited (${code})`)));
  });
  const key = { port: keyPort, close: async () => void keyProcess.kill('SIGTERM') };
  const env = { ...process.env, MFA_BRIDGE_TRANSPORT: `udp:127.0.0.1:${key.port}:${hostPort}` };

  // 1. Cold start.
  await timeNodeE0();
  await timeHostHello(env);
  const nodeTimes: number[] = [];
  const hostTimes: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    nodeTimes.push(await timeNodeE0());
    hostTimes.push(await timeHostHello(env));
  }
  const nodeMed = median(nodeTimes);
  const hostMed = median(hostTimes);
  console.log(`cold start, ${RUNS} runs each (median / p90 ms):`);
  console.log(`  node -e 0                      ${fmt(nodeMed)} / ${fmt(p90(nodeTimes))}`);
  console.log(`  mfa-bridge-host to hello reply ${fmt(hostMed)} / ${fmt(p90(hostTimes))}`);
  console.log(`  ratio host / node -e 0         ${fmt(hostMed / nodeMed)}x`);
  if (extraCaCerts) {
    // Context for the launcher's `unset NODE_EXTRA_CA_CERTS`: what every Node start pays with it set.
    const withCa: number[] = [];
    for (let i = 0; i < 10; i++) withCa.push(await timeNodeE0(process.env));
    console.log(
      `  node -e 0 with this machine's NODE_EXTRA_CA_CERTS ${fmt(median(withCa))} ms median (n=10): ` +
        `${fmt(median(withCa) - nodeMed)} ms the launcher saves at each host start`,
    );
  }

  // 1b. The release host folder (linux-x64): its launcher and bundled runtime, against that runtime's
  // own `node -e 0`.
  if (process.platform === 'linux' && process.arch === 'x64') {
    const dir = mkdtempSync(join(tmpdir(), 'mfa-bridge-bench-release-'));
    try {
      buildHostFolder({ target: TARGETS['linux-x64'], dir, ids: DEVELOPMENT_IDS });
      const node = join(dir, 'runtime', 'node');
      const launcher = join(dir, 'mfa-bridge-host');
      await timeNodeE0(hostLikeEnv, node);
      await timeHostHello(env, launcher);
      const rn: number[] = [];
      const rh: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        rn.push(await timeNodeE0(hostLikeEnv, node));
        rh.push(await timeHostHello(env, launcher));
      }
      console.log(
        `release host folder (linux-x64, Node ${NODE_VERSION} bundled), ${RUNS} runs each (median / p90 ms):`,
      );
      console.log(`  runtime/node -e 0              ${fmt(median(rn))} / ${fmt(p90(rn))}`);
      console.log(`  mfa-bridge-host to hello reply ${fmt(median(rh))} / ${fmt(p90(rh))}`);
      console.log(`  ratio host / node -e 0         ${fmt(median(rh) / median(rn))}x (goal ≤ 1.5x)`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  // 2. webauthn.get round trip through a running host.
  const child = spawn(LAUNCHER, ['chrome-extension://bench/'], { env, stdio: ['pipe', 'pipe', 'ignore'] });
  const host = reader(child);
  const userId = randomBytes(16).toString('base64url');
  const created = await host.request({
    id: 'c',
    type: 'webauthn.create',
    origin: ORIGIN,
    options: {
      rp: { id: 'example.com', name: 'Example' },
      user: { id: userId, name: 'bench', displayName: 'Bench' },
      challenge: randomBytes(32).toString('base64url'),
      pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
      authenticatorSelection: { userVerification: 'discouraged' },
    },
  });
  if (created.ok !== true) throw new Error(`create failed: ${JSON.stringify(created)}`);
  const credId = (created.result as { id: string }).id;
  const getTimes: number[] = [];
  for (let i = 0; i < RUNS + 3; i++) {
    const t0 = performance.now();
    const r = await host.request({
      id: `g${i}`,
      type: 'webauthn.get',
      origin: ORIGIN,
      options: {
        challenge: randomBytes(32).toString('base64url'),
        rpId: 'example.com',
        allowCredentials: [{ type: 'public-key', id: credId }],
        userVerification: 'discouraged',
      },
    });
    const ms = performance.now() - t0;
    if (r.ok !== true) throw new Error(`get failed: ${JSON.stringify(r)}`);
    if (i >= 3) getTimes.push(ms);
  }
  child.stdin!.end();
  await new Promise((resolve) => child.on('exit', resolve));

  // Reference: the same getAssertion straight to the key (open channel, GetInfo, getAssertion) in-process.
  const transport = new UdpTransport({ host: '127.0.0.1', port: key.port, listenPort: hostPort });
  const directTimes: number[] = [];
  for (let i = 0; i < RUNS + 3; i++) {
    const t0 = performance.now();
    const conn = await transport.open({ path: 'udp', product: 'virtual', transport: 'udp' });
    const dev = await CtapHidDevice.open(conn);
    const ctap = new Ctap2(dev);
    await ctap.getInfo();
    await ctap.getAssertion({
      rpId: 'example.com',
      clientDataHash: createHash('sha256').update(randomBytes(32)).digest(),
      allowList: [{ type: 'public-key', id: new Uint8Array(Buffer.from(credId, 'base64url')) }],
    });
    await dev.close();
    const ms = performance.now() - t0;
    if (i >= 3) directTimes.push(ms);
  }
  await key.close();
  const getMed = median(getTimes);
  const directMed = median(directTimes);
  console.log(
    `webauthn.get round trip to the virtual key (auto touch, own process), ${RUNS} runs (median / p90 ms):`,
  );
  console.log(`  CTAP2 getAssertion in-process  ${fmt(directMed)} / ${fmt(p90(directTimes))}`);
  console.log(`  webauthn.get through the host  ${fmt(getMed)} / ${fmt(p90(getTimes))}`);
  console.log(`  ratio host / in-process        ${fmt(getMed / directMed)}x`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
