/**
 * Word count over Flume events polled from Spark's SparkSink inside a Flume agent (§六.2
 * Pull-based Approach), Spark's FlumePollingEventCount turned word count: the agent keeps the
 * lines typed into its netcat source in its channel until the application takes them; a batch of
 * events is acknowledged only once stored, so the agent gives again what the application did not
 * take. Every 5-second batch, the words of the events received are counted and printed.
 *
 * Run, in three terminals:
 *   dstream flume start --conf-file examples/flume-poll-word-count.properties
 *   dstream run examples/flume-poll-word-count.ts 127.0.0.1 41415
 *   nc 127.0.0.1 44444                                    # type lines; `dstream flume stop` at the end
 */
import { StreamingContext, Seconds, type DStream } from 'dstream';
import { FlumeUtils, SparkFlumeEvent } from 'dstream/flume';

const [host = '127.0.0.1', port = '41415'] = process.argv.slice(2);

// TODO: 1. Build the streaming context: 5-second batches.
const ssc = new StreamingContext({
  master: 'local[3]',
  appName: 'FlumePollWordCount',
  batchDuration: Seconds(5),
});
ssc.sparkContext.setLogLevel('WARN');

// TODO: 2. Poll the SparkSink (one or more agents' addresses): batches of up to 1000 events, with
// 5 fetchers taking turns (Spark's defaults). The body of each event is the line typed.
const lines: DStream<string> = FlumeUtils.createPollingStream(ssc, [{ host, port: Number(port) }], {
  maxBatchSize: 1000,
  parallelism: 5,
}).map(SparkFlumeEvent.text);

// TODO: 3. Count the words of each batch.
const wordCounts = lines
  .flatMap((line) => line.split(/\s+/).filter((word) => word.length > 0))
  .map((word) => [word, 1] as const)
  .reduceByKey((a, b) => a + b);

// TODO: 4. Print the counts of each batch.
wordCounts.print();

// TODO: 5. Start, and run until stopped (Ctrl-C).
await ssc.start();
await ssc.awaitTermination();
