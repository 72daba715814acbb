// `npm run bench`: runs every bench/*.bench.ts in turn (each prints its own figures and ratios against a
// reference measured in the same run), one process each so they do not disturb one another.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const benches = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
let failed = 0;
for (const file of benches) {
  console.log(`\n=== ${file} ===`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, file)], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.log(`${file} failed (exit ${r.status})`);
  }
}
console.log(`\n${benches.length - failed} of ${benches.length} benches ran`);
process.exit(failed ? 1 : 0);
