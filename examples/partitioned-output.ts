/**
 * Writing each batch into partitioned directories, as the seed writes to HDFS (§四.4 输出到HDFS分区目录):
 * `<dir>/date_str=yyyyMMdd/hour_str=HH/<batch ms>/part-00000`, one file per batch (the seed's
 * `coalesce(1)`), empty batches skipped, with `saveAsPartitionedTextFile` from
 * `dstream/sinks/files`.
 *
 * Run, in two terminals:
 *   dstream feed
 *   dstream run examples/partitioned-output.ts localhost 9999 [output directory]
 * The output directory defaults to the seed's datas/streaming/logs under the system's temporary
 * directory (each batch prints where it went), so that a run leaves nothing in the repository.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StreamingContext, Seconds, type DStream } from 'dstream';
import { saveAsPartitionedTextFile } from 'dstream/sinks/files';

const [
  host = 'localhost',
  port = '9999',
  outputDir = join(tmpdir(), 'dstream-examples', 'datas', 'streaming', 'logs'),
] = process.argv.slice(2);

// TODO: 1. Build the streaming context.
const ssc = new StreamingContext({
  master: 'local[3]',
  appName: 'StreamingPartitionedOutput',
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

// TODO: 4. Write each batch into date_str=.../hour_str=.../<batch ms>/, in the local time zone.
// Skipping an empty batch (the seed's `if (!rdd.isEmpty())`) and coalescing into one file are
// what saveAsPartitionedTextFile does by default.
wordCountsDStream.foreachRDD(async (rdd, time) => {
  const directory = await saveAsPartitionedTextFile(rdd, time, outputDir);
  if (directory !== undefined) console.log(`wrote ${directory}`);
});

// TODO: 5. Start, and run until stopped (Ctrl-C).
await ssc.start();
await ssc.awaitTermination();
