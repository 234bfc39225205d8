// What the receiver write-ahead log costs: the same records stored by a receiver and counted per
// batch, with checkpointing and without the log, then with it, side by side (a ratio, not a time
// to compare across machines). Run: npm run build && node_modules/.bin/node bench/receiver-wal.ts
// [records per batch] [batches] (defaults 200000 and 10).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

// The built code (types from the sources, so that this file type-checks before a build).
const { Receiver, setLogLevel } = (await import(
  new URL('../dist/index.js', import.meta.url).href
)) as typeof import('../src/index.js');
const { createManualContext } = (await import(
  new URL('../dist/testing/index.js', import.meta.url).href
)) as typeof import('../src/testing/index.js');

setLogLevel('ERROR');
const perBatch = Number(process.argv[2] ?? 200_000);
const batches = Number(process.argv[3] ?? 10);

class Lines extends Receiver<string> {
  onStart(): void {}
  onStop(): void {}
}

/** Milliseconds to store and count `batches` batches of `perBatch` lines. */
async function run(wal: boolean): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'dstream-bench-wal-'));
  const { ssc, clock } = createManualContext({
    checkpointDir: dir,
    conf: { 'spark.streaming.receiver.writeAheadLog.enable': String(wal) },
  });
  const receiver = new Lines();
  let counted = 0;
  ssc.receiverStream(receiver).foreachRDD(async (rdd) => {
    counted += await rdd.count();
  });
  await ssc.start();
  const line = 'orderId,provinceId,orderPrice 2017102600001,21,123.45';
  const t0 = performance.now();
  for (let b = 0; b < batches; b++) {
    for (let i = 0; i < perBatch; i++) receiver.store(line);
    await clock.advance(1000);
  }
  await clock.advance(1000);
  const ms = performance.now() - t0;
  await ssc.stop();
  rmSync(dir, { recursive: true, force: true });
  if (counted !== perBatch * batches)
    throw new Error(`counted ${counted}, stored ${perBatch * batches}`);
  return ms;
}

await run(false); // warm-up
const rows: [string, number][] = [];
for (let round = 0; round < 3; round++) {
  rows.push(['checkpoint, no log', await run(false)]);
  rows.push(['write-ahead log', await run(true)]);
}
const median = (name: string) => {
  const v = rows
    .filter(([n]) => n === name)
    .map(([, ms]) => ms)
    .sort((a, b) => a - b);
  return v[Math.floor(v.length / 2)]!;
};
const off = median('checkpoint, no log');
const on = median('write-ahead log');
const records = perBatch * batches;
console.log(`${records} records in ${batches} batches, median of 3`);
console.log(
  `checkpoint, no log: ${off.toFixed(0)} ms (${Math.round(records / (off / 1000))} records/s)`,
);
console.log(
  `write-ahead log:    ${on.toFixed(0)} ms (${Math.round(records / (on / 1000))} records/s)`,
);
console.log(`ratio: ${(on / off).toFixed(2)}`);
