/**
 * At-least-once with the direct stream, offsets kept in Kafka (docs/kafka.md): every 5-second
 * batch appends the values of its records to a file, one line each, and only then hands the
 * batch's offset ranges to `commitAsync`, which commits them to Kafka for the consumer group at the
 * next batch. A restart, without a checkpoint, resumes from the group's committed offsets.
 *
 * Nothing is lost: a record's offset is committed only after its line was written. But a crash
 * between the write and the commit (kill -9 right after a batch's output) writes that batch's
 * lines again after the restart: at least once, not exactly once. Outputs that must not count twice
 * are made idempotent, or written in one transaction with the offsets (kafka-exactly-once.ts).
 *
 * Run (`dstream kafka start` gives a broker on 127.0.0.1:9092):
 *   dstream kafka topics --create --topic events --partitions 3
 *   dstream run examples/kafka-at-least-once.ts 127.0.0.1:9092 events /tmp/events.txt
 *   dstream kafka produce --topic events                 # type lines
 * A fourth argument sets the consumer group (default at-least-once-<topic>).
 */
import { appendFile } from 'node:fs/promises';
import { StreamingContext, Seconds } from 'dstream';
import { ConsumerStrategies, KafkaUtils, LocationStrategies } from 'dstream/kafka';

const [
  bootstrap = '127.0.0.1:9092',
  topic = 'events',
  outputFile = '.tmp/kafka-at-least-once.txt',
  groupId = `at-least-once-${topic}`,
] = process.argv.slice(2);

const ssc = new StreamingContext({
  master: 'local[3]',
  appName: 'KafkaAtLeastOnce',
  batchDuration: Seconds(5),
});
ssc.sparkContext.setLogLevel('WARN');

// Starts each partition at the group's committed offset; a partition without one at the earliest.
const stream = KafkaUtils.createDirectStream<string, string>(
  ssc,
  LocationStrategies.PreferConsistent,
  ConsumerStrategies.Subscribe<string, string>([topic], {
    'bootstrap.servers': bootstrap,
    'group.id': groupId,
    'auto.offset.reset': 'earliest',
    'enable.auto.commit': false,
  }),
);

stream.foreachRDD(async (rdd, time) => {
  // The ranges of the stream's own RDD, taken before any transformation.
  const offsetRanges = rdd.offsetRanges;
  const values = await rdd.map((record) => record.value).collect();
  // 1. The output.
  if (values.length > 0) await appendFile(outputFile, values.map((v) => `${v}\n`).join(''));
  console.log(`${time}: wrote ${values.length} records [${offsetRanges.join(', ')}]`);
  // 2. Then the offsets: committed to Kafka at the next batch, for the group.
  stream.commitAsync(offsetRanges);
});

await ssc.start();
await ssc.awaitTermination();
