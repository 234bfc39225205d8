/**
 * Word count over Flume events pushed by a Flume agent (§六.1 Push-based Approach), Spark's
 * FlumeEventCount turned word count: the application is an Avro source on host:port, and the
 * agent's Avro sink sends it the lines typed into the agent's netcat source. Every 5-second batch,
 * the words of the events received are counted and printed.
 *
 * Run, in three terminals (start the application first: the sink connects to it):
 *   dstream run examples/flume-push-word-count.ts 127.0.0.1 41414
 *   dstream flume start --conf-file examples/flume-push-word-count.properties
 *   nc 127.0.0.1 44444                                    # type lines; `dstream flume stop` at the end
 */
import { StreamingContext, Seconds, type DStream } from 'dstream';
import { FlumeUtils, SparkFlumeEvent } from 'dstream/flume';

const [host = '127.0.0.1', port = '41414'] = process.argv.slice(2);

// TODO: 1. Build the streaming context: 5-second batches.
const ssc = new StreamingContext({
  master: 'local[3]',
  appName: 'FlumePushWordCount',
  batchDuration: Seconds(5),
});
ssc.sparkContext.setLogLevel('WARN');

// TODO: 2. Listen as an Avro source: the agent's Avro sink pushes its events here. Each event is
// a SparkFlumeEvent, { headers, body }; its body is the line typed, as UTF-8 text.
const lines: DStream<string> = FlumeUtils.createStream(ssc, host, Number(port)).map(
  SparkFlumeEvent.text,
);

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
