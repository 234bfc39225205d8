/**
 * Exactly-once with the direct stream, offsets kept in your own store (docs/kafka.md, Spark's
 * "Your own data store" recipe): the sales per province of the order lines of a topic
 * (`orderId,provinceId,orderPrice`, from `dstream orders --kafka`), kept in PostgreSQL together
 * with the offsets that produced them.
 *
 * At start, the offsets stored for the topic are read, and the stream is created with
 * `ConsumerStrategies.Assign(partitions, kafkaParams, fromOffsets)`. Every 5-second batch adds its
 * totals to the table and moves the stored offsets in ONE transaction, updating each partition's
 * offset only where the stored end equals the start of this batch's range; any other count of
 * updated rows means another writer moved them: the transaction is rolled back and the batch fails.
 * So after a crash (kill -9 anywhere), the restart goes on from the offsets of the last committed
 * batch, and the totals are exact: no batch counted twice, none lost.
 *
 * Needs the `pg` client (`npm install pg`) and a PostgreSQL server; the tables are created.
 * Run (`dstream kafka start` gives a broker on 127.0.0.1:9092):
 *   dstream kafka topics --create --topic orders --partitions 3
 *   dstream orders --kafka 127.0.0.1:9092 --topic orders --rate 100
 *   dstream run examples/kafka-exactly-once.ts 127.0.0.1:9092 orders postgres://postgres@127.0.0.1:5432/test
 *   psql -h 127.0.0.1 -U postgres test -c "SELECT * FROM kafka_province_totals WHERE topic = 'orders'"
 */
import { Admin } from '@platformatic/kafka';
import pg from 'pg';
import { StreamingContext, Seconds, isDriver } from 'dstream';
import {
  ConsumerStrategies,
  KafkaUtils,
  LocationStrategies,
  type OffsetRange,
  type TopicPartition,
} from 'dstream/kafka';

const [
  bootstrap = '127.0.0.1:9092',
  topic = 'orders',
  database = 'postgres://postgres@127.0.0.1:5432/test',
] = process.argv.slice(2);

const ORDER_LINE = /^\s*(\d+),(\d+),(\d+(?:\.\d{1,2})?)\s*$/;

/** The province and price in cents of an order line; nothing for a malformed line. */
function parseOrder(line: string): (readonly [number, number])[] {
  const m = ORDER_LINE.exec(line);
  return m ? [[Number(m[2]), Math.round(Number(m[3]) * 100)]] : [];
}

// Only the driver talks to the database; task threads load this file too (README, local[N]).
const db = isDriver() ? new pg.Client({ connectionString: database }) : undefined;

/** The tables, and the offsets stored for the topic: where the next batch starts. */
async function storedOffsets(client: pg.Client): Promise<[TopicPartition, number][]> {
  await client.query(`CREATE TABLE IF NOT EXISTS kafka_province_totals (
    topic text, province int, total_cents bigint NOT NULL, PRIMARY KEY (topic, province))`);
  await client.query(`CREATE TABLE IF NOT EXISTS kafka_offsets (
    topic text, kafka_partition int, until_offset bigint NOT NULL,
    PRIMARY KEY (topic, kafka_partition))`);
  const { rows } = await client.query<{ kafka_partition: number; until_offset: string }>(
    'SELECT kafka_partition, until_offset FROM kafka_offsets WHERE topic = $1 ORDER BY 1',
    [topic],
  );
  return rows.map((r) => [{ topic, partition: r.kafka_partition }, Number(r.until_offset)]);
}

/** The partitions of the topic, from Kafka's metadata. */
async function partitionsOf(name: string): Promise<TopicPartition[]> {
  const admin = new Admin({ clientId: 'kafka-exactly-once', bootstrapBrokers: [bootstrap] });
  try {
    const metadata = await admin.metadata({ topics: [name] });
    const count = metadata.topics.get(name)?.partitionsCount ?? 0;
    return Array.from({ length: count }, (_, partition) => ({ topic: name, partition }));
  } finally {
    await admin.close();
  }
}

/** Adds a batch's totals and moves the offsets, in one transaction; rolls back on a mismatch. */
async function saveBatch(
  client: pg.Client,
  totals: readonly (readonly [number, number])[],
  offsetRanges: readonly OffsetRange[],
): Promise<void> {
  await client.query('BEGIN');
  try {
    for (const [province, cents] of totals) {
      await client.query(
        `INSERT INTO kafka_province_totals VALUES ($1, $2, $3) ON CONFLICT (topic, province)
         DO UPDATE SET total_cents = kafka_province_totals.total_cents + EXCLUDED.total_cents`,
        [topic, province, cents],
      );
    }
    for (const r of offsetRanges) {
      // Only where the stored end is this batch's start (or, for a partition new to the store, no
      // row yet): else the batch does not follow the stored state.
      const moved = await client.query(
        `INSERT INTO kafka_offsets VALUES ($1, $2, $4) ON CONFLICT (topic, kafka_partition)
         DO UPDATE SET until_offset = $4 WHERE kafka_offsets.until_offset = $3`,
        [r.topic, r.partition, r.fromOffset, r.untilOffset],
      );
      if (moved.rowCount !== 1) {
        throw new Error(
          `the stored offset of ${r.topic}-${r.partition} is not ${r.fromOffset}, where this batch starts: another writer moved it`,
        );
      }
    }
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK');
    throw e;
  }
}

const ssc = new StreamingContext({
  master: 'local[3]',
  appName: 'KafkaExactlyOnce',
  batchDuration: Seconds(5),
});
ssc.sparkContext.setLogLevel('WARN');

// The driver reads where to start from the database; task threads only declare the same stream.
let fromOffsets: [TopicPartition, number][] = [];
let partitions: TopicPartition[] = [];
if (db) {
  await db.connect();
  fromOffsets = await storedOffsets(db);
  partitions = await partitionsOf(topic);
  console.log(`starting at ${JSON.stringify(fromOffsets.map(([p, o]) => [p.partition, o]))}`);
}

const stream = KafkaUtils.createDirectStream<string, string>(
  ssc,
  LocationStrategies.PreferConsistent,
  ConsumerStrategies.Assign<string, string>(
    partitions,
    // No group management, no commits to Kafka: a partition not in the store starts at the earliest.
    {
      'bootstrap.servers': bootstrap,
      'group.id': `exactly-once-${topic}`,
      'auto.offset.reset': 'earliest',
      'enable.auto.commit': false,
    },
    fromOffsets,
  ),
);

stream.foreachRDD(async (rdd, time) => {
  const offsetRanges = rdd.offsetRanges;
  const totals = await rdd
    .flatMap((record) => parseOrder(record.value))
    .reduceByKey((a, b) => a + b)
    .collect();
  await saveBatch(db!, totals, offsetRanges);
  console.log(`${time}: saved ${totals.length} provinces [${offsetRanges.join(', ')}]`);
});

await ssc.start();
try {
  await ssc.awaitTermination();
} finally {
  await db?.end();
}
