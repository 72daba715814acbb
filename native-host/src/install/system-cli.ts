// `install --system`, `uninstall --system`, `doctor --system`: system-wide manifests for administrators.
import { homedir } from 'node:os';
import type { CliContext } from '../cli.js';
import type { Check } from './install.js';
import { BROWSERS, type BrowserName, checkPlatform, parseBrowser } from './manifests.js';
import {
  applySystemInstall,
  applySystemUninstall,
  doctorSystem,
  planSystemInstall,
  planSystemUninstall,
} from './system.js';

export interface SystemOptions {
  browsers?: string[];
  dryRun: boolean;
  /** Write under this directory instead of / (building an image or a package). */
  root?: string;
}

function browsersFrom(values: string[] | undefined): BrowserName[] {
  if (!values?.length) return [...BROWSERS];
  return values
    .flatMap((v) => v.split(','))
    .filter(Boolean)
    .map(parseBrowser);
}

export function printChecks(ctx: CliContext, checks: Check[]): number {
  const mark = { ok: 'ok  ', warn: 'warn', fail: 'FAIL' } as const;
  for (const c of checks) {
    ctx.io.out(`[${mark[c.status]}] ${c.what}\n`);
    if (c.fix && c.status !== 'ok') ctx.io.out(`       fix: ${c.fix}\n`);
  }
  const failed = checks.filter((c) => c.status === 'fail').length;
  ctx.io.out(failed ? `${failed} problem(s) found\n` : 'no problems found\n');
  return failed ? 1 : 0;
}

export function runSystemCommand(command: string, ctx: CliContext, o: SystemOptions): number {
  const platform = checkPlatform(ctx.platform ?? process.platform);
  const root = o.root ?? '/';
  switch (command) {
    case 'install': {
      const plans = planSystemInstall({
        browsers: browsersFrom(o.browsers),
        platform,
        hostPath: ctx.hostPath,
        root,
      });
      if (o.dryRun) {
        for (const p of plans) ctx.io.out(`would write ${p.file}:\n${p.content}\n`);
        return 0;
      }
      applySystemInstall(plans, ctx.hostPath, root);
      for (const p of plans) ctx.io.out(`wrote ${p.file}\n`);
      ctx.io.out(`host: ${ctx.hostPath}\n`);
      return 0;
    }
    case 'uninstall': {
      const plans = planSystemUninstall(browsersFrom(o.browsers), platform, root);
      const present = plans.filter((p) => p.exists).map((p) => p.file);
      const removed = o.dryRun ? present : applySystemUninstall(present);
      for (const p of plans) {
        if (!p.exists) ctx.io.out(`${p.browser}: nothing at ${p.file}\n`);
        else if (removed.includes(p.file)) ctx.io.out(`${o.dryRun ? 'would remove' : 'removed'} ${p.file}\n`);
        else ctx.io.out(`${p.browser}: ${p.file} is not ours, left alone\n`);
      }
      return 0;
    }
    case 'doctor':
      return printChecks(ctx, doctorSystem({ platform, root, home: ctx.home ?? homedir() }));
    default:
      ctx.io.err(`--system applies to install, uninstall and doctor, not "${command}"\n`);
      return 2;
  }
}
