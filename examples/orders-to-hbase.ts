/**
 * Every order, stored in HBase: the seed's "all data" store. Order lines
 * `orderId,provinceId,orderPrice` are the records of a Kafka topic; a direct stream reads them
 * every 5-second batch and puts each order into the HBase table named after the topic (created
 * when missing) through HBase's REST gateway: row key = the order id, columns `cf:provinceId` and
 * `cf:orderPrice`.
 *
 * The put is idempotent: every cell's version is the batch time, so a batch that runs again writes
 * the same cells at the same version. The offsets of each batch live in the checkpoint directory:
 * kill the application (kill -9), even right after HBase took a batch, and run it again with the
 * same directory; StreamingContext.getOrCreate runs the pending batches again with the same offset
 * ranges and the same batch times, and the table ends with exactly one row per order.
 *
 * Run (`dstream kafka start` gives a broker on 127.0.0.1:9092, `dstream hbase start` an HBase with
 * its REST gateway on 127.0.0.1:18080):
 *   dstream kafka topics --create --topic orders --partitions 3
 *   dstream orders --kafka 127.0.0.1:9092 --topic orders --rate 100
 *   dstream run examples/orders-to-hbase.ts 127.0.0.1:9092 orders http://127.0.0.1:18080 /tmp/orders-hbase-checkpoint
 */
import { StreamingContext, Seconds, isDriver } from 'dstream';
import { ConsumerStrategies, KafkaUtils, LocationStrategies } from 'dstream/kafka';
import { HBaseSink } from 'dstream/sinks/hbase';

const [
  bootstrap = '127.0.0.1:9092',
  topic = 'orders',
  restUrl = 'http://127.0.0.1:18080',
  checkpointDir = '.tmp/orders-to-hbase-checkpoint',
] = process.argv.slice(2);

/** An order as stored: its row key and its two columns. */
interface Order {
  readonly orderId: string;
  readonly provinceId: string;
  readonly orderPrice: string;
}

const ORDER_LINE = /^\s*(\d+),(\d+),(\d+(?:\.\d{1,2})?)\s*$/;

/** The order of a line; none for a malformed line (skipped, as in the seed). */
function parseOrder(line: string): Order[] {
  const m = ORDER_LINE.exec(line);
  return m ? [{ orderId: m[1]!, provinceId: m[2]!, orderPrice: m[3]! }] : [];
}

// Made in every thread that loads this file, but it connects on first use: on the driver only.
const hbase = HBaseSink.create({ url: restUrl });

function createContext(): StreamingContext {
  const ssc = new StreamingContext({
    master: 'local[3]',
    appName: 'OrdersToHBase',
    batchDuration: Seconds(5),
  });
  ssc.checkpoint(checkpointDir);
  const kafkaParams = {
    'bootstrap.servers': bootstrap,
    'group.id': `orders-to-hbase-${topic}`,
    'auto.offset.reset': 'earliest',
    'enable.auto.commit': false,
  };
  const orders = KafkaUtils.createDirectStream<string, string>(
    ssc,
    LocationStrategies.PreferConsistent,
    ConsumerStrategies.Subscribe<string, string>([topic], kafkaParams),
  ).flatMap((record) => parseOrder(record.value));

  // One line for the common case: put every order by its row key, versioned by the batch time.
  orders.foreachRDD(async (rdd, time) => {
    const { rows } = await hbase.put(topic, rdd, { family: 'cf', rowKey: 'orderId', time });
    if (rows > 0) console.log(`${time.milliseconds} ms: put ${rows} orders into HBase`);
  });
  return ssc;
}

// The table, once, on the driver (task threads load this file too).
if (isDriver()) await hbase.createTable(topic, ['cf']);
const ssc = StreamingContext.getOrCreate(checkpointDir, createContext);
ssc.sparkContext.setLogLevel('WARN');
await ssc.start();
await ssc.awaitTermination();
