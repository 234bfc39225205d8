/**
 * Rows per second into HBase through `dstream/sinks/hbase` against the best bare client: plain
 * `fetch` multi-row PUTs to the REST gateway (CellSet JSON built with JSON.stringify, base64 with
 * Buffer), at the rows-per-request and in-flight count that measure fastest here. Same rows (an
 * order id row key and two columns), a fresh table for every run, best of 3 each.
 *
 *   node bench/sinks/hbase.ts <restUrl> [rows]     (`dstream hbase start` prints the URL)
 *
 * Prints the result of `measure` as JSON.
 */
import { SparkContext, type RDD } from 'dstream';
import { HBaseSink } from 'dstream/sinks/hbase';

interface Order {
  orderId: string;
  provinceId: string;
  orderPrice: string;
}

const HEADERS = { 'Content-Type': 'application/json', Accept: 'application/json' };
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

let tables = 0;

/** A fresh table with one family; dropped by `drop`. */
async function freshTable(rest: string): Promise<string> {
  const name = `bench_hbase_${process.pid}_${tables++}`;
  const res = await fetch(`${rest}/${name}/schema`, {
    method: 'PUT',
    headers: HEADERS,
    body: JSON.stringify({ name, ColumnSchema: [{ name: 'cf' }] }),
  });
  if (!res.ok) throw new Error(`creating ${name}: ${res.status} ${await res.text()}`);
  return name;
}

async function drop(rest: string, table: string): Promise<void> {
  await (await fetch(`${rest}/${table}/schema`, { method: 'DELETE' })).body?.cancel();
}

/** The bare client: one JSON.stringify'd CellSet per request, `inFlight` requests at once. */
async function bare(
  rest: string,
  table: string,
  rows: readonly Order[],
  perRequest: number,
  inFlight: number,
): Promise<void> {
  const [cProvince, cPrice] = [b64('cf:provinceId'), b64('cf:orderPrice')];
  let next = 0;
  const worker = async () => {
    while (next < rows.length) {
      const chunk = rows.slice(next, (next += perRequest));
      const body = JSON.stringify({
        Row: chunk.map((o) => ({
          key: b64(o.orderId),
          Cell: [
            { column: cProvince, timestamp: 1, $: b64(o.provinceId) },
            { column: cPrice, timestamp: 1, $: b64(o.orderPrice) },
          ],
        })),
      });
      const res = await fetch(`${rest}/${table}/_`, { method: 'PUT', headers: HEADERS, body });
      if (!res.ok) throw new Error(`put: ${res.status} ${await res.text()}`);
      await res.body?.cancel();
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
}

/** Seconds `run` takes against a fresh table, best of `times`. */
async function best(rest: string, times: number, run: (table: string) => Promise<void>) {
  let fastest = Infinity;
  for (let i = 0; i < times; i++) {
    const table = await freshTable(rest);
    const started = performance.now();
    await run(table);
    fastest = Math.min(fastest, (performance.now() - started) / 1000);
    await drop(rest, table);
  }
  return fastest;
}

export async function measure(o: { rows: number; rest: string }): Promise<{
  store: string;
  sinkRowsPerSec: number;
  clientRowsPerSec: number;
  detail: string;
}> {
  const rows: Order[] = Array.from({ length: o.rows }, (_, i) => ({
    orderId: `20171026${String(i).padStart(10, '0')}`,
    provinceId: String(1 + (i % 34)),
    orderPrice: ((50 + ((i * 7919) % 200_000)) / 100).toFixed(2),
  }));
  // Warm the gateway's JVM first: its first puts run several times slower.
  await best(o.rest, 1, (t) => bare(o.rest, t, rows, 1000, 4));

  // The bare client's best shape, on one run each, then best of 3 at it.
  let shape = { perRequest: 1000, inFlight: 4, seconds: Infinity };
  for (const perRequest of [500, 1000, 2000]) {
    for (const inFlight of [2, 4, 8]) {
      const seconds = await best(o.rest, 1, (t) => bare(o.rest, t, rows, perRequest, inFlight));
      if (seconds < shape.seconds) shape = { perRequest, inFlight, seconds };
    }
  }
  const client = await best(o.rest, 3, (t) =>
    bare(o.rest, t, rows, shape.perRequest, shape.inFlight),
  );

  // The sink as users call it, with its defaults, from a 4-partition RDD on the driver.
  const sc = new SparkContext({ master: 'local[1]', appName: 'bench-hbase' });
  const rdd: RDD<Order> = sc.parallelize(rows, 4);
  const sink = HBaseSink.create({ url: o.rest });
  const sinkSeconds = await best(o.rest, 3, async (t) => {
    await sink.put(t, rdd, { family: 'cf', rowKey: 'orderId', time: 1 });
  });
  await sc.stop();

  return {
    store: 'hbase',
    sinkRowsPerSec: Math.round(o.rows / sinkSeconds),
    clientRowsPerSec: Math.round(o.rows / client),
    detail:
      `${o.rows} rows × 2 cells; bare fetch at ${shape.perRequest} rows/PUT, ${shape.inFlight} in flight; ` +
      `sink defaults (1000 rows/PUT, 4 in flight); best of 3, fresh table each`,
  };
}

if (import.meta.main) {
  const [rest = 'http://127.0.0.1:18080', rows = '100000'] = process.argv.slice(2);
  console.log(JSON.stringify(await measure({ rest, rows: Number(rows) })));
}
