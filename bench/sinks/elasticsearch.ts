/**
 * Rows per second through dstream/sinks/elasticsearch against the best bare bulk path on the same
 * documents: plain `fetch` of NDJSON `_bulk` requests, at the best documents per request and
 * requests in flight of a small sweep. Each run writes into a fresh index created as a bulk load
 * creates one (`refresh_interval: -1`, no replica); best of 3 runs each, taken in turns. Runs on
 * the built package (npm run build).
 *
 *   node bench/sinks/elasticsearch.ts <url> [rows=100000]
 */
import { SparkContext, Time } from 'dstream';
import { ElasticsearchSink } from 'dstream/sinks/elasticsearch';

interface Order {
  orderId: string;
  provinceId: number;
  orderPrice: number;
  status: string;
}

/** Bare `_bulk` settings tried for the client's best. */
const CLIENT_SETTINGS = [
  { docs: 1000, inFlight: 2 },
  { docs: 2000, inFlight: 2 },
  { docs: 5000, inFlight: 2 },
  { docs: 1000, inFlight: 4 },
];
const ROUNDS = 3;

function orders(rows: number): Order[] {
  return Array.from({ length: rows }, (_, i) => ({
    orderId: `2017102600${String(i).padStart(8, '0')}`,
    provinceId: 1 + (i % 34),
    orderPrice: (50 + ((i * 7919) % 200_000)) / 100,
    status: i % 10 === 0 ? 'refunded' : 'paid',
  }));
}

async function call(url: string, method: string, path: string, body?: string): Promise<unknown> {
  const res = await fetch(new URL(path, url), {
    method,
    headers: {
      'content-type': path.includes('_bulk') ? 'application/x-ndjson' : 'application/json',
    },
    ...(body === undefined ? {} : { body }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

let indexNumber = 0;
async function freshIndex(url: string): Promise<string> {
  const name = `bench-sink-${process.pid}-${indexNumber++}`;
  await call(
    url,
    'PUT',
    `/${name}`,
    JSON.stringify({
      settings: { number_of_replicas: 0, refresh_interval: '-1' },
    }),
  );
  return name;
}

async function countOf(url: string, index: string): Promise<number> {
  await call(url, 'POST', `/${index}/_refresh`);
  return ((await call(url, 'GET', `/${index}/_count`)) as { count: number }).count;
}

/** The bare path: NDJSON built per request, `inFlight` requests at once, errors checked. */
async function bareBulk(url: string, index: string, docs: Order[], size: number, inFlight: number) {
  let next = 0;
  const worker = async () => {
    while (next < docs.length) {
      const from = next;
      next += size;
      let body = '';
      for (const d of docs.slice(from, from + size)) {
        body += `{"index":{"_id":${JSON.stringify(d.orderId)}}}\n${JSON.stringify(d)}\n`;
      }
      const answer = (await call(url, 'POST', `/${index}/_bulk?filter_path=errors`, body)) as {
        errors: boolean;
      };
      if (answer.errors) throw new Error('bulk item errors');
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
}

async function timed(url: string, rows: number, write: (index: string) => Promise<void>) {
  const index = await freshIndex(url);
  const started = performance.now();
  await write(index);
  const seconds = (performance.now() - started) / 1000;
  if ((await countOf(url, index)) !== rows) throw new Error(`${index}: not ${rows} documents`);
  await call(url, 'DELETE', `/${index}`);
  return rows / seconds;
}

export async function measure(o: { rows: number; url: string }): Promise<{
  store: string;
  sinkRowsPerSec: number;
  clientRowsPerSec: number;
  detail: string;
}> {
  const docs = orders(o.rows);
  const sc = new SparkContext({ master: 'local[1]', appName: 'bench-sink-elasticsearch' });
  const sink = ElasticsearchSink.create({ url: o.url });
  const rdd = sc.parallelize(docs, 4);
  let sinkBest = 0;
  const clientBest = new Map<string, number>();
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const rate = await timed(o.url, o.rows, async (index) => {
        await sink.index(index, rdd, { id: (d) => d.orderId, positions: new Time(1_000 + round) });
      });
      sinkBest = Math.max(sinkBest, rate);
      for (const s of CLIENT_SETTINGS) {
        const key = `${s.docs}x${s.inFlight}`;
        const r = await timed(o.url, o.rows, (index) =>
          bareBulk(o.url, index, docs, s.docs, s.inFlight),
        );
        clientBest.set(key, Math.max(clientBest.get(key) ?? 0, r));
      }
    }
  } finally {
    await sc.stop();
  }
  const [bestKey, clientRowsPerSec] = [...clientBest].sort((a, b) => b[1] - a[1])[0]!;
  const sweep = [...clientBest].map(([k, r]) => `${k} ${Math.round(r)}/s`).join(', ');
  return {
    store: 'Elasticsearch bulk (fetch)',
    sinkRowsPerSec: sinkBest,
    clientRowsPerSec,
    detail: `${o.rows} docs; sink defaults (5000 docs/request, 2 in flight, 4 partitions, versioned); bare fetch best ${bestKey} (docs x in flight); sweep: ${sweep}; best of ${ROUNDS}`,
  };
}

if (import.meta.main) {
  const [url = 'http://127.0.0.1:9200', rows = '100000'] = process.argv.slice(2);
  const r = await measure({ url, rows: Number(rows) });
  console.log(
    `${r.store}: sink ${Math.round(r.sinkRowsPerSec)} rows/s, client ${Math.round(r.clientRowsPerSec)} rows/s ` +
      `(${((100 * r.sinkRowsPerSec) / r.clientRowsPerSec).toFixed(0)} %)\n${r.detail}`,
  );
}
