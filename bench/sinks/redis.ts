/**
 * The Redis sink's bulk path against ioredis's own best: the same N hash fields (`f<i>` → `v<i>`)
 * written into one hash on the machine's Redis (127.0.0.1:6379, or DSTREAM_BENCH_REDIS) by
 *
 *   - sink: `RedisSink.hashSet(key, rdd, { positions: time, perPartition: true })`, an RDD of 2
 *     partitions, each written as HSET commands of 1000 fields in one pipeline, then the batch
 *     time moved;
 *   - client: one ioredis pipeline of `HSET key f v ...` commands of 1000 fields each;
 *
 * and, for the detail line, the sink's other paths: `hashSet` without `perPartition` (the whole
 * batch and its positions in one atomic Lua script), and `hashAdd` with `perPartition` (exact
 * decimal totals, one Lua script per chunk of 1000 under its marker) beside the client's pipelined
 * HINCRBYFLOAT, one command per field (how a client adds). In turn, best of 3 each, rows per
 * second of wall time, the hash deleted before each run.
 *
 *   node bench/sinks/redis.ts [--rows 200000]
 */
import { parseArgs } from 'node:util';
import { ensureBuilt } from '../lib/machine.ts';

const URL = process.env.DSTREAM_BENCH_REDIS ?? 'redis://127.0.0.1:6379/0';
const CHUNK = 1000;
const ROUNDS = 3;

export async function measure(o: { rows: number }): Promise<{
  store: string;
  sinkRowsPerSec: number;
  clientRowsPerSec: number;
  detail: string;
}> {
  ensureBuilt();
  const { SparkContext, Time } = await import('dstream');
  const { RedisSink } = await import('dstream/sinks/redis');
  const { Redis } = await import('ioredis');

  const pairs: (readonly [string, string])[] = [];
  for (let i = 0; i < o.rows; i++) pairs.push([`f${i}`, `v${i}`]);
  const key = `bench:sinks-redis:${process.pid}`;
  const client = new Redis(URL);
  const sc = new SparkContext({ master: 'local[1]', appName: 'bench-sinks-redis' });
  const sink = RedisSink.create({ url: URL, id: `bench-${process.pid}` });
  let batch = 0;

  const timed = async (write: () => Promise<unknown>): Promise<number> => {
    await client.del(key);
    const start = performance.now();
    await write();
    const seconds = (performance.now() - start) / 1000;
    if ((await client.hlen(key)) !== o.rows) throw new Error(`${key}: not ${o.rows} fields`);
    return o.rows / seconds;
  };
  const amounts = pairs.map(([field], i) => [field, `${i % 100}.25`] as const);
  const viaSink = (perPartition: boolean) => () =>
    sink.hashSet(key, sc.parallelize(pairs, 2), {
      positions: new Time(++batch * 1000),
      perPartition,
    });
  const viaSinkAdd = () =>
    sink.hashAdd(key, sc.parallelize(amounts, 2), {
      positions: new Time(++batch * 1000),
      perPartition: true,
    });
  const viaClientAdd = async () => {
    const pipeline = client.pipeline();
    for (const [field, amount] of amounts) pipeline.hincrbyfloat(key, field, amount);
    const replies = await pipeline.exec();
    for (const [error] of replies ?? []) if (error) throw error;
  };
  const viaClient = async () => {
    const pipeline = client.pipeline();
    for (let from = 0; from < pairs.length; from += CHUNK) {
      const args: string[] = [];
      const to = Math.min(pairs.length, from + CHUNK);
      for (let i = from; i < to; i++) args.push(pairs[i]![0], pairs[i]![1]);
      pipeline.hset(key, ...args);
    }
    const replies = await pipeline.exec();
    for (const [error] of replies ?? []) if (error) throw error;
  };

  const programs = {
    sink: viaSink(true),
    client: viaClient,
    whole: viaSink(false),
    sinkAdd: viaSinkAdd,
    clientAdd: viaClientAdd,
  };
  const best = { sink: 0, client: 0, whole: 0, sinkAdd: 0, clientAdd: 0 };
  const names = Object.keys(programs) as (keyof typeof programs)[];
  try {
    // One warm-up each (script load, JIT), then rounds in turn.
    for (const name of names) await timed(programs[name]);
    for (let round = 0; round < ROUNDS; round++) {
      for (const name of names) best[name] = Math.max(best[name], await timed(programs[name]));
    }
  } finally {
    await client.del(key);
    const markers: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `dstream:*bench-${process.pid}*`);
      markers.push(...keys);
      cursor = next;
    } while (cursor !== '0');
    if (markers.length > 0) await client.del(...markers);
    client.disconnect();
    await sc.stop();
  }
  const k = (n: number) => `${Math.round(n / 1000)}k`;
  const pct = (a: number, b: number) => `${Math.round((100 * a) / b)}%`;
  return {
    store: 'redis',
    sinkRowsPerSec: Math.round(best.sink),
    clientRowsPerSec: Math.round(best.client),
    detail:
      `${o.rows} hash fields, best of ${ROUNDS}: sink hashSet perPartition (HSET of ${CHUNK} fields, pipelined) ${k(best.sink)} rows/s = ${pct(best.sink, best.client)} of the client's pipelined HSET of ${CHUNK} fields (${k(best.client)} rows/s); ` +
      `sink hashSet whole batch (one atomic Lua script with its positions) ${k(best.whole)} rows/s = ${pct(best.whole, best.client)}; ` +
      `sink hashAdd perPartition (Lua chunks of ${CHUNK} with markers, exact decimals) ${k(best.sinkAdd)} rows/s = ${pct(best.sinkAdd, best.clientAdd)} of the client's pipelined HINCRBYFLOAT (${k(best.clientAdd)} rows/s)`,
  };
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { rows: { type: 'string', default: '200000' } } });
  console.log(await measure({ rows: Number(values.rows) }));
}
