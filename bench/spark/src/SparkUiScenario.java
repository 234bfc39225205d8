import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Queue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.streaming.Duration;
import org.apache.spark.streaming.api.java.JavaDStream;
import org.apache.spark.streaming.api.java.JavaStreamingContext;
import org.apache.spark.streaming.receiver.Receiver;
import org.apache.spark.streaming.scheduler.StreamingListener;
import org.apache.spark.streaming.scheduler.StreamingListenerBatchStarted;
import org.apache.spark.streaming.scheduler.StreamingListenerBatchSubmitted;

/**
 * Records Spark's streaming REST API for the scenario of dstream's test/support/ui-scenario.ts:
 * a receiver stream and a queue stream, two output operations, the second failing in batch 2 with
 * an HTML-looking message, batch 3 held running and batch 4 queued behind it. Writes each answer
 * to OUT_DIR (test/fixtures/spark-ui), then lets the application finish.
 *
 * <pre>SparkUiScenario OUT_DIR</pre>
 */
public final class SparkUiScenario {

  /** Stores three records, then two, then one, one batch apart; reports an error once. */
  static final class StoringReceiver extends Receiver<String> {
    StoringReceiver() {
      super(StorageLevel.MEMORY_ONLY());
    }

    @Override
    public void onStart() {
      new Thread(() -> {
        try {
          store(Arrays.asList("a", "b", "c").iterator());
          Thread.sleep(1000);
          store(Arrays.asList("d", "e").iterator());
          reportError("parse failed", new RuntimeException("line <b>7</b>"));
          Thread.sleep(1000);
          store(Arrays.asList("f").iterator());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }).start();
    }

    @Override
    public void onStop() {}
  }

  static String get(String url) throws Exception {
    HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
    int status = c.getResponseCode();
    try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
      String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return status < 400 ? body : "HTTP " + status + "\n" + body;
    }
  }

  /** The batchId of the first batch of this status in a batches answer. */
  static String firstId(String batches, String status) {
    java.util.regex.Matcher m = java.util.regex.Pattern
        .compile("\"batchId\" : ([0-9]+),\\s*\"batchTime\" : \"[^\"]+\",\\s*\"status\" : \"" + status + "\"")
        .matcher(batches);
    return m.find() ? m.group(1) : "none";
  }

  @SuppressWarnings("deprecation")
  public static void main(String[] args) throws Exception {
    Path out = Paths.get(args[0]);
    Files.createDirectories(out);
    SparkConf conf = new SparkConf()
        .setMaster("local[2]")
        .setAppName("dstream-test")
        .set("spark.ui.enabled", "true")
        .set("spark.ui.port", "0")
        .set("spark.driver.host", "127.0.0.1")
        .set("spark.driver.bindAddress", "127.0.0.1");
    JavaStreamingContext ssc = new JavaStreamingContext(conf, new Duration(1000));
    ssc.sparkContext().setLogLevel("ERROR");
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch thirdStarted = new CountDownLatch(1);
    CountDownLatch fourthSubmitted = new CountDownLatch(1);
    AtomicInteger started = new AtomicInteger();
    AtomicInteger submitted = new AtomicInteger();
    ssc.ssc().addStreamingListener(new StreamingListener() {
      @Override
      public void onBatchSubmitted(StreamingListenerBatchSubmitted e) {
        if (submitted.incrementAndGet() == 4) fourthSubmitted.countDown();
      }

      @Override
      public void onBatchStarted(StreamingListenerBatchStarted e) {
        if (started.incrementAndGet() == 3) thirdStarted.countDown();
      }
    });
    JavaDStream<String> received = ssc.receiverStream(new StoringReceiver());
    Queue<JavaRDD<String>> queue = new ArrayDeque<>();
    queue.add(ssc.sparkContext().parallelize(Arrays.asList("q1", "q2")));
    JavaDStream<String> queued = ssc.queueStream(queue);
    AtomicInteger first = new AtomicInteger();
    received.union(queued).foreachRDD(rdd -> {
      rdd.count();
      if (first.incrementAndGet() == 3) release.await();
    });
    AtomicInteger second = new AtomicInteger();
    received.foreachRDD(rdd -> {
      if (second.incrementAndGet() == 2) throw new RuntimeException("bad <script>alert(1)</script> row");
    });
    ssc.start();
    thirdStarted.await();
    fourthSubmitted.await();
    Thread.sleep(500); // the listener of the UI hears the events on its own bus thread
    String ui = ssc.sparkContext().sc().uiWebUrl().get();
    String apps = get(ui + "/api/v1/applications");
    Files.writeString(out.resolve("applications.json"), apps);
    String appId = apps.replaceAll("(?s).*?\"id\" : \"([^\"]+)\".*", "$1");
    String api = ui + "/api/v1/applications/" + appId + "/streaming/";
    Files.writeString(out.resolve("statistics.json"), get(api + "statistics"));
    Files.writeString(out.resolve("receivers.json"), get(api + "receivers"));
    Files.writeString(out.resolve("receivers-0.json"), get(api + "receivers/0"));
    String batches = get(api + "batches");
    Files.writeString(out.resolve("batches.json"), batches);
    Files.writeString(out.resolve("batches-unknown.txt"), get(api + "batches/1"));
    // The first batch of each status, newest first; the failed one is the one with a failure.
    String running = firstId(batches, "PROCESSING");
    String failed = firstId(batches.substring(batches.indexOf("\"firstFailureReason\"") - 600), "COMPLETED");
    Files.writeString(out.resolve("batch-failed.json"), get(api + "batches/" + failed));
    Files.writeString(out.resolve("operations-failed.json"), get(api + "batches/" + failed + "/operations"));
    Files.writeString(out.resolve("operations-running.json"), get(api + "batches/" + running + "/operations"));
    Files.writeString(out.resolve("batches-queued.json"), get(api + "batches?status=QUEUED"));
    release.countDown();
    ssc.stop(true, false);
  }
}
