/**
 * What the SQL sink benchmarks share (bench/sinks/mysql.ts, bench/sinks/postgres.ts): the rows,
 * best of 3, and the measure itself. The same N rows `(id int primary key, name varchar, amount
 * decimal(18,2))` are written (a) through the sink, `sink.insert` of an RDD made by
 * `SparkContext.parallelize`, positions a batch time, and (b) through the client's own fastest bulk
 * path, each run into a fresh table; the figure is rows per second of the best of 3.
 */
import { SparkContext, Time, type RDD } from 'dstream';

/** One row of the benchmark. */
// A type, not an interface: a row must be assignable to the sinks' Record of column → value.
export type BenchRow = {
  readonly id: number;
  readonly name: string;
  readonly amount: string;
};

/** What a store's benchmark reports. */
export interface SinkMeasure {
  readonly store: string;
  readonly sinkRowsPerSec: number;
  readonly clientRowsPerSec: number;
  readonly detail: string;
}

/** A store as the benchmark drives it. */
export interface BenchStore {
  readonly store: string;
  /** A fresh empty table `(id, name, amount)`; its name. */
  fresh(): Promise<string>;
  /** Drops the tables made. */
  cleanUp(): Promise<void>;
  /** Writes `rdd` into `table` through the sink, as one batch of time `time`. */
  viaSink(table: string, rdd: RDD<BenchRow>, time: Time): Promise<void>;
  /** The client's bulk paths, by name: each writes `rows` into `table` in one transaction. */
  readonly clientPaths: Readonly<
    Record<string, (table: string, rows: readonly BenchRow[]) => Promise<void>>
  >;
  close(): Promise<void>;
}

export function benchRows(n: number): BenchRow[] {
  return Array.from({ length: n }, (_, i) => ({
    id: i,
    name: `customer-${i % 9973}`,
    amount: `${i % 100000}.${String(i % 100).padStart(2, '0')}`,
  }));
}

/** The shortest of three runs of `once`, in ms; each gets a fresh table. */
async function bestOf3(bench: BenchStore, once: (table: string) => Promise<void>): Promise<number> {
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    const table = await bench.fresh();
    const start = performance.now();
    await once(table);
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

export async function measureStore(bench: BenchStore, rows: number): Promise<SinkMeasure> {
  const data = benchRows(rows);
  const sc = new SparkContext({ master: 'local[2]', appName: `bench-sink-${bench.store}` });
  try {
    let time = 1000;
    // A first write warms the pool, the JIT and the positions tables.
    await bench.viaSink(
      await bench.fresh(),
      sc.parallelize(data.slice(0, 2000), 2),
      new Time(time),
    );
    const sinkMs = await bestOf3(bench, (table) =>
      bench.viaSink(table, sc.parallelize(data, 2), new Time((time += 1000))),
    );
    const paths = Object.entries(bench.clientPaths).map(([name, write]) => ({ name, write }));
    const clientMs: [string, number][] = [];
    for (const { name, write } of paths) {
      await write(await bench.fresh(), data.slice(0, 2000));
      clientMs.push([name, await bestOf3(bench, (table) => write(table, data))]);
    }
    clientMs.sort((a, b) => a[1] - b[1]);
    const [fastest, fastestMs] = clientMs[0]!;
    const perSec = (ms: number) => Math.round((rows / ms) * 1000);
    return {
      store: bench.store,
      sinkRowsPerSec: perSec(sinkMs),
      clientRowsPerSec: perSec(fastestMs),
      detail: `${rows} rows, best of 3; sink ${perSec(sinkMs)} rows/s = ${Math.round((100 * fastestMs) / sinkMs)}% of the client's fastest path (${fastest}); client paths: ${clientMs.map(([n, ms]) => `${n} ${perSec(ms)} rows/s`).join(', ')}`,
    };
  } finally {
    await bench.cleanUp();
    await bench.close();
    await sc.stop();
  }
}

/** `node bench/sinks/<store>.ts [rows]`: one store's figures. */
export async function runDirectly(
  measure: (o: { rows: number }) => Promise<SinkMeasure>,
  argv: readonly string[],
): Promise<void> {
  const result = await measure({ rows: Number(argv[0] ?? 200_000) });
  console.log(JSON.stringify(result, null, 2));
}
