import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import scala.Console;

/**
 * Records what Spark SQL's Dataset.show() and printSchema() print, the reference for dstream/sql's
 * show(). Reads the cases of CASES_JSON (test/fixtures/spark-show/cases.json: a DDL schema, rows as
 * JSON objects keyed by column, and the show() calls to make), builds each DataFrame with Spark's
 * own JSON reader under that schema (doubles given as "NaN"/"Infinity" strings, decimals beyond a
 * double as strings: the reader accepts both), and writes what each call printed on stdout to
 * OUT_DIR/CASE.SHOW.txt, and printSchema's output to OUT_DIR/CASE.schema.txt. Timestamps are read
 * and printed in UTC (spark.sql.session.timeZone).
 *
 * <pre>SparkShowFixtures CASES_JSON OUT_DIR</pre>
 */
public final class SparkShowFixtures {

  /** The file-name part of one show() call: default, truncate-false, truncate-5, n-3-vertical... */
  static String showName(JsonNode show) {
    List<String> parts = new ArrayList<>();
    if (show.has("n")) parts.add("n-" + show.get("n").asInt());
    if (show.has("truncate")) parts.add("truncate-" + show.get("truncate").asText());
    if (show.has("vertical")) parts.add("vertical");
    return parts.isEmpty() ? "default" : String.join("-", parts);
  }

  /** What `body` printed through Scala's Console, where Dataset.show() prints. */
  static String captured(Runnable body) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    Console.withOut(
        out,
        () -> {
          body.run();
          return null;
        });
    out.flush();
    return bytes.toString(StandardCharsets.UTF_8);
  }

  public static void main(String[] args) throws Exception {
    Path casesFile = Paths.get(args[0]);
    Path outDir = Paths.get(args[1]);
    Files.createDirectories(outDir);
    ObjectMapper json = new ObjectMapper();
    JsonNode cases = json.readTree(casesFile.toFile()).get("cases");

    SparkSession spark =
        SparkSession.builder()
            .master("local[1]")
            .appName("SparkShowFixtures")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.session.timeZone", "UTC")
            .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    try {
      for (JsonNode c : cases) {
        String name = c.get("name").asText();
        List<String> lines = new ArrayList<>();
        for (JsonNode row : c.get("rows")) lines.add(json.writeValueAsString(row));
        Dataset<Row> df =
            spark
                .read()
                .schema(c.get("schema").asText())
                .option("mode", "FAILFAST")
                .json(spark.createDataset(lines, Encoders.STRING()));
        df.cache();
        if (df.count() != lines.size()) {
          throw new IllegalStateException(name + ": Spark read " + df.count() + " rows");
        }
        Files.writeString(
            outDir.resolve(name + ".schema.txt"), captured(df::printSchema), StandardCharsets.UTF_8);
        for (JsonNode show : c.get("shows")) {
          int n = show.has("n") ? show.get("n").asInt() : 20;
          JsonNode t = show.get("truncate");
          int truncate = t == null ? 20 : t.isBoolean() ? (t.asBoolean() ? 20 : 0) : t.asInt();
          boolean vertical = show.has("vertical") && show.get("vertical").asBoolean();
          String printed = captured(() -> df.show(n, truncate, vertical));
          Path file = outDir.resolve(name + "." + showName(show) + ".txt");
          Files.writeString(file, printed, StandardCharsets.UTF_8);
          System.out.println("wrote " + file);
        }
      }
    } finally {
      spark.stop();
    }
  }
}
