/**
 * The order example with SQL (the seed's 与SparkSQL集成): lines `orderId,provinceId,orderPrice`
 * become a DataFrame per batch, and each batch prints the sales per province, then every batch the
 * three provinces that sold most over the last minute — each twice, once in SQL over a temporary
 * view and once in the DataFrame DSL, the two ways the course teaches; both print the same tables.
 *
 * Run, in two terminals:
 *   dstream orders --port 9999 --rate 20
 *   dstream run examples/order-sql.ts localhost 9999
 * or with `--dir <dir>` (and `dstream orders --dir <dir>`) to read the files written there.
 */
import { Minutes, Seconds, StreamingContext, type DStream, type RDD, type Time } from 'dstream';
import { desc, SparkSession, sum, type DataFrame } from 'dstream/sql';

const args = process.argv.slice(2);
const dirAt = args.indexOf('--dir');
const inputDir = dirAt >= 0 ? args.splice(dirAt, 2)[1] : undefined;
const [host = 'localhost', port = '9999'] = args;

// A type, not an interface: a DataFrame's row is a record of its columns.
type Order = {
  readonly orderId: number;
  readonly provinceId: number;
  readonly orderPrice: number;
};

const ORDER_LINE = /^\s*(\d+),(\d+),(\d+(?:\.\d{1,2})?)\s*$/;
/** Spark's DDL of an order; prices in cents are exact as DECIMAL(10, 2). */
const ORDER_SCHEMA = 'orderId BIGINT, provinceId INT, orderPrice DECIMAL(10, 2)';

const ssc = new StreamingContext({
  master: 'local[3]',
  appName: 'OrderSqlStreaming',
  batchDuration: Seconds(5),
});
ssc.sparkContext.setLogLevel('WARN');

const lines: DStream<string> = inputDir
  ? ssc.textFileStream(inputDir)
  : ssc.socketTextStream(host, Number(port));
// Malformed lines are dropped: the seed's generator writes some on purpose.
const orders = lines.flatMap((line): Order[] => {
  const m = ORDER_LINE.exec(line);
  return m ? [{ orderId: Number(m[1]), provinceId: Number(m[2]), orderPrice: Number(m[3]) }] : [];
});

/** The batch (or window) as the temporary view `orders`, and as a DataFrame for the DSL. */
function ordersFrame(rdd: RDD<Order>): { spark: SparkSession; df: DataFrame } {
  const spark = SparkSession.builder().config(rdd.sparkContext.getConf()).getOrCreate();
  const df = spark.createDataFrame(rdd, ORDER_SCHEMA);
  df.createOrReplaceTempView('orders');
  return { spark, df };
}

// Sales per province in each batch.
orders.foreachRDD(async (rdd: RDD<Order>, time: Time) => {
  const { spark, df } = ordersFrame(rdd);
  console.log(`========= ${time.toString()} sales per province (SQL) =========`);
  await spark
    .sql(
      'SELECT provinceId, sum(orderPrice) AS total FROM orders GROUP BY provinceId ORDER BY provinceId',
    )
    .show(34);
  console.log(`========= ${time.toString()} sales per province (DSL) =========`);
  await df
    .groupBy('provinceId')
    .agg(sum('orderPrice').alias('total'))
    .orderBy('provinceId')
    .show(34);
});

// The three provinces that sold most in the last minute, every batch.
orders.window(Minutes(1), Seconds(5)).foreachRDD(async (rdd: RDD<Order>, time: Time) => {
  const { spark, df } = ordersFrame(rdd);
  console.log(`========= ${time.toString()} top provinces, last minute (SQL) =========`);
  await spark
    .sql(
      'SELECT provinceId, sum(orderPrice) AS total FROM orders GROUP BY provinceId ' +
        'ORDER BY total DESC, provinceId LIMIT 3',
    )
    .show();
  console.log(`========= ${time.toString()} top provinces, last minute (DSL) =========`);
  await df
    .groupBy('provinceId')
    .agg(sum('orderPrice').alias('total'))
    .orderBy(desc('total'), 'provinceId')
    .limit(3)
    .show();
});

await ssc.start();
await ssc.awaitTermination();
