import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.CountDownLatch;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.streaming.Duration;
import org.apache.spark.streaming.api.java.JavaPairDStream;
import org.apache.spark.streaming.api.java.JavaStreamingContext;
import org.apache.spark.streaming.scheduler.BatchInfo;
import org.apache.spark.streaming.scheduler.StreamingListener;
import org.apache.spark.streaming.scheduler.StreamingListenerBatchCompleted;
import scala.Tuple2;

/**
 * dstream's Spark Streaming anchor: the WordCount of bench/wordcount.ts, on Spark Streaming 3.5
 * (DStreams), on the same generated lines.
 *
 * <pre>SparkWordCount MASTER PARTITIONS LINES_PER_BATCH WARMUP MEASURED [INTERVAL_MS]</pre>
 *
 * Every batch is generated and parallelized into PARTITIONS slices before the context starts, then
 * fed one per interval by queueStream. Per batch, a StreamingListener records
 * BatchInfo.processingDelay (first job start to last job end). Prints JSON lines on stdout: one
 * "data" line (checksum of the input), one "batch" line per queued batch, one "summary" line.
 */
public final class SparkWordCount {

  /** The process's peak resident set size in MiB (Linux), or -1. */
  static long peakRssMiB() {
    try {
      for (String line : java.nio.file.Files.readAllLines(java.nio.file.Paths.get("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
      }
    } catch (java.io.IOException | NumberFormatException e) {
      // not Linux: no figure
    }
    return -1;
  }

  // JavaStreamingContext is deprecated in Spark 3.5 (DStreams are): this is the DStream API on purpose.
  @SuppressWarnings("deprecation")
  public static void main(String[] args) throws Exception {
    if (args.length < 5) {
      System.err.println(
          "usage: SparkWordCount MASTER PARTITIONS LINES_PER_BATCH WARMUP MEASURED [INTERVAL_MS]");
      System.exit(2);
    }
    final String master = args[0];
    final int partitions = Integer.parseInt(args[1]);
    final int linesPerBatch = Integer.parseInt(args[2]);
    final int warmup = Integer.parseInt(args[3]);
    final int measured = Integer.parseInt(args[4]);
    final long intervalMs = args.length > 5 ? Long.parseLong(args[5]) : 1000;
    final int total = warmup + measured;

    SparkConf conf =
        new SparkConf()
            .setAppName("dstream-bench-wordcount")
            .setMaster(master)
            // Loopback only, and no UI listening on 0.0.0.0:4040 on a shared machine.
            .set("spark.driver.host", "127.0.0.1")
            .set("spark.driver.bindAddress", "127.0.0.1")
            .set("spark.ui.enabled", "false")
            .set("spark.ui.showConsoleProgress", "false");
    JavaStreamingContext ssc = new JavaStreamingContext(conf, new Duration(intervalMs));
    JavaSparkContext sc = ssc.sparkContext();
    sc.setLogLevel("WARN");

    // The input, generated before the first batch so that generation is never timed.
    long t0 = System.nanoTime();
    WordData gen = new WordData();
    int fnv = WordData.FNV_OFFSET;
    Queue<JavaRDD<String>> queue = new ArrayDeque<>();
    for (int b = 0; b < total; b++) {
      List<String> lines = new ArrayList<>(linesPerBatch);
      for (int i = 0; i < linesPerBatch; i++) {
        String line = gen.nextLine();
        fnv = WordData.fnv1a(fnv, line);
        lines.add(line);
      }
      queue.add(sc.parallelize(lines, partitions));
    }
    System.out.println(
        String.format(
            Locale.ROOT,
            "{\"event\":\"data\",\"impl\":\"spark\",\"batches\":%d,\"linesPerBatch\":%d,\"fnv1a\":\"%s\",\"genMs\":%d}",
            total, linesPerBatch, WordData.hex(fnv), (System.nanoTime() - t0) / 1_000_000));

    // Listener events arrive on Spark's listener-bus thread; only the queued batches count (once
    // the queue is empty, queueStream gives empty batches until the context stops).
    final long[] processingMs = new long[total];
    final CountDownLatch done = new CountDownLatch(total);
    final int[] completed = {0};
    final long[] keysByBatch = new long[total];
    ssc.addStreamingListener(
        new StreamingListener() {
          @Override
          public void onBatchCompleted(StreamingListenerBatchCompleted event) {
            BatchInfo info = event.batchInfo();
            synchronized (processingMs) {
              int i = completed[0];
              if (i >= total) return;
              completed[0]++;
              processingMs[i] = (Long) info.processingDelay().get();
              System.out.println(
                  String.format(
                      Locale.ROOT,
                      "{\"event\":\"batch\",\"i\":%d,\"warmup\":%b,\"processingMs\":%d,\"schedulingMs\":%d,\"keys\":%d}",
                      i, i < warmup, processingMs[i], (Long) info.schedulingDelay().get(),
                      keysByBatch[i]));
            }
            done.countDown();
          }
        });

    // The job, as in Spark's streaming examples.
    final long expectedSum = 10L * linesPerBatch;
    final int[] outputs = {0};
    final int[] mismatches = {0};
    JavaPairDStream<String, Integer> counts =
        ssc.queueStream(queue, true)
            .flatMap(line -> Arrays.asList(line.split(" ")).iterator())
            .mapToPair(word -> new Tuple2<>(word, 1))
            .reduceByKey((a, b) -> a + b);
    // The output operation visits every (word, count) pair: the sum of the counts and the number
    // of distinct words, per partition, then folded on the driver.
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
          int i = outputs[0]++;
          if (i < total) {
            keysByBatch[i] = r[1];
            if (r[0] != expectedSum) mismatches[0]++;
          }
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
    System.out.println(
        String.format(
            Locale.ROOT,
            "{\"event\":\"summary\",\"impl\":\"spark\",\"master\":\"%s\",\"partitions\":%d,\"linesPerBatch\":%d,"
                + "\"warmup\":%d,\"measured\":%d,\"intervalMs\":%d,\"medianMs\":%.1f,\"minMs\":%d,\"maxMs\":%d,"
                + "\"linesPerSec\":%.0f,\"sumMismatches\":%d,\"peakRssMiB\":%d}",
            master, partitions, linesPerBatch, warmup, measured, intervalMs, median, sorted[0],
            sorted[measured - 1], median > 0 ? linesPerBatch / (median / 1000) : 0.0,
            mismatches[0], peakRssMiB()));
    System.exit(mismatches[0] == 0 ? 0 : 1);
  }
}
