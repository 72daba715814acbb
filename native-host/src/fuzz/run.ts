// `npm run fuzz [-- --runs N] [-- --only NAME] [-- --seed S]`: every host-side parser an attacker can
// reach, fed mutated inputs (10⁶ executions each by default), reporting executions, crashes and hangs.
// Not part of `npm test` (the short property tests there cover the same parsers); exits 1 on any crash
// or hang.
import { parseArgs } from 'node:util';
import { type FuzzReport, type FuzzTarget, fuzz } from './engine.js';
import { ctap2Target, ctaphidTarget, framingTarget, optionsTarget, u2fTarget } from './targets.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '1000000' },
    only: { type: 'string' },
    seed: { type: 'string', default: String(Date.now() % 1_000_000) },
  },
});
const runs = Number(values.runs);
const seed = Number(values.seed);

const targets: FuzzTarget[] = [
  framingTarget(),
  optionsTarget(),
  ctaphidTarget(),
  await ctap2Target(),
  u2fTarget(),
];
const chosen = targets.filter(
  (t) => !values.only || t.name.toLowerCase().includes(values.only.toLowerCase()),
);

console.log(`fuzzing ${chosen.length} target(s), ${runs} executions each, seed ${seed}`);
const reports: FuzzReport[] = [];
for (const target of chosen) {
  const r = fuzz(target, runs, seed);
  reports.push(r);
  console.log(
    `${r.name.padEnd(28)} executions ${r.executions}  crashes ${r.crashes}  hangs ${r.hangs}  ` +
      `refused ${r.refused}  ${(r.executions / r.seconds).toFixed(0)}/s  ${r.seconds.toFixed(1)} s`,
  );
  if (r.firstCrash) console.log(`  first crash: ${r.firstCrash.error}\n  input: ${r.firstCrash.input}`);
  if (r.firstHang) console.log(`  first hang, input: ${r.firstHang}`);
}
const bad = reports.filter((r) => r.crashes > 0 || r.hangs > 0);
console.log(bad.length ? `${bad.length} target(s) crashed or hung` : 'no crashes, no hangs');
process.exit(bad.length ? 1 : 0);
