/**
 * `npm run bench -- sinks [--rows 200000] [--only postgres,mysql,redis,hbase,elasticsearch]`:
 * rows per second into each store through its dstream sink, beside the store's client on its own
 * best bulk path with the same rows (each store's file in bench/sinks/ says which path and how it
 * measures). The target is a sink at 80 % or more of its client. PostgreSQL, MySQL and Redis are
 * the machine's own; HBase and OpenSearch are started here from their Maven jars (the code of
 * `dstream hbase start` and `dstream opensearch start`) and stopped at the end.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BENCH_WORK, ensureBuilt, machine, reportHeader } from './lib/machine.ts';

type HBaseServer = typeof import('../src/cli/hbase/server.js');
type SearchNode = typeof import('../src/cli/opensearch/node.js');

interface Measure {
  readonly store: string;
  readonly sinkRowsPerSec: number;
  readonly clientRowsPerSec: number;
  readonly detail: string;
}

const dist = (path: string) => new URL(`../dist/${path}`, import.meta.url).href;

/** A server of the benchmark's own, in a run directory under bench/.work. */
async function withServer<T>(
  name: string,
  start: (runDir: string) => Promise<{ url: string; stop: () => Promise<unknown> }>,
  use: (url: string) => Promise<T>,
): Promise<T> {
  const runDir = join(BENCH_WORK, name, `run-${process.pid}`);
  rmSync(runDir, { recursive: true, force: true });
  mkdirSync(runDir, { recursive: true });
  process.stderr.write(`[${name}] starting…\n`);
  const server = await start(runDir);
  try {
    return await use(server.url);
  } finally {
    await server.stop();
    rmSync(runDir, { recursive: true, force: true });
  }
}

const STORES: Record<string, (rows: number) => Promise<Measure>> = {
  postgres: async (rows) => (await import('./sinks/postgres.ts')).measure({ rows }),
  mysql: async (rows) => (await import('./sinks/mysql.ts')).measure({ rows }),
  redis: async (rows) => (await import('./sinks/redis.ts')).measure({ rows }),
  hbase: (rows) =>
    withServer(
      'hbase',
      async (runDir) => {
        const { startHBase, stopHBase } = (await import(
          dist('cli/hbase/server.js')
        )) as HBaseServer;
        const { freePort } = (await import(dist('cli/opensearch/node.js'))) as SearchNode;
        const s = await startHBase({
          runDir,
          rest: await freePort(),
          zookeeper: await freePort(),
          master: await freePort(),
          regionServer: await freePort(),
        });
        return { url: s.rest!, stop: () => stopHBase(runDir) };
      },
      async (rest) => (await import('./sinks/hbase.ts')).measure({ rows, rest }),
    ),
  elasticsearch: (rows) =>
    withServer(
      'opensearch',
      async (runDir) => {
        const { startOpenSearch, stopOpenSearch, freePort } = (await import(
          dist('cli/opensearch/node.js')
        )) as SearchNode;
        const s = await startOpenSearch({
          runDir,
          port: await freePort(),
          transportPort: await freePort(),
          heap: '1g',
        });
        return { url: s.url!, stop: () => stopOpenSearch(runDir) };
      },
      async (url) => (await import('./sinks/elasticsearch.ts')).measure({ rows, url }),
    ),
};

export async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      rows: { type: 'string', default: '200000' },
      only: { type: 'string', default: Object.keys(STORES).join(',') },
    },
  });
  const rows = Number(values.rows);
  const names = values.only.split(',');
  for (const n of names) if (!STORES[n]) throw new Error(`no store ${n}: ${Object.keys(STORES)}`);
  ensureBuilt();
  const start = machine();
  const results: (Measure | { store: string; failed: string })[] = [];
  for (const name of names) {
    process.stderr.write(`[${name}] ${rows} rows…\n`);
    try {
      results.push(await STORES[name]!(rows));
    } catch (e) {
      results.push({ store: name, failed: (e as Error).message.split('\n')[0]! });
    }
  }
  const out = process.stdout;
  out.write(`\n${reportHeader(start, machine(), `${rows} rows per store, best of 3`)}\n\n`);
  out.write(
    '| store | sink rows/s | client rows/s | sink / client | how |\n|---|---:|---:|---:|---|\n',
  );
  for (const r of results) {
    if ('failed' in r) {
      out.write(`| ${r.store} | — | — | — | failed: ${r.failed} |\n`);
      continue;
    }
    const ratio = (100 * r.sinkRowsPerSec) / r.clientRowsPerSec;
    out.write(
      `| ${r.store} | ${Math.round(r.sinkRowsPerSec).toLocaleString('en')} | ` +
        `${Math.round(r.clientRowsPerSec).toLocaleString('en')} | ${ratio.toFixed(0)} % | ${r.detail} |\n`,
    );
  }
}
