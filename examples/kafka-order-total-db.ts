/**
 * The seed's order pipeline end to end, exactly once: the sales per province of the order lines of
 * a topic (`orderId,provinceId,orderPrice`, from `dstream orders --kafka`), added every batch to a
 * store — MySQL/MariaDB, PostgreSQL or Redis, chosen by the URL — together with the offsets that
 * produced them, in one transaction (MySQL, PostgreSQL) or one atomic script (Redis).
 *
 * At start the stream begins where the store says the last committed batch ended (the earliest
 * offsets when it holds none). Kill it anywhere (kill -9) and run it again: no order is counted
 * twice and none is lost. `npm run demo:exactly-once` does exactly that, several times, and counts.
 *
 * Scale out by starting it several times with the same arguments: the processes form one Kafka
 * consumer group and share the topic's partitions (`spark.streaming.kafka.scaleOut`); each prints
 * `partitions: <topic>-<p>, ...` whenever what it owns changes, and starts a partition it takes
 * over where the store says. Together they write exactly the totals one process would.
 * `npm run demo:scale-out` starts three (docs/scale-out.md).
 *
 *   table province_totals (province_id INT PRIMARY KEY, total DECIMAL(18,2)), created if missing
 *   Redis: hash province_totals, field = the province id, value = the total as a decimal string
 *
 * Needs the client of the store: `npm install mysql2`, `pg` or `ioredis`.
 * Run (`dstream kafka start` gives a broker on 127.0.0.1:9092):
 *   dstream kafka topics --create --topic orders --partitions 3
 *   dstream orders --kafka 127.0.0.1:9092 --topic orders --rate 100
 *   dstream run examples/kafka-order-total-db.ts 127.0.0.1:9092 orders mysql://root@127.0.0.1:3306/test
 */
import { StreamingContext, Seconds, isDriver, type RDD, type TopicPartition } from 'dstream';
import { ConsumerStrategies, KafkaUtils, LocationStrategies, type KafkaRDD } from 'dstream/kafka';

const [
  bootstrap = '127.0.0.1:9092',
  topic = 'orders',
  sinkUrl = 'mysql://root@127.0.0.1:3306/test',
] = process.argv.slice(2);

/** The sink's name in the store: where it keeps the offsets of this application. */
const SINK_ID = 'kafka-order-total-db';

const ORDER_LINE = /^\s*(\d+),(\d+),(\d+(?:\.\d{1,2})?)\s*$/;

/** The province and price in cents (integers add up exactly) of an order line; none if malformed. */
function parseOrder(line: string): (readonly [number, number])[] {
  const m = ORDER_LINE.exec(line);
  return m ? [[Number(m[2]), Math.round(Number(m[3]) * 100)]] : [];
}

/** Cents as the decimal the store keeps: 12345 → "123.45". */
function yuan(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** What the application needs of a store: where to start, and a batch's totals with its offsets. */
interface TotalsStore {
  /** Creates what is missing (the table), then says where each partition of `topics` starts. */
  open(topics: readonly string[]): Promise<[TopicPartition, number][]>;
  addTotals(
    totals: RDD<readonly [number, string]>,
    batch: KafkaRDD<string, string>,
  ): Promise<unknown>;
}

/** The sink for the URL's scheme; its client library is loaded only for that scheme. */
async function storeFor(url: string): Promise<TotalsStore> {
  const scheme = new URL(url).protocol;
  if (scheme === 'mysql:' || scheme === 'mariadb:') {
    const { MySqlSink } = await import('dstream/sinks/mysql');
    return sqlStore(MySqlSink.create({ url, id: SINK_ID }));
  }
  if (scheme === 'postgres:' || scheme === 'postgresql:') {
    const { PostgresSink } = await import('dstream/sinks/postgres');
    return sqlStore(PostgresSink.create({ url, id: SINK_ID }));
  }
  if (scheme === 'redis:') {
    const { RedisSink } = await import('dstream/sinks/redis');
    const sink = RedisSink.create({ url, id: SINK_ID });
    return {
      open: (topics) => sink.storedOffsets(topics),
      addTotals: (totals, batch) => sink.hashAdd('province_totals', totals, { positions: batch }),
    };
  }
  throw new Error(`${url}: give a mysql://, postgres:// or redis:// URL`);
}

interface SqlSink {
  createTable(table: string, columns: string): Promise<void>;
  storedOffsets(topics: readonly string[]): Promise<[TopicPartition, number][]>;
  addTo(
    table: string,
    keys: readonly string[],
    totals: string,
    rdd: RDD<readonly [number, string]>,
    options: { positions: KafkaRDD<string, string> },
  ): Promise<unknown>;
}

function sqlStore(sink: SqlSink): TotalsStore {
  return {
    async open(topics) {
      await sink.createTable('province_totals', 'province_id INT PRIMARY KEY, total DECIMAL(18,2)');
      return sink.storedOffsets(topics);
    },
    addTotals: (totals, batch) =>
      sink.addTo('province_totals', ['province_id'], 'total', totals, { positions: batch }),
  };
}

const ssc = new StreamingContext({
  master: 'local[3]',
  appName: 'KafkaOrderTotalDb',
  batchDuration: Seconds(2),
  // Processes started with the same arguments share the partitions instead of failing.
  conf: { 'spark.streaming.kafka.scaleOut': 'true' },
});
ssc.sparkContext.setLogLevel('WARN');

// Only the driver asks the store where to start; task threads load this file too and only
// declare the same stream (README, local[N]).
const store = await storeFor(sinkUrl);
if (isDriver()) {
  const stored = await store.open([topic]);
  const where = stored.map(([p, offset]) => `${p.topic}-${p.partition}@${offset}`);
  console.log(`starting at ${where.length > 0 ? where.join(' ') : 'the earliest offsets'}`);
}

/** The partitions this process reads, by name, printed whenever they change. */
const owned = new Map<string, TopicPartition>();
let printed: string | undefined;
const name = (p: TopicPartition) => `${p.topic}-${p.partition}`;
function printOwned() {
  const now = [...owned.values()]
    .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)
    .map(name)
    .join(', ');
  if (now !== printed) console.log(now === '' ? 'partitions:' : `partitions: ${now}`);
  printed = now;
}

const ownership = {
  onPartitionsRevoked(partitions: readonly TopicPartition[]) {
    for (const p of partitions) owned.delete(name(p));
  },
  // A partition taken over starts where the store says its last batch ended.
  async onPartitionsAssigned(partitions: readonly TopicPartition[]) {
    const taken = new Set(partitions.map(name));
    const stored = (await store.open([topic])).filter(([p]) => taken.has(name(p)));
    for (const p of partitions) owned.set(name(p), p);
    printOwned();
    return stored;
  },
};

const orders = KafkaUtils.createDirectStream<string, string>(
  ssc,
  LocationStrategies.PreferConsistent,
  // Nothing is committed to Kafka: the store holds the offsets. A partition it does not know
  // starts at the earliest offset.
  ConsumerStrategies.Subscribe<string, string>(
    [topic],
    {
      'bootstrap.servers': bootstrap,
      'group.id': `${SINK_ID}-${topic}`,
      'auto.offset.reset': 'earliest',
      'enable.auto.commit': false,
    },
    [],
    ownership,
  ),
);

orders.foreachRDD(async (rdd, time) => {
  const totals = rdd
    .flatMap((record) => parseOrder(record.value))
    .reduceByKey((a, b) => a + b)
    .mapValues(yuan);
  // The totals and the offset ranges of this very batch, in one transaction.
  await store.addTotals(totals, rdd);
  const orders = rdd.offsetRanges.reduce((n, r) => n + r.count(), 0);
  console.log(`${time}: ${orders} orders added`);
});

await ssc.start();
await ssc.awaitTermination();
