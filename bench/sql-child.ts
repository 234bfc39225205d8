/**
 * One measured dstream program of `npm run bench -- sql` (bench/sql.ts), in its own process:
 *
 *   node bench/sql-child.ts dstream|load|collect ORDERS WARMUP MEASURED INTERVAL_MS
 *
 * `dstream`: per batch, createDataFrame(rdd) → createOrReplaceTempView('orders') → spark.sql → collect,
 * checked against the totals known from generation. `load`: createDataFrame(rdd).count() only.
 * `collect`: rdd.collect() only. Prints the benchmark's JSON lines (lib/child.ts).
 */
import { isDriver, Milliseconds, StreamingContext } from 'dstream';
import { SparkSession } from 'dstream/sql';
import { median, percentile } from './lib/stats.ts';
import { answerChecksum, generateOrders, ORDER_QUERY, ORDER_SCHEMA } from './lib/order-data.ts';
import { FNV_OFFSET, fnv1a, hex } from './lib/word-data.ts';

function print(event: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify(event) + '\n');
}

async function run(
  mode: string,
  orders: number,
  warmup: number,
  measured: number,
  interval: number,
) {
  const total = warmup + measured;
  const data = generateOrders(total, orders);
  print({ event: 'data', impl: mode, batches: total, ordersPerBatch: orders, fnv1a: data.fnv1a });
  const ssc = new StreamingContext({
    master: 'local[2]',
    appName: 'bench-sql',
    batchDuration: Milliseconds(interval),
    // As the Spark driver: no web UI (nor its port) on a shared machine.
    conf: { 'spark.ui.enabled': 'false' },
  });
  ssc.setLogLevel('WARN');
  const sc = ssc.sparkContext;
  const queue = data.batches.map((batch) => sc.parallelize(batch, 2));
  data.batches.length = 0;

  let outputs = 0;
  let mismatches = 0;
  let answers = FNV_OFFSET;
  ssc.queueStream(queue, true).foreachRDD(async (rdd) => {
    const i = outputs++;
    if (i >= total) return;
    if (mode === 'collect') {
      if ((await rdd.collect()).length !== orders) mismatches++;
      return;
    }
    const spark = SparkSession.builder().config(rdd.sparkContext.getConf()).getOrCreate();
    const df = spark.createDataFrame(rdd, ORDER_SCHEMA);
    if (mode === 'load') {
      if ((await df.count()) !== orders) mismatches++;
      return;
    }
    df.createOrReplaceTempView('orders');
    const rows = (await spark.sql(ORDER_QUERY).collect()) as {
      provinceId: number;
      total: number;
      orders: number;
    }[];
    const answer = answerChecksum(rows);
    if (answer !== data.expected[i]) mismatches++;
    answers = fnv1a(answers, answer);
  });

  const processing: number[] = [];
  const done = new Promise<void>((resolve) => {
    ssc.addStreamingListener({
      onBatchCompleted: ({ batchInfo }) => {
        const i = processing.length;
        if (i >= total) return;
        processing.push(batchInfo.processingDelay ?? NaN);
        print({ event: 'batch', i, warmup: i < warmup, processingMs: batchInfo.processingDelay });
        if (i === total - 1) resolve();
      },
    });
  });
  await ssc.start();
  await done;
  await ssc.stop();
  await SparkSession.getActiveSession()?.stop();
  const ms = processing.slice(warmup);
  print({
    event: 'summary',
    impl: mode,
    medianMs: median(ms),
    p90Ms: percentile(ms, 90),
    mismatches,
    answer: hex(answers),
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  });
}

// Task threads load this file too: only the driver runs the program.
if (isDriver()) {
  const [mode = 'dstream', orders = '1000000', warmup = '5', measured = '10', interval = '4000'] =
    process.argv.slice(2);
  if (!['dstream', 'load', 'collect'].includes(mode)) throw new Error(`unknown mode ${mode}`);
  await run(mode, Number(orders), Number(warmup), Number(measured), Number(interval));
}
