/**
 * `transform`: any RDD operation on each batch, here the seed's word count written on the batch's
 * RDD (§四.2 Transformations), then a blacklist joined to every batch, as in Spark's guide (an
 * RDD made once with `sparkContext.parallelize`, used by every batch).
 *
 * Run, in two terminals:
 *   dstream feed
 *   dstream run examples/transform-blacklist.ts localhost 9999
 */
import { StreamingContext, Seconds, type DStream } from 'dstream';

const [host = 'localhost', port = '9999'] = process.argv.slice(2);

// TODO: 1. Build the streaming context.
const ssc = new StreamingContext({
  master: 'local[3]',
  appName: 'StreamingTransformBlacklist',
  batchDuration: Seconds(5),
});
ssc.sparkContext.setLogLevel('WARN');

// Words never to count: an RDD of (word, true) pairs, built once on the driver.
const blacklistRDD = ssc.sparkContext.parallelize(
  ['hello', 'world'].map((word) => [word, true] as const),
);

// TODO: 2. Read lines from a TCP socket.
const inputDStream: DStream<string> = ssc.socketTextStream(host, Number(port));

// TODO: 3. Process each batch's RDD with transform (the seed's advice: what can be done on the
// RDD, do on the RDD).
const wordCountsDStream: DStream<readonly [string, number]> = inputDStream.transform((rdd) =>
  rdd
    // a. Split each line into words on whitespace, dropping empty words.
    .flatMap((line) => line.split(/\s+/).filter((word) => word.length > 0))
    // b. Turn each word into a pair: the word occurred once.
    .mapPartitions((words) => words.map((word) => [word, 1] as const))
    // c. Group by word and add up the occurrences.
    .reduceByKey((a, b) => a + b)
    // d. Drop the blacklisted words: join with the blacklist, keep the words it does not have.
    .leftOuterJoin(blacklistRDD)
    .filter(([, [, blacklisted]]) => blacklisted === undefined)
    .mapValues(([count]) => count),
);

// TODO: 4. Output the result of each batch.
wordCountsDStream.print(10);

// TODO: 5. Start, and run until stopped (Ctrl-C).
await ssc.start();
await ssc.awaitTermination();
