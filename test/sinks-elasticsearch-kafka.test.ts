// The Elasticsearch sink in an application reading order lines from Kafka, killed (SIGKILL) in the
// middle of a batch and run again from its checkpoint: right after the bulk write resolved (the
// store committed, the checkpoint has not recorded the batch) and right before it. Either way the
// index ends with exactly one document per order produced, with the order's values, on both
// servers. Then examples/orders-to-elasticsearch.ts, run as a user runs it.
import { afterEach, describe, expect, it } from 'vitest';
import { OrderGenerator } from '../src/cli/orders.js';
import { AppProcess, removeTempDirs, root, tempDir } from './support/app-process.js';
import { bootstrap, skipKafka } from './support/kafka-broker.js';
import { newTopic, produce } from './support/kafka-topics.js';
import { expectBuilt, startCli } from './support/cli.js';
import {
  count,
  documents,
  rest,
  dropIndices,
  newIndex,
  servers,
  urlOf,
} from './support/search-servers.js';

const APP = `${root}/test/fixtures/orders-to-search-app.ts`;
const PARTITIONS = 3;

/** Produces `n` order lines (some malformed) to each partition; the orders by id, as indexed. */
async function produceOrders(topic: string, n: number, seed: number) {
  const generator = new OrderGenerator({ seed, malformedRate: 0.02 });
  const expected = new Map<string, { orderId: string; provinceId: number; cents: number }>();
  for (let p = 0; p < PARTITIONS; p++) {
    const lines = Array.from({ length: n }, () => generator.next());
    await produce(topic, p, lines);
    for (const line of lines) {
      const m = /^(\d+),(\d+),(\d+(?:\.\d{1,2})?)$/.exec(line);
      if (m) {
        expected.set(m[1]!, {
          orderId: m[1]!,
          provinceId: Number(m[2]),
          cents: Math.round(Number(m[3]) * 100),
        });
      }
    }
  }
  return expected;
}

/** Resolves once the app has run a batch with no records: every order produced is in. */
const caughtUp = (app: AppProcess) =>
  app.until('a batch with no records left', () =>
    app.series('BATCH').some((b) => b.totals.records === 0),
  );

afterEach(removeTempDirs);

describe.each(servers)('orders from Kafka into $title, killed mid-batch', (server) => {
  const skip = server.skip || skipKafka;

  it.skipIf(skip).each(['after', 'before'])(
    'SIGKILL %s the bulk write of the second batch: exactly one document per order after restart',
    async (when) => {
      const url = urlOf(server);
      const topic = await newTopic('orders-search', PARTITIONS);
      const index = newIndex('orders');
      const checkpoint = tempDir('dstream-search-kill-');
      // 250 lines a partition at 100 a batch: three batches with records.
      const expected = await produceOrders(topic, 250, when === 'after' ? 7 : 8);
      const args = [bootstrap(), topic, url, index, checkpoint];
      try {
        const first = new AppProcess(APP, args, { env: { KILL: `${when}:2` } });
        expect(await first.exited).toBe('SIGKILL');
        const done = first.series('BATCH').filter((b) => b.totals.records! > 0);
        expect(done).toHaveLength(1);
        // Killed after the write: the second batch's documents are in; before it: only the first's.
        const stored = await count(url, index);
        if (when === 'after') expect(stored).toBeGreaterThan(done[0]!.totals.written!);
        else expect(stored).toBe(done[0]!.totals.written);

        const second = new AppProcess(APP, args);
        try {
          await caughtUp(second);
        } finally {
          await second.kill();
        }
        const docs = await documents<{ orderId: string }>(url, index);
        expect(docs.size).toBe(expected.size);
        for (const [id, order] of expected) expect(docs.get(id)?._source).toEqual(order);
      } finally {
        await dropIndices(url, [index]);
      }
    },
  );
});

describe('examples/orders-to-elasticsearch.ts', () => {
  const server = servers[0]!; // OpenSearch: the server `dstream opensearch start` gives users
  it.skipIf(server.skip || skipKafka)(
    'stores every order of the topic once, in the index of the batch day, with its mappings',
    async () => {
      expectBuilt();
      const url = urlOf(server);
      const topic = await newTopic('orders-example', PARTITIONS);
      const expected = await produceOrders(topic, 200, 9);
      const checkpoint = tempDir('dstream-search-example-');
      const run = startCli([
        'run',
        'examples/orders-to-elasticsearch.ts',
        bootstrap(),
        topic,
        url,
        checkpoint,
      ]);
      try {
        const [, written, index] = await run.waitFor(
          'stdout',
          /: (\d+) orders indexed into (orders-\d{4}\.\d{2}\.\d{2})\n/,
        );
        expect(Number(written)).toBe(expected.size);
        const docs = await documents<{ orderId: string }>(url, index!);
        const mine = [...expected.keys()].map((id) => docs.get(id)?._source);
        expect(mine).toEqual(
          [...expected.values()].map((o) => ({
            orderId: o.orderId,
            provinceId: o.provinceId,
            orderPrice: o.cents / 100,
          })),
        );
        const { body } = await rest<Record<string, { mappings: { dynamic?: string } }>>(
          url,
          'GET',
          `/${index}/_mapping`,
        );
        expect(body[index!]?.mappings.dynamic).toBe('strict');
      } finally {
        run.child.kill('SIGTERM');
        expect(await run.exited).toBe(0);
      }
    },
  );
});
