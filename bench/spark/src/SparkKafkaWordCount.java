import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.spark.SparkConf;
import org.apache.spark.streaming.Duration;
import org.apache.spark.streaming.api.java.JavaInputDStream;
import org.apache.spark.streaming.api.java.JavaPairDStream;
import org.apache.spark.streaming.api.java.JavaStreamingContext;
import org.apache.spark.streaming.kafka010.ConsumerStrategies;
import org.apache.spark.streaming.kafka010.KafkaUtils;
import org.apache.spark.streaming.kafka010.LocationStrategies;
import org.apache.spark.streaming.scheduler.BatchInfo;
import org.apache.spark.streaming.scheduler.StreamingListener;
import org.apache.spark.streaming.scheduler.StreamingListenerBatchCompleted;
import scala.Tuple2;

/**
 * The Kafka anchor of bench/kafka.ts: WordCount over Spark Streaming's kafka-0-10 direct stream
 * ({@code KafkaUtils.createDirectStream}, {@code PreferConsistent}, {@code Subscribe}), reading a
 * topic that already holds every line, from its start, in batches bounded by
 * {@code spark.streaming.kafka.maxRatePerPartition} × the batch interval.
 *
 * <pre>SparkKafkaWordCount MASTER BOOTSTRAP TOPIC GROUP_ID INTERVAL_MS MAX_RATE_PER_PARTITION TOTAL_RECORDS</pre>
 *
 * Prints JSON lines on stdout: one "batch" line per batch with records (records, processing start
 * and end in epoch ms, processing and scheduling delay), then one "summary" line once the batches'
 * records add up to TOTAL_RECORDS (the topic's end offsets), with the words counted.
 */
public final class SparkKafkaWordCount {

  // JavaStreamingContext is deprecated in Spark 3.5 (DStreams are): this is the DStream API on purpose.
  @SuppressWarnings("deprecation")
  public static void main(String[] args) throws Exception {
    if (args.length < 7) {
      System.err.println(
          "usage: SparkKafkaWordCount MASTER BOOTSTRAP TOPIC GROUP_ID INTERVAL_MS"
              + " MAX_RATE_PER_PARTITION TOTAL_RECORDS");
      System.exit(2);
    }
    final String master = args[0];
    final String bootstrap = args[1];
    final String topic = args[2];
    final String groupId = args[3];
    final long intervalMs = Long.parseLong(args[4]);
    final long maxRate = Long.parseLong(args[5]);
    final long totalRecords = Long.parseLong(args[6]);

    SparkConf conf =
        new SparkConf()
            .setAppName("dstream-bench-kafka-wordcount")
            .setMaster(master)
            .set("spark.driver.host", "127.0.0.1")
            .set("spark.driver.bindAddress", "127.0.0.1")
            .set("spark.ui.enabled", "false")
            .set("spark.ui.showConsoleProgress", "false")
            .set("spark.streaming.kafka.maxRatePerPartition", Long.toString(maxRate));
    JavaStreamingContext ssc = new JavaStreamingContext(conf, new Duration(intervalMs));
    ssc.sparkContext().setLogLevel("WARN");

    Map<String, Object> kafkaParams = new HashMap<>();
    kafkaParams.put("bootstrap.servers", bootstrap);
    kafkaParams.put("key.deserializer", StringDeserializer.class);
    kafkaParams.put("value.deserializer", StringDeserializer.class);
    kafkaParams.put("group.id", groupId);
    kafkaParams.put("auto.offset.reset", "earliest");
    kafkaParams.put("enable.auto.commit", false);

    // Listener events arrive on Spark's listener-bus thread. Batches without records (before the
    // group assignment, or after the end) are not printed.
    final CountDownLatch done = new CountDownLatch(1);
    final long[] seen = {0, 0}; // records, batches with records
    ssc.addStreamingListener(
        new StreamingListener() {
          @Override
          public void onBatchCompleted(StreamingListenerBatchCompleted event) {
            BatchInfo info = event.batchInfo();
            long records = info.numRecords();
            if (records == 0) return;
            synchronized (seen) {
              if (seen[0] >= totalRecords) return;
              seen[0] += records;
              System.out.println(
                  String.format(
                      Locale.ROOT,
                      "{\"event\":\"batch\",\"i\":%d,\"records\":%d,\"startMs\":%d,\"endMs\":%d,"
                          + "\"processingMs\":%d,\"schedulingMs\":%d}",
                      seen[1]++, records, (Long) info.processingStartTime().get(),
                      (Long) info.processingEndTime().get(), (Long) info.processingDelay().get(),
                      (Long) info.schedulingDelay().get()));
              if (seen[0] >= totalRecords) done.countDown();
            }
          }
        });

    // The job, as bench/spark/src/SparkWordCount.java's, on the records' values.
    final AtomicLong words = new AtomicLong();
    JavaInputDStream<ConsumerRecord<String, String>> stream =
        KafkaUtils.createDirectStream(
            ssc,
            LocationStrategies.PreferConsistent(),
            ConsumerStrategies.<String, String>Subscribe(
                Collections.singletonList(topic), kafkaParams));
    JavaPairDStream<String, Integer> counts =
        stream
            .map(r -> r.value())
            .flatMap(line -> Arrays.asList(line.split(" ")).iterator())
            .mapToPair(word -> new Tuple2<>(word, 1))
            .reduceByKey((a, b) -> a + b);
    // The output operation visits every (word, count) pair: the sum of the counts and the number
    // of distinct words per partition, folded on the driver.
    counts.foreachRDD(
        rdd -> {
          long[] r =
              rdd.mapPartitions(
                      it -> {
                        long sum = 0;
                        long keys = 0;
                        while (it.hasNext()) {
                          sum += it.next()._2();
                          keys++;
                        }
                        return Collections.singletonList(new long[] {sum, keys}).iterator();
                      })
                  .fold(new long[] {0, 0}, (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
          words.addAndGet(r[0]);
        });

    ssc.start();
    done.await();
    ssc.stop(true, false);
    System.out.println(
        String.format(
            Locale.ROOT,
            "{\"event\":\"summary\",\"impl\":\"spark\",\"master\":\"%s\",\"records\":%d,\"words\":%d,"
                + "\"peakRssMiB\":%d}",
            master, seen[0], words.get(), SparkWordCount.peakRssMiB()));
    System.exit(words.get() == 10L * totalRecords ? 0 : 1);
  }
}
