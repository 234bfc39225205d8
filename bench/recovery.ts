// Recovery time of an application holding 1 M keys of updateStateByKey state: how long from
// getOrCreate to the end of the first batch after the restart (budget: 5 s).
// Run: npm run build && node_modules/.bin/node bench/recovery.ts [keys]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const built = new URL('../dist/index.js', import.meta.url).href;
const { ManualClock, Seconds, StreamingContext, setLogLevel } = (await import(
  built
)) as typeof import('../src/index.js');
// queueStream warns that its data is not recoverable: this measures the state, not the queue.
setLogLevel('ERROR');

const n = Number(process.argv[2] ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'dstream-recovery-bench-'));
const keys = Array.from({ length: n }, (_, i) => [`key-${i}`, 1] as const);

function app(clock: InstanceType<typeof ManualClock>, firstBatch: (readonly [string, number])[]) {
  return StreamingContext.getOrCreate(dir, () => {
    const ssc = new StreamingContext({
      master: 'local[2]',
      appName: 'bench',
      batchDuration: Seconds(1),
      clock,
    });
    ssc.checkpoint(dir);
    const queue = [ssc.sparkContext.parallelize(firstBatch, 2)];
    ssc
      .queueStream(queue)
      .updateStateByKey((values: number[], state: number | undefined) =>
        values.reduce((a, b) => a + b, state ?? 0),
      )
      .name('totals')
      .foreachRDD(async (rdd) => void (await rdd.count()));
    return ssc;
  });
}

// Build the state: batch 1 brings n keys; the writer snapshots it after the batch.
const c1 = new ManualClock(0);
const first = app(c1, keys);
await first.start();
let t = performance.now();
await c1.advance(1000);
const buildMs = performance.now() - t;
await first.stop();

// Recover at 1.5 s: batch 1 runs again from the restored state, then batch 2.
const c2 = new ManualClock(1500);
t = performance.now();
const second = app(c2, []);
const readMs = performance.now() - t;
let t2 = performance.now();
await second.start();
const startMs = performance.now() - t2;
t2 = performance.now();
await c2.advance(500); // replays 1000 ms and runs 2000 ms
const batchMs = performance.now() - t2;
const total = performance.now() - t;
await second.stop();
rmSync(dir, { recursive: true, force: true });
console.log(
  `${n} keys: first run (batch + snapshot) ${buildMs.toFixed(0)} ms; recovery ${total.toFixed(0)} ms = getOrCreate (read + decode) ${readMs.toFixed(0)} ms + start (restore) ${startMs.toFixed(0)} ms + batches until the first new one ${batchMs.toFixed(0)} ms`,
);
