#!/usr/bin/env node
// `npm test`: lint, type check, build, then every vitest project. Ends with one summary line
// "tests: N passed, N failed, N skipped" so CI can read the outcome in any language.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';

const steps = [
  ['lint', 'npm', ['run', '--silent', 'lint']],
  ['typecheck', 'npm', ['run', '--silent', 'typecheck']],
  ['build', 'npm', ['run', '--silent', 'build']],
];
for (const [name, cmd, args] of steps) {
  console.log(`\n== ${name} ==`);
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    console.log(`\n${name} failed`);
    console.log('tests: 0 passed, 1 failed');
    process.exit(r.status ?? 1);
  }
}
mkdirSync('test-results', { recursive: true });
const report = 'test-results/vitest.json';
console.log('\n== vitest ==');
const extra = process.argv.slice(2);
const r = spawnSync(
  'npx',
  ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...extra],
  { stdio: 'inherit' },
);
let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(report)) {
  const j = JSON.parse(readFileSync(report, 'utf8'));
  passed = j.numPassedTests ?? 0;
  failed = j.numFailedTests ?? 0;
  skipped = (j.numPendingTests ?? 0) + (j.numTodoTests ?? 0);
  if (j.numFailedTestSuites && !failed) failed = j.numFailedTestSuites;
}
if (r.status !== 0 && failed === 0) failed = 1;
console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(r.status ?? 1);
