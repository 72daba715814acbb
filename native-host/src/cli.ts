// Person-started mode: --help, install, uninstall, devices, doctor.
import { homedir } from 'node:os';
import { openKey } from './ceremony/device.js';
import {
  applyInstall,
  applyUninstall,
  type Check,
  checkHidrawAccess,
  checkManifest,
  planInstall,
  planUninstall,
} from './install/install.js';
import { BROWSERS, type BrowserName, checkPlatform, parseBrowser } from './install/manifests.js';
import { loadNodeHid } from './transport/hid.js';
import type { Transport } from './transport/types.js';

export const USAGE = `mfa-bridge-host: native messaging host of the mfa-bridge extension (FIDO2 security keys)

Browsers start it themselves. Run by hand:
  mfa-bridge-host install   [--browser NAME]... [--dry-run] [--host-path PATH]
                            write per-user manifests (default: every browser)
  mfa-bridge-host uninstall [--browser NAME]... [--dry-run]
  mfa-bridge-host devices   [--json]      list security keys with their GetInfo
  mfa-bridge-host doctor                  check manifests, host, HID access; print fixes
  mfa-bridge-host install --system [--browser NAME]... [--dry-run] [--host-path PATH] [--root DIR]
  mfa-bridge-host uninstall --system [--browser NAME]... [--dry-run] [--root DIR]
  mfa-bridge-host doctor --system         system-wide manifests (as root): which browsers will find the
                                          host, whether it runs, whether this user can open security keys
  mfa-bridge-host --stdio [--transport T] [--log DEST]
                            speak native messaging on stdin/stdout (as when a browser starts it)
  mfa-bridge-host --help | --version

Browsers: ${BROWSERS.join(', ')} (Linux and macOS)

Options:
  --transport T   hid (default) or udp:HOST:PORT[:LISTENPORT] (software keys; replies on 7112),
                  or several, comma-separated (hid,udp:127.0.0.1:8111)
  --log DEST      with --stdio: log request ids and outcomes to stderr or a file (never PINs or keys)

Environment: MFA_BRIDGE_TRANSPORT (as --transport), MFA_BRIDGE_LOG (as --log)
`;

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

export interface CliContext {
  io: CliIo;
  transport: () => Transport;
  hostPath: string;
  platform?: string;
  home?: string;
}

function browsersFrom(values: string[] | undefined): BrowserName[] {
  if (!values?.length) return [...BROWSERS];
  return values
    .flatMap((v) => v.split(','))
    .filter(Boolean)
    .map(parseBrowser);
}

export function runInstall(ctx: CliContext, browsers: string[] | undefined, dryRun: boolean): number {
  const platform = checkPlatform(ctx.platform ?? process.platform);
  const plans = planInstall({
    browsers: browsersFrom(browsers),
    platform,
    home: ctx.home ?? homedir(),
    hostPath: ctx.hostPath,
  });
  if (dryRun) {
    for (const p of plans) ctx.io.out(`would write ${p.file}:\n${p.content}\n`);
    return 0;
  }
  applyInstall(plans, ctx.hostPath);
  for (const p of plans) ctx.io.out(`wrote ${p.file}\n`);
  ctx.io.out(`host: ${ctx.hostPath}\n`);
  return 0;
}

export function runUninstall(ctx: CliContext, browsers: string[] | undefined, dryRun: boolean): number {
  const platform = checkPlatform(ctx.platform ?? process.platform);
  const plans = planUninstall({ browsers: browsersFrom(browsers), platform, home: ctx.home ?? homedir() });
  for (const p of plans) {
    if (!p.exists) ctx.io.out(`${p.browser}: nothing at ${p.file}\n`);
    else ctx.io.out(`${dryRun ? 'would remove' : 'removed'} ${p.file}\n`);
  }
  if (!dryRun) applyUninstall(plans.filter((p) => p.exists).map((p) => p.file));
  return 0;
}

export async function runDevices(ctx: CliContext, json: boolean): Promise<number> {
  const transport = ctx.transport();
  const rows: Array<Record<string, unknown>> = [];
  for (const d of await transport.list()) {
    const key = await openKey(transport, d);
    if (!key) {
      rows.push({ id: d.path, product: d.product, error: 'did not answer CTAPHID_INIT' });
      continue;
    }
    try {
      rows.push({
        id: d.path,
        product: d.product,
        transport: d.transport,
        versions: key.info.versions,
        aaguid: Buffer.from(key.info.aaguid).toString('hex'),
        options: key.info.options,
        pinProtocols: key.info.pinUvAuthProtocols,
        maxMsgSize: key.info.maxMsgSize,
        algorithms: key.info.algorithms.map((a) => a.alg),
      });
    } finally {
      await key.close();
    }
  }
  if (json) {
    ctx.io.out(`${JSON.stringify(rows, null, 2)}\n`);
    return 0;
  }
  if (!rows.length) {
    ctx.io.out(`no security keys found (transport ${transport.name})\n`);
    if (transport.name === 'hid')
      ctx.io.out('plug in a FIDO2 key, or run `mfa-bridge-host doctor` to check HID access\n');
    return 0;
  }
  for (const r of rows) {
    ctx.io.out(`${r.id}  ${r.product}\n`);
    for (const [k, v] of Object.entries(r))
      if (k !== 'id' && k !== 'product') ctx.io.out(`  ${k}: ${JSON.stringify(v)}\n`);
  }
  return 0;
}

export async function runDoctor(ctx: CliContext): Promise<number> {
  const checks: Check[] = [];
  const platform = checkPlatform(ctx.platform ?? process.platform);
  const home = ctx.home ?? homedir();
  const [major] = process.versions.node.split('.').map(Number);
  checks.push(
    (major ?? 0) >= 20
      ? { status: 'ok', what: `Node ${process.versions.node} at ${process.execPath}` }
      : { status: 'fail', what: `Node ${process.versions.node} is too old`, fix: 'install Node 20 or later' },
  );
  for (const b of BROWSERS) checks.push(...checkManifest(b, platform, home));
  if (!checks.some((c) => c.status === 'ok' && c.what.includes('manifest'))) {
    checks.push({
      status: 'fail',
      what: 'no browser has the host registered',
      fix: 'run `mfa-bridge-host install`',
    });
  }
  let transport: Transport | null = null;
  try {
    transport = ctx.transport();
    checks.push({ status: 'ok', what: `transport ${transport.name}` });
  } catch (err) {
    checks.push({
      status: 'fail',
      what: (err as Error).message,
      fix: 'set MFA_BRIDGE_TRANSPORT to hid or udp:HOST:PORT[:LISTENPORT]',
    });
  }
  if (transport?.name === 'hid') {
    try {
      loadNodeHid();
      checks.push({ status: 'ok', what: 'node-hid loads' });
    } catch (err) {
      checks.push({
        status: 'fail',
        what: (err as Error).message,
        fix: 'ship node_modules/node-hid beside the host bundle (npm ci)',
      });
    }
    checks.push(...checkHidrawAccess(platform));
  }
  if (transport) {
    try {
      const found = await transport.list();
      checks.push(
        found.length
          ? {
              status: 'ok',
              what: `${found.length} security key(s): ${found.map((d) => d.product).join(', ')}`,
            }
          : {
              status: 'warn',
              what: 'no security key found',
              fix: 'plug in a FIDO2 key (or start `npm run virtual-key` with --transport udp:127.0.0.1:8111)',
            },
      );
    } catch (err) {
      checks.push({ status: 'fail', what: `listing keys failed: ${(err as Error).message}` });
    }
  }
  const mark = { ok: 'ok  ', warn: 'warn', fail: 'FAIL' } as const;
  for (const c of checks) {
    ctx.io.out(`[${mark[c.status]}] ${c.what}\n`);
    if (c.fix && c.status !== 'ok') ctx.io.out(`       fix: ${c.fix}\n`);
  }
  const failed = checks.filter((c) => c.status === 'fail').length;
  ctx.io.out(failed ? `${failed} problem(s) found\n` : 'no problems found\n');
  return failed ? 1 : 0;
}
