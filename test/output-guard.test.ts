// The guard of every test file (test/support/output-guard.ts) fails a test that prints a stack
// trace or an ERROR line it did not capture, and lets through what a test captured and plain
// output: a fixture of each case is run by vitest with the guard, as the suite runs.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { looksLikeFailure } from './support/output-guard.js';
import { root } from './support/cli.js';

let tmp: string | undefined;
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

it('tells a stack trace and an ERROR or FATAL line from other output', () => {
  expect(looksLikeFailure('    at Job.run (/app/src/dstream/for-each.ts:46:7)\n')).toBe(true);
  expect(looksLikeFailure('    at file:///app/app.ts:3:9\n')).toBe(true);
  expect(looksLikeFailure('26/12/07 10:05:46 ERROR JobScheduler: Error running job\n')).toBe(true);
  expect(looksLikeFailure('26/12/07 10:05:46 FATAL Receiver: gone\n')).toBe(true);
  expect(looksLikeFailure('26/12/07 10:05:46 WARN StreamingContext: not started yet\n')).toBe(
    false,
  );
  expect(looksLikeFailure('Time: 1000 ms\n(at,1)\n')).toBe(false);
  expect(looksLikeFailure('kafka for the tests: 127.0.0.1:9092 ready in 6 s\n')).toBe(false);
});

it('fails the tests that print an uncaptured failure, and only those', async () => {
  tmp = await mkdtemp(join(root, '.tmp', 'output-guard-'));
  const report = join(tmp, 'report.json');
  const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
  const config = join(root, 'test', 'fixtures', 'output-guard', 'vitest.config.ts');
  const run = await promisify(execFile)(
    process.execPath,
    [vitest, 'run', '--config', config, '--reporter=json', `--outputFile=${report}`],
    { cwd: root, env: { ...process.env, CI: 'true', DSTREAM_LOG_LEVEL: 'INFO' } },
  ).then(
    () => 0,
    (e: { code?: number }) => e.code ?? -1,
  );
  expect(run).toBe(1);
  const results = JSON.parse(await readFile(report, 'utf8')) as {
    testResults: {
      assertionResults: { title: string; status: string; failureMessages: string[] }[];
    }[];
  };
  const tests = results.testResults.flatMap((file) => file.assertionResults);
  expect(Object.fromEntries(tests.map((t) => [t.title, t.status]))).toEqual({
    'an ERROR line logged and not captured': 'failed',
    'a stack trace printed with console.error': 'failed',
    'a warning with a stack trace written to stderr': 'failed',
    'an ERROR line captured and checked': 'passed',
    'a warning without a stack trace, and plain output': 'passed',
  });
  const failure = tests.find((t) => t.title === 'an ERROR line logged and not captured')!;
  expect(failure.failureMessages.join('\n')).toContain(
    'printed a stack trace or an ERROR line it did not capture',
  );
});
