// dstream/sinks/elasticsearch against real OpenSearch 2.19 and Elasticsearch 8.19 nodes (started
// once per run by test/opensearch-setup.ts): documents read back exactly; a batch run again
// changes nothing; an older batch does not overwrite a newer one; a document the mapping rejects
// fails the batch naming its id and field, not retried; an unreachable server fails the batch
// after the configured attempts, and nothing is lost once it is back. Documents a bulk answer
// refuses for now (429, 5xx) are sent again alone (a stand-in server).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DStreamError, SparkContext, Time } from 'dstream';
import { DocumentRejectedError, ElasticsearchSink, dailyIndex } from 'dstream/sinks/elasticsearch';
import { freePort } from '../src/cli/services/ports.js';
import {
  count,
  documents,
  dropIndices,
  newIndex,
  servers,
  urlOf,
} from './support/search-servers.js';

interface Order {
  orderId: string;
  provinceId: number;
  price: number;
}

const FAST = { attempts: 2, initialBackoffMs: 10 };

/** `n` orders whose price says which batch wrote them (`batch` cents added). */
const orders = (n: number, batch = 0): Order[] =>
  Array.from({ length: n }, (_, i) => ({
    orderId: `o${i}`,
    provinceId: 1 + (i % 34),
    price: 100 + i + batch,
  }));

describe.each(servers)('ElasticsearchSink on $title', (server) => {
  let sc: SparkContext;
  let url: string;
  const made: string[] = [];
  const index = (prefix: string) => {
    const name = newIndex(prefix);
    made.push(name);
    return name;
  };
  const sink = (options: { docsPerRequest?: number; url?: string } = {}) =>
    ElasticsearchSink.create({ url, retries: FAST, docsPerRequest: 400, ...options });
  const byId = { id: (o: Order) => o.orderId };

  beforeAll(() => {
    url = urlOf(server);
    sc = new SparkContext({ master: 'local[2]', appName: 'sinks-elasticsearch' });
  });
  afterAll(async () => {
    await sc?.stop();
    if (url) await dropIndices(url, made);
  });

  it.skipIf(server.skip)(
    'indexes every record by its id at the batch time, read back exactly, in bulk requests',
    async () => {
      const name = index('orders');
      const written = orders(2500);
      const result = await sink().indexWithCounts(name, sc.parallelize(written, 3), {
        ...byId,
        positions: new Time(1_000),
        refresh: true,
      });
      expect(result).toEqual({ index: name, written: 2500, skipped: 0 });
      expect(await count(url, name)).toBe(2500);
      const docs = await documents<Order>(url, name);
      expect(docs.size).toBe(2500);
      for (const o of written) {
        expect(docs.get(o.orderId)?._source).toEqual(o);
        expect(docs.get(o.orderId)?._version).toBe(1_000);
      }
    },
  );

  it.skipIf(server.skip)('a batch that runs again changes nothing', async () => {
    const name = index('again');
    const s = sink();
    const batch = () => sc.parallelize(orders(900), 3);
    await s.index(name, batch(), { ...byId, positions: new Time(2_000) });
    const again = await s.indexWithCounts(name, batch(), { ...byId, positions: new Time(2_000) });
    // Written again, at the same version: the documents are what they were.
    expect(again).toEqual({ index: name, written: 900, skipped: 0 });
    expect(await count(url, name)).toBe(900);
    const docs = await documents<Order>(url, name);
    expect([...docs.values()].every((d) => d._version === 2_000)).toBe(true);
    expect(docs.get('o7')?._source).toEqual(orders(900)[7]);
  });

  it.skipIf(server.skip)(
    'an older batch arriving after a newer one does not overwrite it',
    async () => {
      const name = index('older');
      const s = sink();
      await s.indexWithCounts(name, sc.parallelize(orders(500, 3), 2), {
        ...byId,
        positions: new Time(3_000),
      });
      const late = await s.indexWithCounts(name, sc.parallelize(orders(600, 2), 2), {
        ...byId,
        positions: new Time(2_000),
      });
      // Its 500 conflicts are an already applied write, not an error; its 100 new ids are written.
      expect(late).toEqual({ index: name, written: 100, skipped: 500 });
      const docs = await documents<Order>(url, name);
      expect(docs.get('o10')).toMatchObject({ _version: 3_000, _source: orders(500, 3)[10] });
      expect(docs.get('o550')).toMatchObject({ _version: 2_000, _source: orders(600, 2)[550] });
    },
  );

  it.skipIf(server.skip)(
    'a document the mapping rejects fails the batch with its id and field, not retried',
    async () => {
      const name = index('strict');
      const s = ElasticsearchSink.create({ url, retries: { attempts: 3, initialBackoffMs: 10 } });
      expect(
        await s.ensureIndex(name, {
          mappings: {
            dynamic: 'strict',
            properties: {
              orderId: { type: 'keyword' },
              provinceId: { type: 'integer' },
              price: { type: 'long' },
            },
          },
        }),
      ).toBe(true);
      expect(await s.ensureIndex(name)).toBe(false);
      const rows: unknown[] = [...orders(5), { orderId: 'bad', provinceId: 1, price: 'abc' }];
      const error = await s
        .indexWithCounts(name, sc.parallelize(rows as Order[], 1), {
          ...byId,
          positions: new Time(4_000),
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DStreamError);
      expect((error as DStreamError).code).toBe('DSTREAM_ERR_SINK_WRITE');
      expect((error as Error).message).toMatch(
        new RegExp(
          `attempt 1 of 3, not retried\\): index ${name} rejected the document with id 'bad' at field 'price'`,
        ),
      );
      const cause = (error as Error).cause as DocumentRejectedError;
      expect(cause).toBeInstanceOf(DocumentRejectedError);
      expect([cause.index, cause.id, cause.field]).toEqual([name, 'bad', 'price']);
      // An unknown field under a strict mapping names that field.
      const extra = await s
        .indexWithCounts(
          name,
          sc.parallelize([{ orderId: 'x', provinceId: 1, price: 1, note: 'n' }], 1),
          {
            id: (o) => o.orderId,
            positions: new Time(4_000),
          },
        )
        .catch((e: unknown) => e);
      expect(((extra as Error).cause as DocumentRejectedError).field).toBe('note');
    },
  );

  it.skipIf(server.skip)(
    'an unreachable server fails the batch after the configured attempts; nothing is lost once it is back',
    async () => {
      const name = index('outage');
      const down = `http://127.0.0.1:${await freePort()}`;
      const batch = () => sc.parallelize(orders(700), 3);
      const error = await sink({ url: down })
        .indexWithCounts(name, batch(), { ...byId, positions: new Time(5_000) })
        .catch((e: unknown) => e);
      expect((error as DStreamError).code).toBe('DSTREAM_ERR_SINK_WRITE');
      expect((error as Error).message).toMatch(
        new RegExp(
          `Elasticsearch at ${down} sink '${name}' could not write the batch \\(attempt 2 of 2\\): POST ${down}/${name}/_bulk got no answer: ECONNREFUSED`,
        ),
      );
      // The batch runs again against the server once it is back: every document is there.
      await sink().indexWithCounts(name, batch(), { ...byId, positions: new Time(5_000) });
      expect(await count(url, name)).toBe(700);
    },
  );

  it.skipIf(server.skip)('writes to a daily index named after the batch time', async () => {
    const prefix = index('daily');
    const time = new Time(Date.UTC(2026, 11, 7, 10));
    const result = await sink().indexWithCounts(dailyIndex(prefix), sc.parallelize(orders(3), 1), {
      ...byId,
      positions: time,
    });
    made.push(`${prefix}-2026.12.07`);
    expect(result.index).toBe(`${prefix}-2026.12.07`);
    expect(await count(url, result.index)).toBe(3);
  });
});

// A server too busy for some documents of a bulk request (429, 5xx) cannot be made to answer so on
// demand: a stand-in answers the first request as Elasticsearch does, per document.
describe('ElasticsearchSink when a bulk answer refuses some documents for now', () => {
  it('sends again only the documents answered 429 or 5xx, and counts a 409 as skipped', async () => {
    const bodies: string[] = [];
    const statuses = [
      [201, 429, 503, 409],
      [201, 201],
    ];
    const stand = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8').on('data', (d: string) => (body += d));
      req.on('end', () => {
        bodies.push(body);
        const items = (statuses[bodies.length - 1] ?? []).map((status) => ({ index: { status } }));
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ errors: items.some((i) => i.index.status >= 300), items }));
      });
    });
    await new Promise<void>((done) => stand.listen(0, '127.0.0.1', done));
    const sc = new SparkContext({ master: 'local[1]', appName: 'sinks-elasticsearch-busy' });
    try {
      const { port } = stand.address() as AddressInfo;
      const sink = ElasticsearchSink.create({ url: `http://127.0.0.1:${port}`, retries: FAST });
      const docs = ['a', 'b', 'c', 'd'].map((id) => ({ id }));
      const result = await sink.indexWithCounts('busy', sc.parallelize(docs, 1), {
        id: (d) => d.id,
        positions: new Time(7_000),
      });
      expect(result).toEqual({ index: 'busy', written: 3, skipped: 1 });
      expect(bodies).toHaveLength(2);
      const action = (id: string) =>
        `{"index":{"_id":"${id}","version":7000,"version_type":"external_gte"}}\n{"id":"${id}"}\n`;
      expect(bodies[1]).toBe(action('b') + action('c'));
    } finally {
      await sc.stop();
      await new Promise((done) => stand.close(done));
    }
  });
});
