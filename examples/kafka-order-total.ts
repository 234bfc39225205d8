/**
 * Sales per province since the application started, from a Kafka topic: the seed's final order
 * program (§七 集成Kafka with §八 状态统计 and 检查点恢复), line by line. Order lines
 * `orderId,provinceId,orderPrice` are the records of a topic; a direct stream reads them, at most
 * 10000 records per partition and second (`spark.streaming.kafka.maxRatePerPartition`), every
 * 5-second batch adds them to the running total of each province with updateStateByKey, and the
 * totals are printed in yuan.
 *
 * The offsets of each batch and the totals live in the checkpoint directory: stop the application
 * (Ctrl-C), or kill it (kill -9), and run it again with the same directory, and
 * StreamingContext.getOrCreate goes on from there — the batches that were pending run again with
 * the same offset ranges, and the totals stay exact. The offsets are not committed to Kafka (see
 * docs/kafka.md for the other ways to keep them).
 *
 * Run (`dstream kafka start` gives a broker on 127.0.0.1:9092):
 *   dstream kafka topics --create --topic orders --partitions 3
 *   dstream orders --kafka 127.0.0.1:9092 --topic orders --rate 100
 *   dstream run examples/kafka-order-total.ts 127.0.0.1:9092 orders /tmp/orders-checkpoint
 */
import { StreamingContext, Seconds, type DStream } from 'dstream';
import { ConsumerStrategies, KafkaUtils, LocationStrategies } from 'dstream/kafka';

const [
  bootstrap = '127.0.0.1:9092',
  topic = 'orders',
  checkpointDir = '.tmp/kafka-order-total-checkpoint',
] = process.argv.slice(2);

/** An order: its province and its price in cents (integers add up exactly). */
type Order = readonly [province: number, cents: number];

const ORDER_LINE = /^\s*(\d+),(\d+),(\d+(?:\.\d{1,2})?)\s*$/;

/** The order of a line, or the line itself when it is malformed. */
function parseOrder(line: string): Order | string {
  const m = ORDER_LINE.exec(line);
  return m ? [Number(m[2]), Math.round(Number(m[3]) * 100)] : line;
}

let malformedSoFar = 0;

// TODO: 1. Build the application. Spark calls this only when there is no checkpoint; dstream also
// calls it to recover: Node cannot deserialise functions, so the graph is declared again, and the
// checkpoint restores the state, the offsets and the ranges of the batches to run again.
function createContext(): StreamingContext {
  const ssc = new StreamingContext({
    master: 'local[3]',
    appName: 'OrderTotalStreamingCkpt',
    batchDuration: Seconds(5),
    // TODO: at most this many records per second from each partition: with 3 partitions and
    // 5-second batches, at most 150000 records a batch.
    conf: { 'spark.streaming.kafka.maxRatePerPartition': '10000' },
  });
  // TODO: keep the state and the offsets in the checkpoint directory.
  ssc.checkpoint(checkpointDir);

  // TODO: 2. Read the topic with a direct stream: every batch, the offsets that arrived since the
  // previous one, one RDD partition per topic partition.
  const kafkaParams = {
    'bootstrap.servers': bootstrap,
    'group.id': `order-total-${topic}`,
    'auto.offset.reset': 'earliest',
    'enable.auto.commit': false,
  };
  const kafkaDStream = KafkaUtils.createDirectStream<string, string>(
    ssc,
    LocationStrategies.PreferConsistent,
    ConsumerStrategies.Subscribe<string, string>([topic], kafkaParams),
  );
  const parsed: DStream<Order | string> = kafkaDStream
    .map((record) => parseOrder(record.value))
    .cache();

  // Malformed lines (empty, fields missing, a price that is not a number) are counted and skipped:
  // they never fail the job.
  parsed
    .flatMap((o) => (typeof o === 'string' ? [o] : []))
    .foreachRDD(async (rdd, time) => {
      const bad = await rdd.collect();
      if (bad.length === 0) return;
      malformedSoFar += bad.length;
      console.warn(
        `WARN skipped ${bad.length} malformed line(s) in batch ${time} (${malformedSoFar} so far), such as ${JSON.stringify(bad[0])}`,
      );
    });

  // TODO: 3. The sales of each province in this batch, then added to its total so far.
  const ordersDStream = parsed
    .flatMap((o) => (typeof o === 'string' ? [] : [o]))
    .reduceByKey((a, b) => a + b);
  const totals = ordersDStream
    .updateStateByKey((values: number[], total: number | undefined) =>
      values.reduce((a, b) => a + b, total ?? 0),
    )
    .name('province-totals');

  // TODO: 4. Print the totals of each batch, in yuan.
  totals.mapValues((cents) => (cents / 100).toFixed(2)).print(34);
  return ssc;
}

// TODO: 5. Recover from the checkpoint, or create the context; then run until stopped.
const ssc = StreamingContext.getOrCreate(checkpointDir, createContext);
ssc.sparkContext.setLogLevel('WARN');
await ssc.start();
await ssc.awaitTermination();
