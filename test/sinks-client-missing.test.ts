// A sink whose client library is not installed (an optional peer dependency) fails its first use
// with DSTREAM_ERR_SINK_CLIENT_MISSING and the npm command that installs it; `dstream` and the
// sink's subpath still load. The package is hidden from Node's resolver in a child process
// (test/fixtures/without-packages.ts), as on a machine where it was never installed.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectBuilt, root } from './support/cli.js';

const preload = join(root, 'test', 'fixtures', 'without-packages.ts');

/** Runs `code` as an ES module in the repository, with `hidden` unresolvable; its stdout. */
async function runWithout(hidden: string, code: string): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', preload, '--input-type=module', '--eval', code],
    { cwd: root, env: { ...process.env, DSTREAM_TEST_HIDDEN_PACKAGES: hidden } },
  );
  return stdout;
}

describe.each([
  {
    subpath: 'dstream/sinks/postgres',
    client: 'pg',
    hidden: 'pg',
    use: `const { PostgresSink } = await import('dstream/sinks/postgres');
await PostgresSink.create({ url: 'postgres://postgres@127.0.0.1:5432/test', id: 'x' }).storedOffsets(['t']);`,
  },
  {
    subpath: 'dstream/sinks/redis',
    client: 'ioredis',
    hidden: 'ioredis',
    use: `const { RedisSink } = await import('dstream/sinks/redis');
await RedisSink.create({ url: 'redis://127.0.0.1:6379', id: 'x' }).storedOffsets(['t']);`,
  },
  {
    subpath: 'dstream/sinks/mysql',
    client: 'mysql2',
    // The sink imports mysql2's promise API, a subpath of its own.
    hidden: 'mysql2,mysql2/promise',
    use: `const { MySqlSink } = await import('dstream/sinks/mysql');
await MySqlSink.create({ url: 'mysql://root@127.0.0.1:3306/test', id: 'x' }).storedOffsets(['t']);`,
  },
])('$subpath without $client', ({ client, hidden, use }) => {
  beforeAll(() => expectBuilt());

  it(`fails its first use with DSTREAM_ERR_SINK_CLIENT_MISSING: npm install ${client}`, async () => {
    const out = await runWithout(
      hidden,
      `try { ${use} console.log('no error'); }
       catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); }`,
    );
    const result = JSON.parse(out) as { code: string; message: string };
    expect(result.code).toBe('DSTREAM_ERR_SINK_CLIENT_MISSING');
    expect(result.message).toContain(`npm install ${client}`);
  });

  it('leaves everything else loadable', async () => {
    const out = await runWithout(
      hidden,
      `const { StreamingContext } = await import('dstream'); console.log(typeof StreamingContext);`,
    );
    expect(out.trim()).toBe('function');
  });
});
