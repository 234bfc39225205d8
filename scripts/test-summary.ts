// Prints vitest's JSON report as the plain closing line CI reads: "N passed, N failed".
// The failed figure must never be 0 when the run failed, so it counts, besides failed tests:
// - a test file that failed with no failed test in it (a failing beforeAll marks its tests
//   skipped; an import or syntax error leaves it no tests at all);
// - a failure the report does not record: vitest's JSON report leaves out unhandled errors (it
//   says `success: true`), so a non-zero exit of vitest (--exit-code) with no failure counted
//   counts as one;
// - a missing, unreadable or stale report (older than --since): its figures are not this run's.
//
// Usage: node scripts/test-summary.ts REPORT [--since EPOCH_MS] [--exit-code VITEST_STATUS]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface FileResult {
  status: string;
  message: string;
  assertionResults: { status: string }[];
}

interface Report {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numFailedTestSuites: number;
  startTime: number;
  success: boolean;
  testResults: FileResult[];
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { since: { type: 'string' }, 'exit-code': { type: 'string' } },
});
const path = positionals[0] ?? '.tmp/test-results.json';
const since = values.since === undefined ? undefined : Number(values.since);
const exitCode = values['exit-code'] === undefined ? 0 : Number(values['exit-code']);

/** Fails CI with a reason, as one failure: there are no figures of this run to print. */
function fail(reason: string): never {
  console.error(`test-summary: ${reason}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}

let report: Report;
try {
  report = JSON.parse(readFileSync(path, 'utf8')) as Report;
} catch (e) {
  fail(`no test report at ${path} (${(e as Error).message}): the test run died before writing it`);
}
if (typeof report.startTime !== 'number' || !Array.isArray(report.testResults)) {
  fail(`${path} is not a vitest JSON report`);
}
if (since !== undefined && !(report.startTime >= since)) {
  fail(`${path} is stale: written by a run that started before this one`);
}

const failedFiles = report.testResults.filter(
  (file) =>
    file.status === 'failed' && !file.assertionResults.some((test) => test.status === 'failed'),
);
for (const file of failedFiles) console.error(`test-summary: failed file: ${file.message}`);
let failed = report.numFailedTests + failedFiles.length;
if (failed === 0 && (!report.success || report.numFailedTestSuites > 0 || exitCode !== 0)) {
  console.error(
    `test-summary: vitest exited ${exitCode} with no failed test in ${path}: an unhandled error?`,
  );
  failed = 1;
}

// Skipped tests go to stderr: the last line of stdout is exactly `N passed, N failed`.
const skipped = report.numPendingTests + report.numTodoTests;
if (skipped > 0) console.error(`test-summary: ${skipped} skipped`);
console.log(`${report.numPassedTests} passed, ${failed} failed`);
process.exit(failed > 0 || exitCode !== 0 ? 1 : 0);
