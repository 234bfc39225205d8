/**
 * SQL over a stream: Spark's SqlNetworkWordCount (examples/streaming/SqlNetworkWordCount.scala),
 * line by line. Each batch of 2 seconds, the words of the lines received become a DataFrame, the
 * temporary view `words`, and a SQL query counts them; `show()` prints the table as Spark does.
 *
 * Usage: sql-network-word-count.ts <hostname> <port>
 *   <hostname> and <port> describe the TCP server that Spark Streaming would connect to receive
 *   data.
 *
 * Run, in two terminals:
 *   dstream feed                                              # stands in for `nc -lk 9999`
 *   dstream run examples/sql-network-word-count.ts localhost 9999
 */
import { Seconds, StreamingContext, type DStream, type RDD, type Time } from 'dstream';
import { SparkSession } from 'dstream/sql';

const [host, port] = process.argv.slice(2);
if (host === undefined || port === undefined) {
  console.error('Usage: sql-network-word-count.ts <hostname> <port>');
  process.exit(1);
}

// Create the context with a 2 second batch size.
const ssc = new StreamingContext({
  master: 'local[2]',
  appName: 'SqlNetworkWordCount',
  batchDuration: Seconds(2),
});
ssc.sparkContext.setLogLevel('WARN');

// A socket stream on the target host:port, its lines split into words.
const lines: DStream<string> = ssc.socketTextStream(host, Number(port));
const words: DStream<string> = lines.flatMap((line) => line.split(' '));

// The words of each batch as a DataFrame, counted with SQL.
words.foreachRDD(async (rdd: RDD<string>, time: Time) => {
  // The session, created on the first batch and found by every later one (Spark's
  // SparkSessionSingleton.getInstance(rdd.sparkContext.getConf)).
  const spark = SparkSession.builder().config(rdd.sparkContext.getConf()).getOrCreate();

  // RDD[string] to a DataFrame of one column, `word` (Spark's Record(word) and toDF()).
  const wordsDataFrame = spark.createDataFrame(
    rdd.map((word) => ({ word })),
    'word STRING',
  );

  // A temporary view of it, for SQL.
  wordsDataFrame.createOrReplaceTempView('words');

  // Word counts of the batch, by SQL, printed.
  const wordCountsDataFrame = spark.sql('select word, count(*) as total from words group by word');
  console.log(`========= ${time.toString()} =========`);
  await wordCountsDataFrame.show();
});

await ssc.start();
await ssc.awaitTermination();
