// `dstream opensearch start|status|stop`, run as a user runs it, on its own run directory and free
// ports: start prints the URL once the cluster is ready, status says so, stop stops it, and a
// port in use is refused with what to do. The jars and the launcher come from the cache the run's
// setup filled (test/opensearch-setup.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../src/cli/services/ports.js';
import { expectBuilt, startCli } from './support/cli.js';
import { servers } from './support/search-servers.js';

async function dstream(args: string[]) {
  const cli = startCli(args);
  const code = await cli.exited;
  return { code, stdout: cli.stdout(), stderr: cli.stderr() };
}

const server = servers[0]!;

describe.skipIf(server.skip)('dstream opensearch', () => {
  let runDir: string;
  beforeAll(() => {
    expectBuilt();
    runDir = mkdtempSync(join(tmpdir(), 'dstream-opensearch-cli-'));
  });
  afterAll(async () => {
    if (runDir) {
      await dstream(['opensearch', 'stop', '--run-dir', runDir]);
      rmSync(runDir, { recursive: true, force: true });
    }
  });

  it('starts a node that answers on its URL, says it runs, and stops it', async () => {
    const port = await freePort();
    const flags = ['--run-dir', runDir];
    const started = await dstream([
      'opensearch',
      'start',
      '--port',
      String(port),
      '--transport-port',
      String(await freePort()),
      ...flags,
    ]);
    expect(started.code, started.stderr).toBe(0);
    expect(started.stdout).toBe(`http://127.0.0.1:${port}\n`);
    expect(started.stderr).toMatch(/dstream opensearch: started, pid \d+, ready in [\d.]+ s/);
    const health = (await (await fetch(`http://127.0.0.1:${port}/_cluster/health`)).json()) as {
      status: string;
    };
    expect(['yellow', 'green']).toContain(health.status);

    const status = await dstream(['opensearch', 'status', ...flags]);
    expect(status).toMatchObject({ code: 0 });
    expect(status.stdout).toMatch(new RegExp(`^running, pid \\d+, http://127.0.0.1:${port}\\n$`));

    const stopped = await dstream(['opensearch', 'stop', ...flags]);
    expect(stopped.stderr).toMatch(/dstream opensearch: stopped, pid \d+/);
    expect(await dstream(['opensearch', 'status', ...flags])).toMatchObject({
      code: 1,
      stdout: `not running (${runDir})\n`,
    });
  }, 180_000);

  it('refuses a port in use, saying how to start it on another', async () => {
    const taken = createServer();
    const port = await freePort();
    await new Promise<void>((done) => taken.listen(port, '127.0.0.1', done));
    try {
      const r = await dstream(['opensearch', 'start', '--port', String(port), '--run-dir', runDir]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        `dstream: DSTREAM_ERR_SEARCH_SERVER_START: 127.0.0.1:${port} is already in use by another process: stop it, or start OpenSearch on other ports (dstream opensearch start --port <port> --transport-port <port>).`,
      );
    } finally {
      await new Promise((done) => taken.close(done));
    }
  });
});
