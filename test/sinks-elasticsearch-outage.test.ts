// A search server stopped between two batches and started again: the batch written while it is
// down fails with an error naming the server and the cause after the configured attempts, and the
// same batch written again once it is back loses nothing. Its own OpenSearch node (stopping the
// run's shared one would fail the tests running beside this one).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DStreamError, SparkContext, Time } from 'dstream';
import { ElasticsearchSink } from 'dstream/sinks/elasticsearch';
import { freePort, startOpenSearch, stopOpenSearch } from '../src/cli/opensearch/node.js';
import { documents, servers } from './support/search-servers.js';

const server = servers[0]!;

describe.skipIf(server.skip)(`ElasticsearchSink when ${server.title} stops mid-stream`, () => {
  let sc: SparkContext;
  let runDir: string;
  let ports: { port: number; transportPort: number };
  const start = () => startOpenSearch({ runDir, ...ports });

  beforeAll(async () => {
    runDir = mkdtempSync(join(tmpdir(), 'dstream-opensearch-outage-'));
    ports = { port: await freePort(), transportPort: await freePort() };
    sc = new SparkContext({ master: 'local[2]', appName: 'sinks-elasticsearch-outage' });
    await start();
  });
  afterAll(async () => {
    await sc?.stop();
    if (runDir) {
      await stopOpenSearch(runDir);
      rmSync(runDir, { recursive: true, force: true });
    }
  });

  it('fails the batch with a clear error while it is down; nothing is lost once it is back', async () => {
    const url = `http://127.0.0.1:${ports.port}`;
    const sink = ElasticsearchSink.create({ url, retries: { attempts: 3, initialBackoffMs: 50 } });
    const batch = (from: number, batchNo: number) =>
      sc.parallelize(
        Array.from({ length: 300 }, (_, i) => ({ id: `d${from + i}`, batch: batchNo })),
        3,
      );
    const write = (from: number, batchNo: number) =>
      sink.indexWithCounts('events', batch(from, batchNo), {
        id: (d) => d.id,
        positions: new Time(batchNo * 1000),
      });

    expect((await write(0, 1)).written).toBe(300);
    await stopOpenSearch(runDir);
    const error = await write(200, 2).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DStreamError);
    expect((error as DStreamError).code).toBe('DSTREAM_ERR_SINK_WRITE');
    expect((error as Error).message).toMatch(
      new RegExp(
        `^Elasticsearch at ${url} sink 'events' could not write the batch \\(attempt 3 of 3\\): POST ${url}/events/_bulk got no answer: (ECONNREFUSED|ECONNRESET)`,
      ),
    );

    // Back (its data kept): the failed batch runs again and every document is there.
    await start();
    expect((await write(200, 2)).written).toBe(300);
    const docs = await documents<{ batch: number }>(url, 'events');
    expect(docs.size).toBe(500);
    expect(docs.get('d0')?._source.batch).toBe(1);
    expect(docs.get('d250')).toMatchObject({ _version: 2000, _source: { batch: 2 } });
    // A node's start takes 6 s on an idle machine, several times that under load.
  }, 180_000);
});
