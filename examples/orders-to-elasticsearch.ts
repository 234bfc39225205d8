/**
 * Every order, as the seed's "recent data" store: order lines `orderId,provinceId,orderPrice` from
 * a Kafka topic, one document per order (document id = order id) in an Elasticsearch or OpenSearch
 * index per day of the batch time (`orders-2026.12.07`: yesterday's data is dropped by deleting
 * one index). The index of a day is created with its mappings the first time a batch goes to it.
 *
 * Every batch is written with the bulk API at a version equal to the batch time, so a batch that
 * runs again writes the same documents again: kill the application (kill -9) and run it again with
 * the same checkpoint directory, and StreamingContext.getOrCreate runs the pending batches again
 * with the same offset ranges; the index still holds each order once.
 *
 * Run (`dstream kafka start` gives a broker on 127.0.0.1:9092, `dstream opensearch start` a
 * search server on http://127.0.0.1:9200):
 *   dstream kafka topics --create --topic orders --partitions 3
 *   dstream orders --kafka 127.0.0.1:9092 --topic orders --rate 100
 *   dstream run examples/orders-to-elasticsearch.ts 127.0.0.1:9092 orders http://127.0.0.1:9200
 *   curl -s 'http://127.0.0.1:9200/_cat/indices?v'
 */
import { StreamingContext, Seconds } from 'dstream';
import { ConsumerStrategies, KafkaUtils, LocationStrategies } from 'dstream/kafka';
import { ElasticsearchSink, dailyIndex } from 'dstream/sinks/elasticsearch';

const [
  bootstrap = '127.0.0.1:9092',
  topic = 'orders',
  elasticsearchUrl = 'http://127.0.0.1:9200',
  checkpointDir = '.tmp/orders-to-elasticsearch-checkpoint',
] = process.argv.slice(2);

/** An order as its document stores it. */
interface Order {
  orderId: string;
  provinceId: number;
  orderPrice: number;
}

const ORDER_LINE = /^\s*(\d+),(\d+),(\d+(?:\.\d{1,2})?)\s*$/;

/** The order of a line; nothing for a malformed one (skipped). */
function parseOrder(line: string): Order[] {
  const m = ORDER_LINE.exec(line);
  return m ? [{ orderId: m[1]!, provinceId: Number(m[2]), orderPrice: Number(m[3]) }] : [];
}

// One sink for the process: it connects on first write, from the driver.
const sink = ElasticsearchSink.create({ url: elasticsearchUrl });
const indexOfDay = dailyIndex('orders');
const ORDERS_MAPPING = {
  mappings: {
    dynamic: 'strict',
    properties: {
      orderId: { type: 'keyword' },
      provinceId: { type: 'integer' },
      orderPrice: { type: 'double' },
    },
  },
};

function createContext(): StreamingContext {
  const ssc = new StreamingContext({
    master: 'local[3]',
    appName: 'OrdersToElasticsearch',
    batchDuration: Seconds(5),
    conf: { 'spark.streaming.kafka.maxRatePerPartition': '10000' },
  });
  // The offsets of each batch: a restart runs the pending batches again.
  ssc.checkpoint(checkpointDir);
  const orders = KafkaUtils.createDirectStream<string, string>(
    ssc,
    LocationStrategies.PreferConsistent,
    ConsumerStrategies.Subscribe<string, string>([topic], {
      'bootstrap.servers': bootstrap,
      'group.id': `orders-to-elasticsearch-${topic}`,
      'auto.offset.reset': 'earliest',
      'enable.auto.commit': false,
    }),
  ).flatMap((record) => parseOrder(record.value));

  orders.foreachRDD(async (rdd, time) => {
    await sink.ensureIndex(indexOfDay(time), ORDERS_MAPPING);
    const { index, written, skipped } = await sink.indexWithCounts(indexOfDay, rdd, {
      id: (o) => o.orderId,
      positions: time,
    });
    if (written + skipped > 0) console.log(`${time}: ${written} orders indexed into ${index}`);
  });
  return ssc;
}

const ssc = StreamingContext.getOrCreate(checkpointDir, createContext);
ssc.sparkContext.setLogLevel('WARN');
await ssc.start();
await ssc.awaitTermination();
