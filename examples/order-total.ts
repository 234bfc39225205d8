/**
 * Sales per province since the application started: the seed's order-total program (§八 状态统计,
 * with 检查点恢复), line by line. Order lines `orderId,provinceId,orderPrice` arrive on a TCP socket
 * or as files in a directory; every 5-second batch adds them to the running total of each province
 * with updateStateByKey and prints the totals.
 *
 * The totals live in a checkpoint directory: stop the application (Ctrl-C) and run it again, and
 * StreamingContext.getOrCreate continues from the totals printed last — with the same code, or with
 * a new version of it (state is stored as data, under the name 'province-totals'). After a crash
 * (kill -9) it continues from the last snapshot: exact with files, and over a socket with the
 * receiver write-ahead log (dstream run --conf spark.streaming.receiver.writeAheadLog.enable=true);
 * without it, the lines of the batches since the snapshot are lost, and recovery says so.
 *
 * Run, in two terminals:
 *   dstream orders --port 9999 --rate 20                     # order lines on a socket
 *   dstream run examples/order-total.ts localhost 9999
 * or from a directory (files must be renamed into it: `dstream orders --dir` does):
 *   dstream orders --dir /tmp/orders --rate 20
 *   dstream run examples/order-total.ts --dir /tmp/orders
 * Add `--checkpoint <dir>` to choose the checkpoint directory (default
 * .tmp/order-total-checkpoint-socket, or -files with --dir: the totals of one input are not those
 * of the other, and a checkpoint written from the other input is refused).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StreamingContext, Seconds, isDriver, type DStream } from 'dstream';

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args.splice(i, 2)[1] : undefined;
};
const inputDir = option('--dir');
const input = inputDir ? 'files' : 'socket';
const checkpointDir = option('--checkpoint') ?? `.tmp/order-total-checkpoint-${input}`;
const [host = 'localhost', port = '9999'] = args;

// The checkpoint remembers which input its totals are of: a socket's totals continued with the
// files of a directory (or the other way round) would mix two order streams without a word.
const inputFile = join(checkpointDir, 'input');
if (isDriver()) {
  const before = existsSync(inputFile) ? readFileSync(inputFile, 'utf8').trim() : input;
  if (before !== input) {
    console.error(
      `${checkpointDir} holds the totals of orders read from ${before === 'files' ? 'files (--dir)' : 'a socket'}: give this run another --checkpoint, or delete the directory to start again`,
    );
    process.exit(1);
  }
  mkdirSync(checkpointDir, { recursive: true });
  writeFileSync(inputFile, `${input}\n`);
}

/** An order: its province and its price in cents (integers add up exactly). */
type Order = readonly [province: number, cents: number];

const ORDER_LINE = /^\s*(\d+),(\d+),(\d+(?:\.\d{1,2})?)\s*$/;

/** The order of a line, or the line itself when it is malformed. */
function parseOrder(line: string): Order | string {
  const m = ORDER_LINE.exec(line);
  return m ? [Number(m[2]), Math.round(Number(m[3]) * 100)] : line;
}

let malformedSoFar = 0;

// TODO: 1. Build the application. Spark calls this only when there is no checkpoint; dstream also
// calls it to recover: Node cannot deserialise functions, so the graph is declared again, and the
// checkpoint restores its state and the batches to run again.
function createContext(): StreamingContext {
  const ssc = new StreamingContext({
    master: 'local[3]',
    appName: 'OrderTotalStreamingCkpt',
    batchDuration: Seconds(5),
  });
  // TODO: keep the state (and what recovery needs) in the checkpoint directory.
  ssc.checkpoint(checkpointDir);

  // TODO: 2. Read order lines from the socket or the directory.
  const lines: DStream<string> = inputDir
    ? ssc.textFileStream(inputDir)
    : ssc.socketTextStream(host, Number(port));
  const parsed = lines.map(parseOrder);

  // Malformed lines (empty, fields missing, a price that is not a number) are counted and skipped:
  // they never fail the job.
  parsed
    .flatMap((o) => (typeof o === 'string' ? [o] : []))
    .foreachRDD(async (rdd, time) => {
      const bad = await rdd.collect();
      if (bad.length === 0) return;
      malformedSoFar += bad.length;
      console.warn(
        `WARN skipped ${bad.length} malformed line(s) in batch ${time} (${malformedSoFar} so far), such as ${JSON.stringify(bad[0])}`,
      );
    });

  // TODO: 3. The sales of each province in this batch, then added to its total so far.
  const batchTotals = parsed
    .flatMap((o) => (typeof o === 'string' ? [] : [o]))
    .reduceByKey((a, b) => a + b);
  const totals = batchTotals
    .updateStateByKey((values: number[], total: number | undefined) =>
      values.reduce((a, b) => a + b, total ?? 0),
    )
    .name('province-totals');

  // TODO: 4. Print the totals of each batch, in yuan.
  totals.mapValues((cents) => (cents / 100).toFixed(2)).print(34);
  return ssc;
}

// TODO: 5. Recover from the checkpoint, or create the context; then run until stopped.
const ssc = StreamingContext.getOrCreate(checkpointDir, createContext);
ssc.sparkContext.setLogLevel('WARN');
await ssc.start();
await ssc.awaitTermination();
