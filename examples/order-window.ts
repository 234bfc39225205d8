/**
 * Sales per province over the last 10 minutes, updated every 5 seconds: the windowed variant of
 * examples/order-total.ts (the seed's 窗口统计). reduceByKeyAndWindow with an inverse function
 * computes each window from the previous one — plus the batches that entered, minus those that
 * left — instead of adding up 120 batches every 5 seconds. Provinces without sales in the window
 * are dropped (the filter function).
 *
 * Run, in two terminals:
 *   dstream orders --port 9999 --rate 20
 *   dstream run examples/order-window.ts localhost 9999
 * or with `--dir <dir>` (and `dstream orders --dir <dir>`); `--checkpoint <dir>` chooses the
 * checkpoint directory (default .tmp/order-window-checkpoint): the window is stateful.
 */
import { Minutes, Seconds, StreamingContext, type DStream } from 'dstream';

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args.splice(i, 2)[1] : undefined;
};
const inputDir = option('--dir');
const checkpointDir = option('--checkpoint') ?? '.tmp/order-window-checkpoint';
const [host = 'localhost', port = '9999'] = args;

const ORDER_LINE = /^\s*(\d+),(\d+),(\d+(?:\.\d{1,2})?)\s*$/;

function createContext(): StreamingContext {
  const ssc = new StreamingContext({
    master: 'local[3]',
    appName: 'OrderWindowStreaming',
    batchDuration: Seconds(5),
  });
  // An incremental window keeps the previous window: it needs a checkpoint directory.
  ssc.checkpoint(checkpointDir);

  const lines: DStream<string> = inputDir
    ? ssc.textFileStream(inputDir)
    : ssc.socketTextStream(host, Number(port));

  // [province, cents]; malformed lines are counted per batch and skipped.
  const orders = lines.flatMap((line): (readonly [number, number])[] => {
    const m = ORDER_LINE.exec(line);
    return m ? [[Number(m[2]), Math.round(Number(m[3]) * 100)]] : [];
  });
  lines.foreachRDD(async (rdd, time) => {
    const bad = await rdd.filter((line) => !ORDER_LINE.test(line)).count();
    if (bad > 0) console.warn(`WARN skipped ${bad} malformed line(s) in batch ${time}`);
  });

  // The last 10 minutes, every 5 seconds: add what entered, subtract what left.
  const lastTenMinutes = orders.reduceByKeyAndWindow(
    (a, b) => a + b,
    (a, b) => a - b,
    Minutes(10),
    Seconds(5),
    undefined,
    ([, cents]) => cents !== 0,
  );
  lastTenMinutes.mapValues((cents) => (cents / 100).toFixed(2)).print(34);
  return ssc;
}

const ssc = StreamingContext.getOrCreate(checkpointDir, createContext);
ssc.sparkContext.setLogLevel('WARN');
await ssc.start();
await ssc.awaitTermination();
