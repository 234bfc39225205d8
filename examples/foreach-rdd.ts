/**
 * `foreachRDD`: the output operation for everything `print` does not do (§四.3 Output
 * Operations). Each batch prints its time as `batchTime: yyyy/MM/dd HH:mm:ss`, skips an empty
 * batch with `rdd.isEmpty()`, and handles the batch one partition at a time with
 * `foreachPartition` (where a real sink opens one connection per partition).
 *
 * Run, in two terminals:
 *   dstream feed
 *   dstream run examples/foreach-rdd.ts localhost 9999
 */
import { StreamingContext, Seconds, type DStream } from 'dstream';

const [host = 'localhost', port = '9999'] = process.argv.slice(2);

/** Java's `new SimpleDateFormat("yyyy/MM/dd HH:mm:ss").format(new Date(ms))`, local time. */
function formatBatchTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return (
    `${d.getFullYear()}/${p(d.getMonth() + 1)}/${p(d.getDate())} ` +
    `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`
  );
}

// TODO: 1. Build the streaming context.
const ssc = new StreamingContext({
  master: 'local[3]',
  appName: 'StreamingForeachRDD',
  batchDuration: Seconds(5),
});
ssc.sparkContext.setLogLevel('WARN');

// TODO: 2. Read lines from a TCP socket.
const inputDStream: DStream<string> = ssc.socketTextStream(host, Number(port));

// TODO: 3. Count the words of each batch.
const wordCountsDStream: DStream<readonly [string, number]> = inputDStream.transform((rdd) =>
  rdd
    .flatMap((line) => line.split(/\s+/).filter((word) => word.length > 0))
    .mapPartitions((words) => words.map((word) => [word, 1] as const))
    .reduceByKey((a, b) => a + b),
);

// TODO: 4. Output each batch with foreachRDD.
wordCountsDStream.foreachRDD(async (rdd, time) => {
  // The batch time, as 2019/07/10 11:39:00.
  const batchTime = formatBatchTime(time.milliseconds);
  console.log('-----------------------------------');
  console.log(`batchTime: ${batchTime}`);
  console.log('-----------------------------------');

  // A streaming application checks that a batch has data before writing it out.
  if (!(await rdd.isEmpty())) {
    // One call per partition of the batch.
    await rdd.foreachPartition((iter) => {
      for (const [word, count] of iter) console.log(`(${word},${count})`);
    });
  }
});

// TODO: 5. Start, and run until stopped (Ctrl-C).
await ssc.start();
await ssc.awaitTermination();
