// Quick WordCount throughput probe for local[N] task threads (the real harness is bench/).
// Usage (after `npm run build`):
//   node scripts/workers-wordcount.ts <master> <linesPerBatch> [warmup=3] [measured=7] [partitions=2]
// Data: the benchmarks' WordCount generator (xorshift32, seed 42, lines of
// 10 words "w<x mod 10000>"), generated on the driver before the first batch. Each batch:
// queueStream → flatMap(split ' ') → map([w, 1]) → reduceByKey(+) → foreachRDD(sum, keys).
// Prints one JSON line per batch and a summary with the median batch time and lines/s, and the
// median CPU time per batch of the whole process (all threads).
import { ManualClock, Seconds, StreamingContext, onDriver, type RDD } from 'dstream';

const master = process.argv[2] ?? 'local[2]';
const linesPerBatch = Number(process.argv[3] ?? 100_000);
const warmup = Number(process.argv[4] ?? 3);
const measured = Number(process.argv[5] ?? 7);
const partitions = Number(process.argv[6] ?? 2);
const total = warmup + measured;

function generate(): string[][] {
  let x = 42;
  const words = new Array<string>(10);
  const batches: string[][] = [];
  for (let b = 0; b < total; b++) {
    const lines = new Array<string>(linesPerBatch);
    for (let i = 0; i < linesPerBatch; i++) {
      for (let j = 0; j < 10; j++) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        words[j] = 'w' + ((x >>> 0) % 10000);
      }
      lines[i] = words.join(' ');
    }
    batches.push(lines);
  }
  return batches;
}

const clock = new ManualClock(0);
const ssc = new StreamingContext({
  master,
  appName: 'wordcount',
  batchDuration: Seconds(1),
  clock,
});
const sc = ssc.sparkContext;
const queue: RDD<string>[] =
  onDriver(() => generate().map((lines) => sc.parallelize(lines, partitions))) ?? [];

let sum = 0;
let keys = 0;
ssc
  .queueStream(queue)
  .flatMap((l) => l.split(' '))
  .map((w) => [w, 1] as const)
  .reduceByKey((a, b) => a + b)
  .foreachRDD(async (rdd) => {
    const parts = await rdd.context.runJob(rdd, (items) => {
      let s = 0;
      for (const kv of items) s += kv[1];
      return [s, items.length] as const;
    });
    sum = 0;
    keys = 0;
    for (const [s, n] of parts) {
      sum += s;
      keys += n;
    }
  });

await ssc.start();
const ms: number[] = [];
const cpus: number[] = [];
for (let b = 0; b < total; b++) {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await clock.advance(1000);
  const dt = Number(process.hrtime.bigint() - t0) / 1e6;
  const c = process.cpuUsage(c0);
  const cpu = (c.user + c.system) / 1000;
  if (sum !== 10 * linesPerBatch) throw new Error(`batch ${b}: sum ${sum}`);
  const line = { event: 'batch', i: b, warmup: b < warmup, ms: +dt.toFixed(1), cpuMs: +cpu, keys };
  console.log(JSON.stringify(line));
  if (b >= warmup) {
    ms.push(dt);
    cpus.push(cpu);
  }
}
await ssc.stop();
function medianOf(xs: number[]): number {
  xs.sort((a, b) => a - b);
  const n = xs.length;
  return n % 2 ? xs[(n - 1) / 2]! : (xs[n / 2 - 1]! + xs[n / 2]!) / 2;
}
const median = medianOf(ms);
console.log(
  JSON.stringify({
    event: 'summary',
    master,
    linesPerBatch,
    partitions,
    medianMs: +median.toFixed(1),
    minMs: +ms[0]!.toFixed(1),
    maxMs: +ms[ms.length - 1]!.toFixed(1),
    linesPerSec: Math.round(linesPerBatch / (median / 1000)),
    // CPU of the whole process (all threads) per batch: less disturbed by other tenants.
    medianCpuMs: +medianOf(cpus).toFixed(1),
  }),
);
