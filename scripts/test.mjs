#!/usr/bin/env node
// `npm test`: lint, type check, build, then every vitest project. Ends with one summary line
// "tests: N passed, N failed, N skipped" so CI can read the outcome in any language.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

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
const summary = 'test-results/summary.json';
rmSync(summary, { force: true });
console.log('\n== vitest ==');
const extra = process.argv.slice(2);
const r = spawnSync(
  'npx',
  ['vitest', 'run', '--reporter=default', '--reporter=./scripts/summary-reporter.mjs', ...extra],
  { stdio: 'inherit', env: { ...process.env, TEST_SUMMARY_FILE: summary } },
);
// Counts come from scripts/summary-reporter.mjs: a test that did not run because its suite's set-up
// failed counts as failed (and is named), never as skipped; a file that failed to load counts once.
let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(summary)) {
  const j = JSON.parse(readFileSync(summary, 'utf8'));
  passed = j.passed;
  failed = j.failed;
  skipped = j.skipped;
  if (j.notRun.length > 0) {
    console.log(`\nnot run because their suite's set-up failed (counted as failed):`);
    for (const name of j.notRun) console.log(`  ${name}`);
  }
  if (j.brokenFiles.length > 0) {
    console.log('\ntest files that failed before any test ran (counted once each):');
    for (const file of j.brokenFiles) console.log(`  ${file}`);
  }
}
if (r.status !== 0 && failed === 0) failed = 1;
console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(r.status ?? 1);
