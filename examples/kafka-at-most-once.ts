/**
 * At-most-once with the direct stream (docs/kafka.md): every 5-second batch first saves where the
 * batch ends — the `untilOffset` of each of its offset ranges — and only then appends the values
 * of its records to a file, one line each. A restart, without a checkpoint, starts each partition
 * where the saved offsets say.
 *
 * Nothing is written twice: a batch's offsets are saved before its output. But a crash between the
 * two (kill -9 while a batch reads its records) loses that batch: its records are never written. At
 * most once. The offsets are saved to a small file here, written to a temporary name and renamed:
 * the direct stream's `commitAsync` cannot serve, as it commits to Kafka at the next batch, after
 * the outputs (that is at-least-once: kafka-at-least-once.ts).
 *
 * Run (`dstream kafka start` gives a broker on 127.0.0.1:9092):
 *   dstream kafka topics --create --topic events --partitions 3
 *   dstream run examples/kafka-at-most-once.ts 127.0.0.1:9092 events /tmp/events.txt
 *   dstream kafka produce --topic events                 # type lines
 * The offsets go to `<output file>.offsets.json`.
 */
import { appendFile, readFile, rename, writeFile } from 'node:fs/promises';
import { StreamingContext, Seconds } from 'dstream';
import {
  ConsumerStrategies,
  KafkaUtils,
  LocationStrategies,
  type OffsetRange,
  type TopicPartition,
} from 'dstream/kafka';

const [bootstrap = '127.0.0.1:9092', topic = 'events', outputFile = '.tmp/kafka-at-most-once.txt'] =
  process.argv.slice(2);
const offsetsFile = `${outputFile}.offsets.json`;

type SavedOffsets = [topic: string, partition: number, offset: number][];

/** Where the last batch that started its output ended, per partition (none on a first run). */
async function readOffsets(): Promise<[TopicPartition, number][]> {
  try {
    const saved = JSON.parse(await readFile(offsetsFile, 'utf8')) as SavedOffsets;
    return saved.map(([t, partition, offset]) => [{ topic: t, partition }, offset]);
  } catch {
    return [];
  }
}

async function saveOffsets(ranges: readonly OffsetRange[]): Promise<void> {
  const saved: SavedOffsets = ranges.map((r) => [r.topic, r.partition, r.untilOffset]);
  await writeFile(`${offsetsFile}.tmp`, JSON.stringify(saved));
  await rename(`${offsetsFile}.tmp`, offsetsFile);
}

const ssc = new StreamingContext({
  master: 'local[3]',
  appName: 'KafkaAtMostOnce',
  batchDuration: Seconds(5),
});
ssc.sparkContext.setLogLevel('WARN');

// The saved offsets are the starting offsets; a partition without one starts at the earliest.
const stream = KafkaUtils.createDirectStream<string, string>(
  ssc,
  LocationStrategies.PreferConsistent,
  ConsumerStrategies.Subscribe<string, string>(
    [topic],
    {
      'bootstrap.servers': bootstrap,
      'group.id': `at-most-once-${topic}`,
      'auto.offset.reset': 'earliest',
      'enable.auto.commit': false,
    },
    await readOffsets(),
  ),
);

stream.foreachRDD(async (rdd, time) => {
  const offsetRanges = rdd.offsetRanges;
  // 1. The offsets: from now on, a restart starts after this batch.
  await saveOffsets(offsetRanges);
  // 2. Then the output.
  const values = await rdd.map((record) => record.value).collect();
  if (values.length > 0) await appendFile(outputFile, values.map((v) => `${v}\n`).join(''));
  console.log(`${time}: wrote ${values.length} records [${offsetRanges.join(', ')}]`);
});

await ssc.start();
await ssc.awaitTermination();
