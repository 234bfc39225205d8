import static org.apache.spark.sql.functions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Records what Spark SQL prints for DataFrame DSL queries, the reference for dstream/sql's DSL:
 * the column names Spark generates (`sum(quantity)`, `count(1)`, `(price + 1)`) and the rows.
 * Reads the tables of TABLES_JSON (test/fixtures/spark-dsl/tables.json: a DDL schema and rows per
 * table, read with Spark's JSON reader), runs each query below (test/sql-dsl-spark.test.ts runs the
 * same ones, in TypeScript, under the same names) and writes what show(100, false) printed to
 * OUT_DIR/QUERY.txt; a query expected to fail writes the first line of Spark's error instead.
 * Every query sorts its rows, so that both sides print them in one order.
 *
 * <pre>SparkDslFixtures TABLES_JSON OUT_DIR</pre>
 */
public final class SparkDslFixtures {

  static String captured(Runnable body) {
    return SparkShowFixtures.captured(body);
  }

  public static void main(String[] args) throws Exception {
    Path tablesFile = Paths.get(args[0]);
    Path outDir = Paths.get(args[1]);
    Files.createDirectories(outDir);
    ObjectMapper json = new ObjectMapper();
    JsonNode tables = json.readTree(tablesFile.toFile()).get("tables");

    SparkSession spark =
        SparkSession.builder()
            .master("local[1]")
            .appName("SparkDslFixtures")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.shuffle.partitions", "1")
            .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    try {
      Map<String, Dataset<Row>> t = new LinkedHashMap<>();
      var names = tables.fieldNames();
      while (names.hasNext()) {
        String name = names.next();
        JsonNode table = tables.get(name);
        List<String> lines = new ArrayList<>();
        for (JsonNode row : table.get("rows")) lines.add(json.writeValueAsString(row));
        Dataset<Row> df =
            spark
                .read()
                .schema(table.get("schema").asText())
                .option("mode", "FAILFAST")
                .json(spark.createDataset(lines, Encoders.STRING()));
        t.put(name, df.cache());
      }
      Dataset<Row> orders = t.get("orders");
      Dataset<Row> provinces = t.get("provinces");
      Dataset<Row> weird = t.get("weird");
      Dataset<Row> events = t.get("events");

      Map<String, Supplier<Dataset<Row>>> q = new LinkedHashMap<>();
      q.put("group_count", () -> orders.groupBy("province").count().orderBy("province"));
      q.put(
          "group_agg",
          () ->
              orders
                  .groupBy(col("province"))
                  .agg(
                      sum("quantity"),
                      avg("price"),
                      mean(col("quantity")),
                      count("*"),
                      count(col("city")),
                      min("price"),
                      max("price"),
                      countDistinct("city"))
                  .orderBy("province"));
      q.put("group_sum_names", () -> orders.groupBy("province").sum("quantity", "price").orderBy("province"));
      q.put("group_avg_all", () -> orders.groupBy("province").avg().orderBy("province"));
      q.put("group_max_min", () -> orders.groupBy("city").max("price").orderBy("city"));
      q.put("agg_global", () -> orders.agg(sum("quantity"), max("price"), count(lit(1))));
      q.put("group_alias", () -> orders.groupBy("province").agg(sum("quantity").alias("total")).orderBy(desc("total")));
      q.put(
          "select_arithmetic",
          () ->
              orders
                  .select(
                      col("id"),
                      col("price").plus(1),
                      col("price").minus(lit(1)),
                      col("quantity").multiply(2),
                      col("price").divide(col("quantity")),
                      col("quantity").mod(3),
                      lit(1),
                      lit("x"),
                      lit(2.5),
                      lit(true))
                  .orderBy("id"));
      q.put(
          "select_comparisons",
          () ->
              orders
                  .select(
                      col("id"),
                      col("quantity").equalTo(1),
                      col("city").eqNullSafe(lit(null)),
                      col("quantity").notEqual(1),
                      col("price").gt(5),
                      col("price").geq(8),
                      col("price").lt(5),
                      col("price").leq(3))
                  .orderBy("id"));
      q.put(
          "select_logic",
          () ->
              orders
                  .select(
                      col("id"),
                      col("price").gt(5).and(col("quantity").gt(1)),
                      col("price").gt(50).or(col("quantity").gt(5)),
                      not(col("price").gt(5)),
                      col("city").isNull(),
                      col("price").isNotNull(),
                      col("province").isin("Zhejiang", "Sichuan"),
                      col("city").like("%zhou"))
                  .orderBy("id"));
      q.put(
          "select_functions",
          () ->
              orders
                  .select(
                      col("id"),
                      upper(col("city")),
                      lower(col("province")),
                      length(col("city")),
                      round(col("price")),
                      round(col("price"), 1),
                      coalesce(col("city"), lit("none")),
                      concat(col("province"), lit("/"), col("city")),
                      col("quantity").cast("bigint"),
                      col("price").cast("string"),
                      col("price").cast("int"))
                  .orderBy("id"));
      q.put(
          "select_when",
          () ->
              orders
                  .select(
                      col("id"),
                      when(col("price").gt(10), "high").when(col("price").gt(5), "mid").otherwise("low"),
                      when(col("quantity").geq(3), lit(1)))
                  .orderBy("id"));
      q.put("select_names", () -> orders.select("id", "city").orderBy(col("id").desc()));
      q.put("select_alias", () -> orders.select(col("id").as("order_id"), col("price").multiply(col("quantity")).alias("total")).orderBy("order_id"));
      q.put("select_expr", () -> orders.selectExpr("id", "price * 2 AS double_price", "quantity + 1 AS q").orderBy("id"));
      q.put("where_column", () -> orders.where(col("price").gt(5).and(col("province").equalTo("Zhejiang"))).orderBy("id"));
      q.put("filter_string", () -> orders.filter("quantity > 1").select("id", "quantity").orderBy("id"));
      q.put("order_desc_nulls", () -> orders.select("id", "price").orderBy(desc("price"), asc("id")));
      q.put("order_asc_nulls", () -> orders.select("id", "city").orderBy(asc("city"), col("id")));
      q.put("limit", () -> orders.orderBy("id").limit(3).select("id"));
      q.put(
          "with_columns",
          () ->
              orders
                  .withColumn("total", col("price").multiply(col("quantity")))
                  .withColumn("price", round(col("price"), 0))
                  .withColumnRenamed("city", "town")
                  .withColumnRenamed("nothing", "else")
                  .drop("ts", "nothing")
                  .orderBy("id"));
      q.put("distinct", () -> orders.select("province").distinct().orderBy("province"));
      q.put("drop_duplicates", () -> orders.select("province", "city").dropDuplicates().orderBy("province", "city"));
      q.put(
          "drop_duplicates_subset",
          () -> orders.dropDuplicates("province").select("province").orderBy("province"));
      q.put(
          "union",
          () -> orders.select("province").union(provinces.select("province")).orderBy("province"));
      q.put(
          "union_by_name",
          () ->
              provinces
                  .select("region", "province")
                  .unionByName(provinces.select("province", "region"))
                  .orderBy("province", "region"));
      for (String how : new String[] {"inner", "left", "right", "full", "left_semi", "left_anti"}) {
        q.put(
            "join_using_" + how,
            () ->
                orders
                    .select("id", "province")
                    .join(provinces, "province", how)
                    .orderBy(col("province"), col("id")));
      }
      q.put(
          "join_using_list",
          () ->
              orders
                  .select("id", "province")
                  .join(
                      provinces,
                      scala.collection.JavaConverters.asScalaBuffer(List.of("province")).toSeq(),
                      "outer")
                  .orderBy(col("province"), col("id")));
      Dataset<Row> regions = provinces.withColumnRenamed("province", "p");
      for (String how : new String[] {"inner", "left", "right", "outer", "left_semi", "left_anti"}) {
        q.put(
            "join_on_" + how,
            () ->
                orders
                    .select("id", "province")
                    .join(regions, orders.col("province").equalTo(regions.col("p")), how)
                    .orderBy(col("id")));
      }
      q.put(
          "join_on_same_names",
          () ->
              orders
                  .select("id", "province")
                  .join(provinces, orders.col("province").equalTo(provinces.col("province")), "left")
                  .orderBy(orders.col("id")));
      q.put(
          "join_cross",
          () -> provinces.select("region").distinct().crossJoin(provinces.select("province")).orderBy("region", "province"));
      q.put(
          "window_tumbling",
          () -> orders.groupBy(window(col("ts"), "1 minute")).agg(sum("quantity"), count("*")).orderBy("window"));
      q.put(
          "window_sliding",
          () ->
              orders
                  .groupBy(window(col("ts"), "1 minute", "30 seconds"), col("province"))
                  .count()
                  .orderBy("window", "province"));
      q.put(
          "window_start_time",
          () -> orders.groupBy(window(col("ts"), "1 minute", "1 minute", "15 seconds")).count().orderBy("window"));
      q.put(
          "window_fields",
          () ->
              orders
                  .groupBy(window(col("ts"), "2 minutes"))
                  .agg(sum("quantity").alias("q"))
                  .select(col("window.start"), col("window").getField("end"), col("q"))
                  .orderBy("start"));
      q.put(
          "window_null_ts",
          () -> events.groupBy(window(col("ts"), "1 minute")).agg(sum("n"), count("*")).orderBy("window"));
      q.put(
          "window_null_ts_sliding",
          () ->
              events
                  .groupBy(window(col("ts"), "1 minute", "20 seconds"))
                  .agg(sum("n"))
                  .orderBy("window"));
      q.put(
          "window_select",
          () -> events.select(col("n"), window(col("ts"), "30 seconds")).orderBy("n"));
      q.put("date_format", () -> orders.select(col("id"), date_format(col("ts"), "yyyy-MM-dd HH:mm")).orderBy("id"));
      q.put(
          "escaping",
          () ->
              weird
                  .select(col("first name"), col("it's").plus(1), col("say \"hi\""), lit("it's"))
                  .where(col("first name").notEqual("Zoë").or(col("first name").isNull()))
                  .orderBy(col("it's")));
      q.put("escaping_group", () -> weird.groupBy("say \"hi\"").agg(max("it's")).orderBy("say \"hi\""));
      q.put("unresolved_column", () -> orders.select(col("id"), col("prise")));

      for (Map.Entry<String, Supplier<Dataset<Row>>> e : q.entrySet()) {
        String printed;
        try {
          Dataset<Row> df = e.getValue().get();
          printed = captured(() -> df.show(100, false));
        } catch (Exception err) {
          String message = err.getMessage();
          printed = "ERROR " + message.split("\n")[0] + "\n";
        }
        Path file = outDir.resolve(e.getKey() + ".txt");
        Files.writeString(file, printed, StandardCharsets.UTF_8);
        System.out.println("wrote " + file);
      }
    } finally {
      spark.stop();
    }
  }
}
