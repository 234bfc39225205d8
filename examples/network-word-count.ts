/**
 * Streaming word count over a TCP socket: the seed's StreamingWordCount (§二.4 Quick Start), line
 * by line. Each batch of 5 seconds, the words of the lines received are counted and printed.
 *
 * Run, in two terminals:
 *   dstream feed                                          # stands in for `nc -lk 9999`
 *   dstream run examples/network-word-count.ts localhost 9999
 */
import { StreamingContext, Seconds, type DStream } from 'dstream';

const [host = 'localhost', port = '9999'] = process.argv.slice(2);

// TODO: 1. Build the streaming context: master, application name, and the batch interval that
// cuts the stream into batches.
const ssc = new StreamingContext({
  master: 'local[3]',
  appName: 'StreamingWordCount',
  batchDuration: Seconds(5),
});

// Log level
ssc.sparkContext.setLogLevel('WARN');

// TODO: 2. Read lines from a TCP socket.
const inputDStream: DStream<string> = ssc.socketTextStream(host, Number(port));

// TODO: 3. Process the stream with DStream functions (much like RDD transformations).
// a. Split each line into words on whitespace, dropping empty words.
const wordsDStream: DStream<string> = inputDStream.flatMap((line) =>
  line.split(/\s+/).filter((word) => word.length > 0),
);

// b. Turn each word into a pair: the word occurred once.
const tuplesDStream: DStream<readonly [string, number]> = wordsDStream.map(
  (word) => [word, 1] as const,
);

// c. Group by word and add up the occurrences.
const wordCountsDStream: DStream<readonly [string, number]> = tuplesDStream.reduceByKey(
  (a, b) => a + b,
);

// TODO: 4. Output the result of each batch.
wordCountsDStream.print(10);

// TODO: 5. Start the application. It runs until it fails or is stopped: `dstream run` stops the
// context on Ctrl-C (the seed's closing `ssc.stop(...)`), and awaitTermination() then returns.
await ssc.start();
await ssc.awaitTermination();
