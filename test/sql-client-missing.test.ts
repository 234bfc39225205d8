// dstream/sql without its SQL engine (@duckdb/node-api, an optional peer dependency): the subpath
// loads, building DataFrames works, and the first action fails with
// DSTREAM_ERR_SQL_ENGINE_MISSING and the npm command that installs it. The package is hidden from
// Node's resolver in a child process (test/fixtures/without-packages.ts), as on a machine where it
// was never installed.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectBuilt, root } from './support/cli.js';

const preload = join(root, 'test', 'fixtures', 'without-packages.ts');

/** Runs `code` as an ES module in the repository, with @duckdb/node-api unresolvable; its stdout. */
async function runWithoutDuckDB(code: string): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', preload, '--input-type=module', '--eval', code],
    { cwd: root, env: { ...process.env, DSTREAM_TEST_HIDDEN_PACKAGES: '@duckdb/node-api' } },
  );
  return stdout;
}

describe('dstream/sql without @duckdb/node-api', () => {
  beforeAll(() => expectBuilt());

  it('fails the first action with DSTREAM_ERR_SQL_ENGINE_MISSING: npm install @duckdb/node-api', async () => {
    const out = await runWithoutDuckDB(
      `const { SparkSession } = await import('dstream/sql');
       const spark = SparkSession.builder().getOrCreate();
       const df = spark.createDataFrame([{ word: 'a' }], 'word STRING');
       df.createOrReplaceTempView('words');
       try { await spark.sql('SELECT * FROM words').show(); console.log('no error'); }
       catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); }`,
    );
    const result = JSON.parse(out) as { code: string; message: string };
    expect(result.code).toBe('DSTREAM_ERR_SQL_ENGINE_MISSING');
    expect(result.message).toContain('dstream/sql needs the optional package @duckdb/node-api');
    expect(result.message).toContain('npm install @duckdb/node-api');
  });

  it('leaves dstream loadable', async () => {
    const out = await runWithoutDuckDB(
      `const { StreamingContext } = await import('dstream'); console.log(typeof StreamingContext);`,
    );
    expect(out.trim()).toBe('function');
  });
});
