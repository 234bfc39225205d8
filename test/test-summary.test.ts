// scripts/test-summary.ts prints CI's closing line. It is checked here on reports written by real
// vitest runs of the fixtures in test/fixtures/summary, since what vitest puts in a report when a
// beforeAll fails or an import fails is the very thing the script must get right.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const root = join(import.meta.dirname, '..');
const summaryScript = join(root, 'scripts', 'test-summary.ts');
const vitestBin = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const fixtureConfig = join(root, 'test', 'fixtures', 'summary', 'vitest.config.ts');
const run = promisify(execFile);

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node args...` in the repository root; resolves with its exit code and output. */
async function node(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Outcome> {
  try {
    const { stdout, stderr } = await run(process.execPath, args, { cwd: root, env });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const failure = e as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

// This test runs inside vitest: the child vitest must not take itself for one of its workers.
const childEnv = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !name.startsWith('VITEST')),
);

let dir: string;

/** Runs the fixtures whose names contain `filters` with vitest; the report's path and exit code. */
async function vitestRun(
  name: string,
  filters: string[],
): Promise<{ report: string; code: number }> {
  const report = join(dir, `${name}.json`);
  const args = [vitestBin, 'run', '--config', fixtureConfig, '--reporter=json'];
  const { code } = await node([...args, `--outputFile.json=${report}`, ...filters], childEnv);
  return { report, code };
}

/** The summary's last line and exit code for a report. */
async function summary(
  report: string,
  ...options: string[]
): Promise<{ line: string; code: number }> {
  const { code, stdout } = await node([summaryScript, report, ...options]);
  return { line: stdout.trimEnd().split('\n').at(-1)!, code };
}

const runs: Record<string, { report: string; code: number }> = {};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'test-summary-'));
  const scenarios: Record<string, string[]> = {
    pass: ['pass'],
    beforeAll: ['pass', 'before-all'],
    importError: ['pass', 'import-error'],
    unhandled: ['pass', 'unhandled'],
  };
  await Promise.all(
    Object.entries(scenarios).map(async ([name, filters]) => {
      runs[name] = await vitestRun(name, filters);
    }),
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('test-summary', () => {
  test('all passed', async () => {
    expect(runs.pass!.code).toBe(0);
    const { report, code } = runs.pass!;
    expect(await summary(report, '--exit-code', String(code))).toEqual({
      line: '1 passed, 0 failed',
      code: 0,
    });
  });

  test('a failing beforeAll counts its file as failed, though vitest skips its tests', async () => {
    const { report, code } = runs.beforeAll!;
    expect(code).not.toBe(0);
    expect(await summary(report, '--exit-code', String(code))).toEqual({
      line: '1 passed, 1 failed',
      code: 1,
    });
  });

  test('an import error counts its file as failed, though it has no tests', async () => {
    const { report, code } = runs.importError!;
    expect(code).not.toBe(0);
    expect(await summary(report, '--exit-code', String(code))).toEqual({
      line: '1 passed, 1 failed',
      code: 1,
    });
  });

  test('an unhandled error, which the report leaves out, counts through the exit code', async () => {
    const { report, code } = runs.unhandled!;
    expect(code).not.toBe(0);
    // What makes --exit-code necessary: the report itself claims success.
    expect(JSON.parse(readFileSync(report, 'utf8'))).toMatchObject({ success: true });
    expect(await summary(report, '--exit-code', String(code))).toEqual({
      line: '2 passed, 1 failed',
      code: 1,
    });
  });

  test('a missing report is a failure', async () => {
    expect(await summary(join(dir, 'missing.json'))).toEqual({
      line: '0 passed, 1 failed',
      code: 1,
    });
  });

  test('a report older than the run is a failure, not the previous figures', async () => {
    const { report } = runs.pass!;
    const { startTime } = JSON.parse(readFileSync(report, 'utf8')) as { startTime: number };
    expect(await summary(report, '--since', String(startTime + 1))).toEqual({
      line: '0 passed, 1 failed',
      code: 1,
    });
    expect(await summary(report, '--since', String(startTime))).toEqual({
      line: '1 passed, 0 failed',
      code: 0,
    });
  });
});
