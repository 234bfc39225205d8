import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.CountDownLatch;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.streaming.Duration;
import org.apache.spark.streaming.api.java.JavaStreamingContext;
import org.apache.spark.streaming.scheduler.StreamingListener;
import org.apache.spark.streaming.scheduler.StreamingListenerBatchCompleted;

/**
 * dstream's Spark SQL anchor (bench/sql.ts): Spark Streaming 3.5 with Spark SQL in foreachRDD, as
 * Spark's SqlNetworkWordCount does it, over the generated orders of OrderData.
 *
 * <pre>SparkSqlBench MASTER PARTITIONS ORDERS_PER_BATCH WARMUP MEASURED INTERVAL_MS</pre>
 *
 * Every batch is generated and parallelized before the context starts and fed one per interval by
 * queueStream. Per batch: the session (getOrCreate), createDataFrame(rdd, schema), the view
 * "orders", the grouped query, collectAsList, checked against the totals known from generation.
 * Prints the benchmark's JSON lines: "data", one "batch" per queued batch, "summary".
 */
public final class SparkSqlBench {
  static final String QUERY =
      "SELECT provinceId, sum(orderPrice) AS total, count(*) AS orders FROM orders GROUP BY provinceId";

  // JavaStreamingContext is deprecated in Spark 3.5 (DStreams are): this is the DStream API on purpose.
  @SuppressWarnings("deprecation")
  public static void main(String[] args) throws Exception {
    final String master = args[0];
    final int partitions = Integer.parseInt(args[1]);
    final int ordersPerBatch = Integer.parseInt(args[2]);
    final int warmup = Integer.parseInt(args[3]);
    final int measured = Integer.parseInt(args[4]);
    final long intervalMs = Long.parseLong(args[5]);
    final int total = warmup + measured;

    SparkConf conf =
        new SparkConf()
            .setAppName("dstream-bench-sql")
            .setMaster(master)
            .set("spark.driver.host", "127.0.0.1")
            .set("spark.driver.bindAddress", "127.0.0.1")
            .set("spark.ui.enabled", "false")
            .set("spark.ui.showConsoleProgress", "false");
    JavaStreamingContext ssc = new JavaStreamingContext(conf, new Duration(intervalMs));
    JavaSparkContext sc = ssc.sparkContext();
    sc.setLogLevel("WARN");

    OrderData gen = new OrderData();
    final int[] expected = new int[total];
    Queue<JavaRDD<Row>> queue = new ArrayDeque<>();
    for (int b = 0; b < total; b++) {
      long[] orders = new long[OrderData.PROVINCES];
      long[] cents = new long[OrderData.PROVINCES];
      queue.add(sc.parallelize(gen.nextBatch(ordersPerBatch, orders, cents), partitions));
      expected[b] = OrderData.answerChecksum(orders, cents);
    }
    System.out.println(
        String.format(
            Locale.ROOT,
            "{\"event\":\"data\",\"impl\":\"spark\",\"batches\":%d,\"ordersPerBatch\":%d,\"fnv1a\":\"%s\"}",
            total, ordersPerBatch, WordData.hex(gen.fnv)));

    final long[] processingMs = new long[total];
    final CountDownLatch done = new CountDownLatch(total);
    final int[] completed = {0};
    ssc.addStreamingListener(
        new StreamingListener() {
          @Override
          public void onBatchCompleted(StreamingListenerBatchCompleted event) {
            synchronized (processingMs) {
              int i = completed[0];
              if (i >= total) return;
              completed[0]++;
              processingMs[i] = (Long) event.batchInfo().processingDelay().get();
              System.out.println(
                  String.format(
                      Locale.ROOT,
                      "{\"event\":\"batch\",\"i\":%d,\"warmup\":%b,\"processingMs\":%d}",
                      i, i < warmup, processingMs[i]));
            }
            done.countDown();
          }
        });

    final StructType schema =
        new StructType()
            .add("orderId", DataTypes.LongType)
            .add("provinceId", DataTypes.IntegerType)
            .add("orderPrice", DataTypes.DoubleType);
    final int[] outputs = {0};
    final int[] mismatches = {0};
    final int[] answers = {WordData.FNV_OFFSET};
    ssc.queueStream(queue, true)
        .foreachRDD(
            rdd -> {
              int i = outputs[0]++;
              if (i >= total) return;
              SparkSession spark =
                  SparkSession.builder().config(rdd.context().getConf()).getOrCreate();
              Dataset<Row> df = spark.createDataFrame(rdd, schema);
              df.createOrReplaceTempView("orders");
              List<Row> rows = spark.sql(QUERY).collectAsList();
              long[] orders = new long[OrderData.PROVINCES];
              long[] cents = new long[OrderData.PROVINCES];
              for (Row r : rows) {
                int p = r.getInt(0);
                cents[p] = Math.round(r.getDouble(1) * 100);
                orders[p] = r.getLong(2);
              }
              int answer = OrderData.answerChecksum(orders, cents);
              if (answer != expected[i]) mismatches[0]++;
              answers[0] = WordData.fnv1a(answers[0], WordData.hex(answer));
            });

    ssc.start();
    done.await();
    ssc.stop(true, false);

    long[] sorted = Arrays.copyOfRange(processingMs, warmup, total);
    Arrays.sort(sorted);
    double median =
        measured % 2 == 1
            ? sorted[measured / 2]
            : (sorted[measured / 2 - 1] + sorted[measured / 2]) / 2.0;
    // Nearest rank, as bench/lib/stats.ts's percentile.
    long p90 = sorted[Math.max(1, (int) Math.ceil(0.9 * measured)) - 1];
    System.out.println(
        String.format(
            Locale.ROOT,
            "{\"event\":\"summary\",\"impl\":\"spark\",\"medianMs\":%.1f,\"p90Ms\":%d,\"mismatches\":%d,"
                + "\"answer\":\"%s\",\"peakRssMiB\":%d}",
            median, p90, mismatches[0], WordData.hex(answers[0]), SparkWordCount.peakRssMiB()));
    System.exit(mismatches[0] == 0 ? 0 : 1);
  }
}
