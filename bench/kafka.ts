/**
 * WordCount from Kafka, side by side in one run: the same lines, pre-produced into a topic of 2 and
 * a topic of 4 partitions on a broker this benchmark starts (the project's own, src/cli/kafka), read
 * from the start by
 *
 *   - dstream's direct stream (`KafkaUtils.createDirectStream`, `PreferConsistent`, `Subscribe`),
 *     `local[2]` and `local[1]`;
 *   - Apache Spark Streaming 3.5's kafka-0-10 direct stream, `local[2]` (spark/src/SparkKafkaWordCount.java);
 *   - a bare `@platformatic/kafka` loop doing the same count: the low-level `fetch()` loop, and the
 *     `consume()` stream; the faster is the ceiling;
 *
 * each in a fresh process, in turn, the order rotating every round. The streaming programs read the
 * backlog in fixed-size batches: `spark.streaming.kafka.maxRatePerPartition` × the batch interval
 * records per partition, with an interval short enough that batches queue and run back to back.
 * The figure is records per second of wall time, from the start of the first measured batch to the
 * end of the batch that reaches the topic's end offsets (bench/README.md, "Kafka").
 *
 *   node bench/kafka.ts [--quick] [--rounds N] [--partitions 2,4] [--lines 100000] [--warmup N]
 *                       [--measured N] [--interval MS] [--no-spark] [--verbose] [--report FILE]
 *
 * Last line: the headline for the topic of 4 partitions (the last measured):
 *   kafka wordcount local[2], <p> partitions: <x>x spark direct stream, <y>% of bare consumer per core, local[2]/local[1] <z>x
 *
 * The same file is the measured dstream and bare programs (`--child dstream|fetch|consume ...`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { eventOf, runChild, type BenchEvent } from './lib/child.ts';
import { produceLines, startBenchBroker, type ProducedTopic } from './lib/kafka-broker.ts';
import {
  BENCH_WORK,
  ensureBuilt,
  formatLoad,
  machine,
  REPO_ROOT,
  reportHeader,
  type Machine,
} from './lib/machine.ts';
import {
  formatRate,
  formatSpread,
  measuredWindow,
  median,
  spread,
  type Spread,
} from './lib/stats.ts';
import { KNOWN_CHECKSUMS } from './lib/word-data.ts';
import { ensureSpark, javaVersion, sparkKafkaCommand } from './spark/spark.ts';

// ------------------------------------------------------------------------------ configuration

export interface KafkaConfig {
  /** Records per batch, over all partitions (each partition gives linesPerBatch / P). */
  linesPerBatch: number;
  /** Batches' worth of records read before the measured ones (JIT, consumers, group join). */
  warmup: number;
  measured: number;
  /** The batch interval: short, so that the backlog's batches queue and run back to back. */
  intervalMs: number;
  partitions: readonly number[];
}

/** 40 × 100,000 lines per topic: the generator's run whose checksum is 442d09fb. */
const FULL: KafkaConfig = {
  linesPerBatch: 100_000,
  warmup: 10,
  measured: 30,
  intervalMs: 50,
  partitions: [2, 4],
};
/** 20 × 100,000 (checksum d90d6fc1). */
const QUICK: KafkaConfig = {
  linesPerBatch: 100_000,
  warmup: 5,
  measured: 15,
  intervalMs: 50,
  partitions: [2, 4],
};
const FULL_ROUNDS = 3;
const QUICK_ROUNDS = 1;

type Impl = 'spark2' | 'dstream2' | 'dstream1' | 'fetch' | 'consume';
const IMPLS: readonly Impl[] = ['spark2', 'dstream2', 'dstream1', 'fetch', 'consume'];
const LABELS: Record<Impl, string> = {
  spark2: 'spark-streaming kafka-0-10 local[2]',
  dstream2: 'dstream direct stream local[2]',
  dstream1: 'dstream direct stream local[1]',
  fetch: 'bare fetch() loop (1 thread)',
  consume: 'bare consume() stream (1 thread)',
};

// ------------------------------------------------------------------------------ the children

interface ChildArgs {
  master: string;
  bootstrap: string;
  topic: string;
  groupId: string;
  intervalMs: number;
  maxRatePerPartition: number;
  /** End offset of each partition: the programs stop once they have read up to them. */
  endOffsets: number[];
  /** The bare loops count in batches of this many records, as the streams do. */
  linesPerBatch: number;
  /** dstream: `direct` (createDirectStream) or `rdd` (createRDD over a queue of fixed ranges). */
  api: 'direct' | 'rdd';
}

function print(event: BenchEvent): void {
  process.stdout.write(JSON.stringify(event) + '\n');
}

const epochMs = (): number => performance.timeOrigin + performance.now();

/**
 * dstream's WordCount over the topic: the direct stream, `map` to the value, `flatMap` to words,
 * `reduceByKey`, and the output of bench/wordcount.ts (every (word, count) pair visited).
 */
async function childDstream(a: ChildArgs): Promise<void> {
  const { StreamingContext, Milliseconds, isDriver } = await import('dstream');
  const kafka = await import('dstream/kafka');
  const total = a.endOffsets.reduce((x, y) => x + y, 0);
  const ssc = new StreamingContext({
    master: a.master,
    appName: 'bench-kafka-wordcount',
    batchDuration: Milliseconds(a.intervalMs),
    conf: { 'spark.streaming.kafka.maxRatePerPartition': String(a.maxRatePerPartition) },
  });
  ssc.setLogLevel('WARN');
  const kafkaParams = {
    'bootstrap.servers': a.bootstrap,
    'group.id': a.groupId,
    'auto.offset.reset': 'earliest',
    'enable.auto.commit': false,
  };
  // The records of each batch when the batches are given (the rdd path): BatchInfo.numRecords
  // counts only input streams that report their input.
  const given: number[] = [];
  let stream;
  if (a.api === 'direct') {
    stream = kafka.KafkaUtils.createDirectStream<string, string>(
      ssc,
      kafka.LocationStrategies.PreferConsistent,
      kafka.ConsumerStrategies.Subscribe<string, string>([a.topic], kafkaParams),
    );
  } else {
    // The same ranges the rate limit would give, made on the driver (task threads get theirs
    // from it).
    const queue = [];
    if (isDriver()) {
      const per = Math.floor((a.maxRatePerPartition * a.intervalMs) / 1000);
      const pos = a.endOffsets.map(() => 0);
      while (pos.some((p, i) => p < a.endOffsets[i]!)) {
        const ranges = pos.map((from, partition) => {
          const until = Math.min(from + per, a.endOffsets[partition]!);
          pos[partition] = until;
          return kafka.OffsetRange.create(a.topic, partition, from, until);
        });
        given.push(ranges.reduce((n, r) => n + r.count(), 0));
        queue.push(
          kafka.KafkaUtils.createRDD<string, string>(ssc.sparkContext, kafkaParams, ranges),
        );
      }
    }
    stream = ssc.queueStream(queue, true);
  }

  let words = 0;
  stream
    .map((r) => r.value)
    .flatMap((line) => line.split(' '))
    .map((word) => [word, 1] as const)
    .reduceByKey((x, y) => x + y)
    .foreachRDD(async (rdd) => {
      const [sum] = await rdd
        .mapPartitions((pairs) => {
          let s = 0;
          let n = 0;
          for (const p of pairs) {
            s += p[1];
            n++;
          }
          return [[s, n] as [number, number]];
        })
        .fold([0, 0], (x, y) => [x[0] + y[0], x[1] + y[1]]);
      words += sum;
    });

  let seen = 0;
  let batches = 0;
  let rddBatch = 0;
  const done = new Promise<void>((resolve) => {
    ssc.addStreamingListener({
      onBatchCompleted: ({ batchInfo }) => {
        const records = a.api === 'direct' ? batchInfo.numRecords : (given[rddBatch++] ?? 0);
        if (records === 0 || seen >= total) return;
        seen += records;
        print({
          event: 'batch',
          i: batches++,
          records,
          startMs: batchInfo.processingStartTime,
          endMs: batchInfo.processingEndTime,
          processingMs: batchInfo.processingDelay,
          schedulingMs: batchInfo.schedulingDelay,
        });
        if (seen >= total) resolve();
      },
    });
  });
  await ssc.start();
  await done;
  await ssc.stop();
  print({
    event: 'summary',
    impl: 'dstream',
    api: a.api,
    master: a.master,
    records: seen,
    words,
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  });
  if (words !== 10 * total) process.exitCode = 1;
}

/**
 * Counts one record's words into `counts` (the bare loops' per-record work: the string, the split,
 * the map), and says when a batch's worth of records is complete.
 */
class BareCounter {
  private counts = new Map<string, number>();
  private inBatch = 0;
  private batches = 0;
  private batchStart = epochMs();
  records = 0;
  words = 0;

  private readonly linesPerBatch: number;

  constructor(linesPerBatch: number) {
    this.linesPerBatch = linesPerBatch;
  }

  add(line: string): void {
    const words = line.split(' ');
    const counts = this.counts;
    for (let k = 0; k < words.length; k++) {
      const w = words[k]!;
      counts.set(w, (counts.get(w) ?? 0) + 1);
    }
    this.records++;
    if (++this.inBatch === this.linesPerBatch) this.flush();
  }

  /** Ends a batch: the counts are visited (summed), as the streams' output does. */
  flush(): void {
    if (this.inBatch === 0) return;
    let sum = 0;
    for (const c of this.counts.values()) sum += c;
    this.words += sum;
    const end = epochMs();
    print({
      event: 'batch',
      i: this.batches++,
      records: this.inBatch,
      startMs: this.batchStart,
      endMs: end,
      processingMs: end - this.batchStart,
    });
    this.batchStart = end;
    this.counts = new Map();
    this.inBatch = 0;
  }
}

/**
 * The ceiling, low level: `consumer.fetch()` from offset 0 of every partition in one request per
 * round trip, no group, values to strings, counted: the loop of a bare client.
 */
async function childFetch(a: ChildArgs): Promise<void> {
  const { Consumer } = await import('@platformatic/kafka');
  const consumer = new Consumer({
    clientId: 'dstream-bench-fetch',
    groupId: a.groupId,
    bootstrapBrokers: [a.bootstrap],
    autocommit: false,
  });
  const counter = new BareCounter(a.linesPerBatch);
  const total = a.endOffsets.reduce((x, y) => x + y, 0);
  try {
    const t = (await consumer.metadata({ topics: [a.topic] })).topics.get(a.topic)!;
    const pos = a.endOffsets.map(() => 0n);
    const ends = a.endOffsets.map(BigInt);
    while (counter.records < total) {
      const partitions = [];
      for (let p = 0; p < pos.length; p++) {
        if (pos[p]! < ends[p]!) {
          partitions.push({
            partition: p,
            fetchOffset: pos[p]!,
            partitionMaxBytes: 1 << 20,
            currentLeaderEpoch: -1,
            lastFetchedEpoch: -1,
          });
        }
      }
      // One broker: every partition has the same leader.
      const res = await consumer.fetch({
        node: t.partitions[0]!.leader,
        topics: [{ topicId: t.id, partitions }],
        maxWaitTime: 100,
        maxBytes: 8 << 20,
      });
      for (const part of res.responses[0]?.partitions ?? []) {
        const p = part.partitionIndex;
        for (const batch of part.records ?? []) {
          for (const r of batch.records) {
            const offset = batch.firstOffset + BigInt(r.offsetDelta);
            if (offset < pos[p]! || offset >= ends[p]!) continue;
            counter.add(r.value!.toString('utf8'));
            pos[p] = offset + 1n;
          }
        }
      }
    }
    counter.flush();
  } finally {
    await consumer.close(true);
  }
  bareSummary('fetch', counter, total);
}

/** The ceiling, high level: the `consume()` stream of a fresh group from the earliest offsets. */
async function childConsume(a: ChildArgs): Promise<void> {
  const { Consumer, stringDeserializers } = await import('@platformatic/kafka');
  const consumer = new Consumer({
    clientId: 'dstream-bench-consume',
    groupId: a.groupId,
    bootstrapBrokers: [a.bootstrap],
    deserializers: stringDeserializers,
    autocommit: false,
    maxWaitTime: 100,
  });
  const counter = new BareCounter(a.linesPerBatch);
  const total = a.endOffsets.reduce((x, y) => x + y, 0);
  try {
    const stream = await consumer.consume({ topics: [a.topic], mode: 'earliest' });
    await new Promise<void>((resolve, reject) => {
      stream.on('error', reject);
      stream.on('data', (m) => {
        if (counter.records >= total) return;
        counter.add(m.value);
        if (counter.records === total) resolve();
      });
    });
    counter.flush();
    await stream.close();
  } finally {
    await consumer.close(true);
  }
  bareSummary('consume', counter, total);
}

function bareSummary(impl: string, counter: BareCounter, total: number): void {
  print({
    event: 'summary',
    impl,
    master: 'none',
    records: counter.records,
    words: counter.words,
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  });
  if (counter.words !== 10 * total) process.exitCode = 1;
}

// ------------------------------------------------------------------------------ the comparison

interface Options {
  config: KafkaConfig;
  rounds: number;
  spark: boolean;
  sparkHeap: string;
  verbose: boolean;
  report: string | undefined;
  api: 'direct' | 'rdd';
  /** The bare loops measured. */
  bare: readonly Impl[];
}

interface Run {
  impl: Impl;
  partitions: number;
  round: number;
  /** Records per second of wall time over the measured batches. */
  recordsPerSec: number;
  /** The same records over the sum of the measured batches' processing times. */
  processingRecordsPerSec: number;
  measuredRecords: number;
  windowMs: number;
  /** Share of the window in which no batch was processing (should be near 0: batches queue). */
  idle: number;
  batches: number;
  medianBatchMs: number;
  peakRssMiB: number;
  loadAtStart: number;
  wallMs: number;
  events: BenchEvent[];
}

function childCommand(
  impl: Impl,
  topic: ProducedTopic,
  bootstrap: string,
  round: number,
  o: Options,
): [string, string[], NodeJS.ProcessEnv] {
  const c = o.config;
  const perPartition = c.linesPerBatch / topic.partitions;
  const maxRatePerPartition = Math.round((perPartition * 1000) / c.intervalMs);
  const groupId = `bench-${impl}-p${topic.partitions}-r${round}-${Date.now()}`;
  if (impl === 'spark2') {
    const s = sparkKafkaCommand({
      master: 'local[2]',
      bootstrap,
      topic: topic.topic,
      groupId,
      intervalMs: c.intervalMs,
      maxRatePerPartition,
      totalRecords: topic.records,
      heap: o.sparkHeap,
    });
    return [s.command, s.args, s.env];
  }
  const child = impl === 'dstream2' || impl === 'dstream1' ? 'dstream' : impl;
  const args = [
    import.meta.filename,
    '--child',
    child,
    '--master',
    impl === 'dstream1' ? 'local[1]' : 'local[2]',
    '--bootstrap',
    bootstrap,
    '--topic',
    topic.topic,
    '--group',
    groupId,
    '--interval',
    String(c.intervalMs),
    '--max-rate',
    String(maxRatePerPartition),
    '--ends',
    topic.endOffsets.join(','),
    '--lines',
    String(c.linesPerBatch),
    '--api',
    o.api,
  ];
  return [process.execPath, args, { ...process.env, DSTREAM_LOG_LEVEL: 'WARN' }];
}

async function measure(
  impl: Impl,
  topic: ProducedTopic,
  bootstrap: string,
  round: number,
  o: Options,
): Promise<Run> {
  const [command, args, env] = childCommand(impl, topic, bootstrap, round, o);
  const label = `${LABELS[impl]} p${topic.partitions}`;
  const r = await runChild(command, args, { env, verbose: o.verbose, label });
  const s = eventOf(r, 'summary', label);
  if (s.words !== 10 * topic.records) {
    throw new Error(`${label}: counted ${String(s.words)} words, expected ${10 * topic.records}`);
  }
  const batches = r.events
    .filter((e) => e.event === 'batch')
    .map((e) => ({
      records: e.records as number,
      startMs: e.startMs as number,
      endMs: e.endMs as number,
      processingMs: e.processingMs as number,
    }));
  const w = measuredWindow(batches, o.config.warmup * o.config.linesPerBatch);
  return {
    impl,
    partitions: topic.partitions,
    round,
    recordsPerSec: w.records / (w.windowMs / 1000),
    processingRecordsPerSec: w.records / (w.processingMs / 1000),
    measuredRecords: w.records,
    windowMs: w.windowMs,
    idle: 1 - w.processingMs / w.windowMs,
    batches: w.batches,
    medianBatchMs: w.medianMs,
    peakRssMiB: s.peakRssMiB as number,
    loadAtStart: r.loadAtStart,
    wallMs: r.wallMs,
    events: r.events,
  };
}

interface TopicResult {
  topic: ProducedTopic;
  runs: Run[];
  throughput: Partial<Record<Impl, Spread>>;
  vsSpark: Spread;
  ofBarePerCore: Spread;
  scaling: Spread;
  /** Which bare loop was faster, per round. */
  faster: Impl[];
}

function byRound(runs: readonly Run[]): Map<number, Partial<Record<Impl, Run>>> {
  const rounds = new Map<number, Partial<Record<Impl, Run>>>();
  for (const r of runs) {
    const by = rounds.get(r.round) ?? {};
    by[r.impl] = r;
    rounds.set(r.round, by);
  }
  return rounds;
}

/** The faster bare loop of a round: the ceiling. */
function ceiling(by: Partial<Record<Impl, Run>>): Run | undefined {
  const loops = [by.fetch, by.consume].filter((r): r is Run => r !== undefined);
  return loops.sort((x, y) => y.recordsPerSec - x.recordsPerSec)[0];
}

function ratio(
  runs: readonly Run[],
  f: (by: Partial<Record<Impl, Run>>) => number | undefined,
): Spread {
  const values: number[] = [];
  for (const by of byRound(runs).values()) {
    const v = f(by);
    if (v !== undefined && Number.isFinite(v)) values.push(v);
  }
  return spread(values);
}

function summarize(topic: ProducedTopic, runs: Run[], impls: readonly Impl[]): TopicResult {
  const throughput: Partial<Record<Impl, Spread>> = {};
  for (const impl of impls)
    throughput[impl] = spread(runs.filter((r) => r.impl === impl).map((r) => r.recordsPerSec));
  return {
    topic,
    runs,
    throughput,
    vsSpark: ratio(
      runs,
      (by) => by.spark2 && by.dstream2 && by.dstream2.recordsPerSec / by.spark2.recordsPerSec,
    ),
    ofBarePerCore: ratio(runs, (by) => {
      const top = ceiling(by);
      return top && by.dstream2 && by.dstream2.recordsPerSec / 2 / top.recordsPerSec;
    }),
    scaling: ratio(
      runs,
      (by) => by.dstream1 && by.dstream2 && by.dstream2.recordsPerSec / by.dstream1.recordsPerSec,
    ),
    faster: [...byRound(runs).values()]
      .map((by) => ceiling(by)?.impl)
      .filter((x): x is Impl => x !== undefined),
  };
}

function headline(r: TopicResult): string {
  const x = Number.isFinite(r.vsSpark.median) ? `${r.vsSpark.median.toFixed(2)}x` : 'n/a';
  return (
    `kafka wordcount local[2], ${r.topic.partitions} partitions: ${x} spark direct stream, ` +
    `${Math.round(r.ofBarePerCore.median * 100)}% of bare consumer per core, ` +
    `local[2]/local[1] ${r.scaling.median.toFixed(2)}x`
  );
}

function describe(o: Options, t: ProducedTopic): string {
  const c = o.config;
  return (
    `topic of ${t.partitions} partitions, ${t.records.toLocaleString('en-US')} lines (fnv1a ${t.fnv1a}), ` +
    `batches of ${c.linesPerBatch.toLocaleString('en-US')} (${(c.linesPerBatch / t.partitions).toLocaleString('en-US')} per partition: ` +
    `maxRatePerPartition ${Math.round(((c.linesPerBatch / t.partitions) * 1000) / c.intervalMs)} × ${c.intervalMs} ms), ` +
    `${c.warmup} warm-up + ${c.measured} measured, ${o.rounds} rounds`
  );
}

function textReport(results: readonly TopicResult[], o: Options): string {
  const out: string[] = [];
  for (const r of results) {
    out.push('', `Kafka WordCount, ${describe(o, r.topic)}`);
    out.push('  records/s of wall time over the measured batches, median (min–max) over rounds');
    for (const impl of IMPLS) {
      const t = r.throughput[impl];
      if (!t) continue;
      out.push(`  ${LABELS[impl].padEnd(38)} ${formatSpread(t, 3, 1e-6)} M records/s`);
    }
    out.push(
      `  ratios, per round: local[2]/spark ${formatSpread(r.vsSpark)}, ` +
        `% of bare per core ${formatSpread(r.ofBarePerCore, 0, 100)}, local[2]/local[1] ${formatSpread(r.scaling)}` +
        `; faster bare loop: ${r.faster.join(', ')}`,
    );
  }
  return out.join('\n');
}

function markdownReport(
  results: readonly TopicResult[],
  o: Options,
  start: Machine,
  end: Machine,
  command: string,
  broker: string,
): string {
  const out: string[] = [
    `Command: \`${command}\``,
    '',
    reportHeader(start, end, javaVersion()),
    '',
    broker,
  ];
  for (const r of results) {
    out.push('', `### ${describe(o, r.topic)}`, '');
    out.push(
      '| program | records/s, wall (median, min–max over rounds) | records/s, processing time | ms per batch (median of runs) | idle share | peak RSS MiB |',
    );
    out.push('|---|---|---|---|---|---|');
    for (const impl of IMPLS) {
      const t = r.throughput[impl];
      if (!t) continue;
      const mine = r.runs.filter((x) => x.impl === impl);
      out.push(
        `| ${LABELS[impl]} | ${formatSpread(t, 3, 1e-6)} M | ${formatSpread(spread(mine.map((x) => x.processingRecordsPerSec)), 3, 1e-6)} M | ` +
          `${median(mine.map((x) => x.medianBatchMs)).toFixed(1)} | ${(median(mine.map((x) => x.idle)) * 100).toFixed(1)} % | ` +
          `${Math.round(median(mine.map((x) => x.peakRssMiB)))} |`,
      );
    }
    out.push('', '| ratio (per round) | median (min–max) | target |', '|---|---|---|');
    out.push(`| dstream local[2] / Spark local[2] | ${formatSpread(r.vsSpark)} | ≥ 2.0 |`);
    out.push(
      `| dstream local[2] per core / faster bare loop (${[...new Set(r.faster)].join(', ')}) | ${formatSpread(r.ofBarePerCore, 0, 100)} % | ≥ 80 % |`,
    );
    out.push(`| dstream local[2] / local[1] | ${formatSpread(r.scaling)} | ≥ 1.7 |`);
    out.push(
      '',
      'Per run (round, program, records/s wall, measured batches, median ms per batch, process wall, 1-min load at start):',
      '',
    );
    for (const run of r.runs) {
      out.push(
        `- ${run.round + 1} ${LABELS[run.impl]}: ${Math.round(run.recordsPerSec)} records/s, ${run.batches} batches, ` +
          `${run.medianBatchMs.toFixed(1)} ms, ${(run.wallMs / 1000).toFixed(1)} s, load ${run.loadAtStart.toFixed(2)}`,
      );
    }
  }
  return out.join('\n') + '\n';
}

async function compare(o: Options): Promise<void> {
  const t0 = performance.now();
  const start = machine();
  const script = relative(REPO_ROOT, process.argv[1] ?? 'bench/kafka.ts');
  const command = `node ${script} ${process.argv.slice(2).join(' ')}`.trim();
  const c = o.config;
  const impls = IMPLS.filter(
    (i) =>
      (o.spark || i !== 'spark2') && (o.bare.includes(i) || (i !== 'fetch' && i !== 'consume')),
  );
  process.stderr.write(
    `[kafka] ${start.cores} cores, ${start.cpuModel}, load ${formatLoad(start.loadAverage)}; ` +
      `${o.rounds} rounds of ${impls.join(', ')} on topics of ${c.partitions.join(' and ')} partitions\n`,
  );
  ensureBuilt();
  if (o.spark) ensureSpark();
  const broker = await startBenchBroker((m) => process.stderr.write(`[kafka] ${m}\n`));
  const stopOnSignal = (signal: NodeJS.Signals): void => {
    void broker.stop().finally(() => process.kill(process.pid, signal));
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  let brokerLine: string;
  const results: TopicResult[] = [];
  try {
    process.stderr.write(
      `[kafka] broker ${broker.bootstrap} ready in ${(broker.readyMs / 1000).toFixed(1)} s\n`,
    );
    const records = (c.warmup + c.measured) * c.linesPerBatch;
    const topics: ProducedTopic[] = [];
    for (const p of c.partitions) {
      if (c.linesPerBatch % p !== 0)
        throw new Error(`--lines ${c.linesPerBatch} is not a multiple of ${p} partitions`);
      const t = await produceLines(broker.bootstrap, `bench-lines-p${p}`, p, records);
      const known = KNOWN_CHECKSUMS.find(([b, n]) => b * n === records && n === c.linesPerBatch);
      if (known && known[2] !== t.fnv1a)
        throw new Error(`checksum ${t.fnv1a}, expected ${known[2]}`);
      process.stderr.write(
        `[kafka] produced ${records} lines into ${t.topic} in ${(t.produceMs / 1000).toFixed(1)} s ` +
          `(${formatRate(records / (t.produceMs / 1000))} records/s), end offsets ${t.endOffsets.join(',')}, fnv1a ${t.fnv1a}\n`,
      );
      topics.push(t);
    }
    brokerLine =
      `Broker: the project's Kafka 4.1.1 (src/cli/kafka), heap 1g, on 127.0.0.1; ` +
      topics.map((t) => `${t.topic} produced in ${(t.produceMs / 1000).toFixed(1)} s`).join(', ') +
      '.';
    const runs: Run[] = [];
    for (let round = 0; round < o.rounds; round++) {
      for (const t of topics) {
        const order = impls.map((_, k) => impls[(k + round + t.partitions) % impls.length]!);
        for (const impl of order) {
          const run = await measure(impl, t, broker.bootstrap, round, o);
          runs.push(run);
          process.stderr.write(
            `[p${t.partitions}] round ${round + 1}/${o.rounds} ${LABELS[impl].padEnd(38)} ` +
              `${formatRate(run.recordsPerSec).padStart(7)} records/s  (${run.batches} batches, median ${run.medianBatchMs.toFixed(1)} ms, ` +
              `idle ${(run.idle * 100).toFixed(0)} %, ${(run.wallMs / 1000).toFixed(1)} s wall, load ${run.loadAtStart.toFixed(2)})\n`,
          );
        }
      }
    }
    for (const t of topics)
      results.push(
        summarize(
          t,
          runs.filter((r) => r.partitions === t.partitions),
          impls,
        ),
      );
  } finally {
    process.off('SIGINT', stopOnSignal);
    process.off('SIGTERM', stopOnSignal);
    await broker.stop();
  }
  const end = machine();
  mkdirSync(BENCH_WORK, { recursive: true });
  const stamp = start.date.replace(/[:.]/g, '-');
  const rawFile = join(BENCH_WORK, `kafka-${stamp}.json`);
  writeFileSync(rawFile, JSON.stringify({ machine: start, end, options: o, results }, null, 1));
  const report = o.report ?? join(BENCH_WORK, `kafka-${stamp}.md`);
  writeFileSync(report, markdownReport(results, o, start, end, command, brokerLine));
  process.stdout.write(textReport(results, o) + '\n\n');
  process.stdout.write(
    `raw results: ${rawFile}\nreport: ${report}\n(${((performance.now() - t0) / 1000).toFixed(0)} s)\n`,
  );
  for (const r of results) process.stdout.write(headline(r) + '\n');
}

// ------------------------------------------------------------------------------ command line

export async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean', default: false },
      rounds: { type: 'string' },
      partitions: { type: 'string' },
      lines: { type: 'string' },
      warmup: { type: 'string' },
      measured: { type: 'string' },
      interval: { type: 'string' },
      'no-spark': { type: 'boolean', default: false },
      'spark-heap': { type: 'string', default: '4g' },
      verbose: { type: 'boolean', default: false },
      report: { type: 'string' },
      api: { type: 'string', default: 'direct' },
      bare: { type: 'string' },
      // one measured program (what the comparison spawns)
      child: { type: 'string' },
      master: { type: 'string', default: 'local[2]' },
      bootstrap: { type: 'string' },
      topic: { type: 'string' },
      group: { type: 'string' },
      'max-rate': { type: 'string' },
      ends: { type: 'string' },
    },
  });
  const api = values.api === 'rdd' ? 'rdd' : 'direct';
  if (values.child) {
    const base = values.quick ? QUICK : FULL;
    const a: ChildArgs = {
      master: values.master,
      bootstrap: values.bootstrap ?? '127.0.0.1:9092',
      topic: values.topic ?? 'bench-lines',
      groupId: values.group ?? `bench-${process.pid}`,
      intervalMs: Number(values.interval ?? base.intervalMs),
      maxRatePerPartition: Number(values['max-rate'] ?? 1_000_000),
      endOffsets: (values.ends ?? '')
        .split(',')
        .filter((s) => s !== '')
        .map(Number),
      linesPerBatch: Number(values.lines ?? base.linesPerBatch),
      api,
    };
    if (values.child === 'dstream') await childDstream(a);
    else if (values.child === 'fetch') await childFetch(a);
    else if (values.child === 'consume') await childConsume(a);
    else throw new Error(`--child dstream|fetch|consume, not ${values.child}`);
    return;
  }
  const base = values.quick ? QUICK : FULL;
  const config: KafkaConfig = {
    linesPerBatch: Number(values.lines ?? base.linesPerBatch),
    warmup: Number(values.warmup ?? base.warmup),
    measured: Number(values.measured ?? base.measured),
    intervalMs: Number(values.interval ?? base.intervalMs),
    partitions: values.partitions ? values.partitions.split(',').map(Number) : base.partitions,
  };
  await compare({
    config,
    rounds: Number(values.rounds ?? (values.quick ? QUICK_ROUNDS : FULL_ROUNDS)),
    spark: !values['no-spark'],
    sparkHeap: values['spark-heap'],
    verbose: values.verbose,
    report: values.report,
    api,
    bare: parseBare(values.bare ?? (values.quick ? 'fetch' : 'fetch,consume')),
  });
}

function parseBare(text: string): Impl[] {
  const loops = text.split(',').filter((s) => s !== '');
  for (const l of loops)
    if (l !== 'fetch' && l !== 'consume') throw new Error(`--bare fetch,consume, not ${l}`);
  return loops as Impl[];
}

if (import.meta.main) await main(process.argv.slice(2));
