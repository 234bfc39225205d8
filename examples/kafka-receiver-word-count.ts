/**
 * Word count over Kafka with the receiver-based stream (§七.2 Receiver-based): Spark's
 * KafkaWordCount, line by line, with the receiver write-ahead log on. A receiver inside the
 * application reads the topics as members of a consumer group; every 2-second batch, the words of
 * the last 10 minutes are counted and printed.
 *
 * With the write-ahead log, each block of records is written to the checkpoint directory before
 * its offsets are committed to Kafka: kill the application (even kill -9) and run it again, and
 * StreamingContext.getOrCreate goes on without losing a record (some may be counted twice: the
 * stream is at-least-once).
 *
 * Run, in two terminals:
 *   dstream kafka start && dstream kafka topics --create --topic words --partitions 3
 *   dstream run examples/kafka-receiver-word-count.ts 127.0.0.1:9092 word-count words 2 .tmp/kafka-word-count
 *   dstream kafka produce --topic words                   # type lines
 */
import { StreamingContext, Seconds, Minutes, type DStream } from 'dstream';
import { KafkaUtils } from 'dstream/kafka';

const args = process.argv.slice(2);
if (args.length < 5) {
  console.error(
    'Usage: KafkaWordCount <bootstrap> <groupId> <topics> <numThreads> <checkpointDir>',
  );
  process.exit(1);
}
const [bootstrap, groupId, topics, numThreads, checkpointDir] = args as [
  string,
  string,
  string,
  string,
  string,
];

// TODO: 1. Build the application. getOrCreate calls this when the checkpoint directory holds no
// checkpoint; after a restart it declares the same graph again, and the checkpoint and the
// write-ahead log bring back the batches and the records received.
function createContext(): StreamingContext {
  const ssc = new StreamingContext({
    master: 'local[3]',
    appName: 'KafkaWordCount',
    batchDuration: Seconds(2),
    // The reliable receiver: blocks go to <checkpointDir>/receivedData before their offsets are
    // committed to Kafka.
    conf: { 'spark.streaming.receiver.writeAheadLog.enable': 'true' },
  });
  ssc.sparkContext.setLogLevel('WARN');
  ssc.checkpoint(checkpointDir);

  // TODO: 2. Read the topics, each with numThreads consumers of the group, as [key, value] pairs.
  const topicMap = Object.fromEntries(topics.split(',').map((t) => [t, Number(numThreads)]));
  // A new group starts at the beginning of the topics (Spark's default is their end: 'largest').
  const lines: DStream<string> = KafkaUtils.createStream(ssc, bootstrap, groupId, topicMap, {
    'auto.offset.reset': 'smallest',
  }).map(([, value]) => value);

  // TODO: 3. Count the words of the last 10 minutes, every batch, adding the new batch and
  // subtracting the batch that leaves the window.
  const words = lines.flatMap((line) => line.split(' ').filter((word) => word.length > 0));
  const wordCounts = words
    .map((word) => [word, 1] as const)
    .reduceByKeyAndWindow(
      (a, b) => a + b,
      (a, b) => a - b,
      Minutes(10),
      Seconds(2),
      2,
    );

  // TODO: 4. Print the counts of each batch.
  wordCounts.print();
  return ssc;
}

// TODO: 5. Start from the checkpoint if there is one, and run until stopped (Ctrl-C).
const ssc = StreamingContext.getOrCreate(checkpointDir, createContext);
await ssc.start();
await ssc.awaitTermination();
