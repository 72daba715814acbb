// A vitest reporter that counts honestly for `npm test`'s summary line:
// - a test that did not run because a hook of its suite (beforeAll, …) failed counts as failed, not
//   skipped, and is listed by name;
// - a test file that failed before any test ran (import or collection error) counts as one failure;
// - only tests declared skipped (`skip`, `skipIf`, `todo`) or skipped by the test itself count as skipped.
// It writes the counts as JSON to `outputFile` (or $TEST_SUMMARY_FILE) for scripts/test.mjs to read.
import { writeFileSync } from 'node:fs';

/** @param {import('vitest/node').TestCase} test */
function ancestorFailed(test) {
  for (let p = test.parent; p; p = p.type === 'module' ? undefined : p.parent) {
    if (p.state() === 'failed') return true;
  }
  return false;
}

export default class SummaryReporter {
  /** @param {{ outputFile?: string }} [options] */
  constructor(options = {}) {
    this.outputFile = options.outputFile ?? process.env.TEST_SUMMARY_FILE ?? 'test-results/summary.json';
  }

  /** @param {ReadonlyArray<import('vitest/node').TestModule>} modules */
  onTestRunEnd(modules, unhandledErrors) {
    const counts = { passed: 0, failed: 0, skipped: 0, notRun: [], brokenFiles: [] };
    for (const mod of modules) {
      let tests = 0;
      for (const test of mod.children.allTests()) {
        tests++;
        const state = test.result().state;
        if (state === 'passed') counts.passed++;
        else if (state === 'failed') counts.failed++;
        else if (test.options.mode === 'skip' || test.options.mode === 'todo') counts.skipped++;
        else if (ancestorFailed(test) || mod.state() === 'failed') {
          counts.failed++;
          counts.notRun.push(test.fullName);
        } else counts.skipped++;
      }
      if (tests === 0 && mod.state() === 'failed') {
        counts.failed++;
        counts.brokenFiles.push(mod.moduleId);
      }
    }
    if (unhandledErrors.length > 0) counts.failed += unhandledErrors.length;
    writeFileSync(this.outputFile, JSON.stringify(counts, null, 2));
  }
}
