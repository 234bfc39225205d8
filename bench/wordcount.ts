/**
 * WordCount side by side, in one run: dstream `local[1]` and `local[2]`, a hand-written
 * single-pass loop over the same lines (the ceiling), and Apache Spark Streaming 3.5 `local[2]`
 * (the anchor), each in a fresh process, taken in turn round after round so that all of them see
 * the same machine load. Every program generates the same lines (lib/word-data.ts) before its
 * first batch and proves it with a checksum; the figure is lines per second of batch processing
 * time (`BatchInfo.processingDelay`, from a StreamingListener), median over the measured batches
 * after warm-up ones.
 *
 *   node bench/wordcount.ts [--quick] [--rounds N] [--sizes 100000,1000000] [--no-spark]
 *                           [--verbose] [--report FILE]
 *
 * The last line printed is the headline, for the largest batch size measured:
 *   wordcount local[2]: <x>x spark-streaming, <y>% of raw loop, local[2]/local[1] <z>x
 * where "% of raw loop" is throughput per core: dstream local[2] lines/s ÷ 2, over the raw loop's.
 *
 * The same file is the measured program (`--child dstream|raw ...`), so what runs is what you read.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { runChild, eventOf, type BenchEvent, type ChildResult } from './lib/child.ts';
import {
  BENCH_WORK,
  ensureBuilt,
  formatLoad,
  reportHeader,
  machine,
  REPO_ROOT,
  type Machine,
} from './lib/machine.ts';
import { formatRate, formatSpread, median, spread, type Spread } from './lib/stats.ts';
import { generateBatches, KNOWN_CHECKSUMS } from './lib/word-data.ts';
import { ensureSpark, javaVersion, sparkCommand } from './spark/spark.ts';

// ------------------------------------------------------------------------------ configuration

/** One batch size and how it is measured. */
export interface SizeConfig {
  linesPerBatch: number;
  /** Batches run before the measured ones (JIT warm-up; Spark needs many). */
  warmup: number;
  measured: number;
  /** The batch interval of both streaming engines; processing time does not include it. */
  intervalMs: number;
}

/**
 * As the verified Spark anchor measured them: 100,000-line batches after 25 warm-up batches
 * (Spark's processing time is still falling at batch 20), 1,000,000-line batches after 3.
 */
const FULL: readonly SizeConfig[] = [
  { linesPerBatch: 100_000, warmup: 25, measured: 15, intervalMs: 500 },
  { linesPerBatch: 1_000_000, warmup: 3, measured: 10, intervalMs: 1000 },
];
/**
 * Under two minutes with Spark's jars cached, even with the machine shared: a Spark run is most of
 * a round (its JVM starts in 3 s, and its first batches take seconds when other work competes for
 * the cores its JIT needs). Spark is not fully warm after 10 batches.
 */
const QUICK_ROUNDS = 2;
const QUICK: readonly SizeConfig[] = [
  { linesPerBatch: 100_000, warmup: 10, measured: 5, intervalMs: 250 },
];

type Impl = 'spark2' | 'dstream2' | 'dstream1' | 'raw';
const IMPLS: readonly Impl[] = ['spark2', 'dstream2', 'dstream1', 'raw'];
const LABELS: Record<Impl, string> = {
  spark2: 'spark-streaming local[2]',
  dstream2: 'dstream local[2]',
  dstream1: 'dstream local[1]',
  raw: 'raw loop (Node Map, 1 thread)',
};

// ------------------------------------------------------------------------------ the children

interface ChildArgs {
  master: string;
  partitions: number;
  linesPerBatch: number;
  warmup: number;
  measured: number;
  intervalMs: number;
}

function print(event: BenchEvent): void {
  process.stdout.write(JSON.stringify(event) + '\n');
}

function nowUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

function summary(impl: string, a: ChildArgs, ms: number[], mismatches: number): BenchEvent {
  const m = median(ms);
  return {
    event: 'summary',
    impl,
    master: a.master,
    partitions: a.partitions,
    linesPerBatch: a.linesPerBatch,
    warmup: a.warmup,
    measured: a.measured,
    intervalMs: a.intervalMs,
    medianMs: m,
    minMs: Math.min(...ms),
    maxMs: Math.max(...ms),
    linesPerSec: Math.round(a.linesPerBatch / (m / 1000)),
    sumMismatches: mismatches,
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

/**
 * dstream's WordCount: a queueStream of parallelized batches, as the Spark driver does, and an
 * output operation that visits every (word, count) pair.
 */
async function childDstream(a: ChildArgs): Promise<void> {
  const { StreamingContext, Milliseconds, isDriver } = await import('dstream');
  const total = a.warmup + a.measured;
  // With local[N], every task thread runs this file too: only the driver generates the data
  // (threads read the batches they need from it) and reports.
  const data = isDriver()
    ? generateBatches(total, a.linesPerBatch)
    : { batches: [], fnv1a: '', genMs: 0 };
  if (isDriver()) {
    print({
      event: 'data',
      impl: 'dstream',
      batches: total,
      linesPerBatch: a.linesPerBatch,
      fnv1a: data.fnv1a,
      genMs: data.genMs,
    });
  }

  const ssc = new StreamingContext({
    master: a.master,
    appName: 'bench-wordcount',
    batchDuration: Milliseconds(a.intervalMs),
  });
  ssc.setLogLevel('WARN');
  const sc = ssc.sparkContext;
  const queue = data.batches.map((lines) => sc.parallelize(lines, a.partitions));
  data.batches.length = 0;

  const expectedSum = 10 * a.linesPerBatch;
  const keys: number[] = [];
  let mismatches = 0;
  let outputs = 0;
  ssc
    .queueStream(queue, true)
    .flatMap((line) => line.split(' '))
    .map((word) => [word, 1] as const)
    .reduceByKey((x, y) => x + y)
    .foreachRDD(async (rdd) => {
      const [sum, n] = await rdd
        .mapPartitions((pairs) => {
          let s = 0;
          let k = 0;
          for (const p of pairs) {
            s += p[1];
            k++;
          }
          return [[s, k] as [number, number]];
        })
        .fold([0, 0], (x, y) => [x[0] + y[0], x[1] + y[1]]);
      const i = outputs++;
      if (i < total) {
        keys[i] = n;
        if (sum !== expectedSum) mismatches++;
      }
    });

  const processing: number[] = [];
  let windowStartUs = 0;
  // CPU of the whole process (every task thread) in the measured window: bench/ui.ts compares it.
  let windowCpu = process.cpuUsage();
  const done = new Promise<void>((resolve) => {
    ssc.addStreamingListener({
      onBatchCompleted: ({ batchInfo }) => {
        const i = processing.length;
        if (i >= total) return; // the queue is empty: later batches are empty
        processing.push(batchInfo.processingDelay ?? NaN);
        print({
          event: 'batch',
          i,
          warmup: i < a.warmup,
          processingMs: batchInfo.processingDelay,
          schedulingMs: batchInfo.schedulingDelay,
          keys: keys[i],
        });
        if (i === a.warmup - 1) {
          windowStartUs = nowUs();
          windowCpu = process.cpuUsage();
        }
        if (i === total - 1) resolve();
      },
    });
  });
  if (a.warmup === 0) {
    windowStartUs = nowUs();
    windowCpu = process.cpuUsage();
  }
  await ssc.start();
  // Whether the web UI is on (DSTREAM_CONF decides; bench/ui.ts runs this program both ways).
  print({ event: 'ui', url: ssc.uiWebUrl ?? null });
  await done;
  const cpu = process.cpuUsage(windowCpu);
  // The measured window, in the CPU profile's clock (bench/profile.ts keeps only its samples).
  print({
    event: 'window',
    startUs: windowStartUs,
    endUs: nowUs(),
    cpuMs: (cpu.user + cpu.system) / 1000,
  });
  await ssc.stop();
  print(summary('dstream', a, processing.slice(a.warmup), mismatches));
}

/**
 * The ceiling: one thread, one pass, a fresh `Map` per batch; timed around the loop only. This is
 * the loop the verified anchor measured (its `raw-loop-wordcount.js`), run on this Node.
 */
function childRaw(a: ChildArgs): void {
  const total = a.warmup + a.measured;
  const data = generateBatches(total, a.linesPerBatch);
  print({
    event: 'data',
    impl: 'raw',
    batches: total,
    linesPerBatch: a.linesPerBatch,
    fnv1a: data.fnv1a,
    genMs: data.genMs,
  });
  const times: number[] = [];
  let mismatches = 0;
  let windowStartUs = nowUs();
  for (let b = 0; b < total; b++) {
    if (b === a.warmup) windowStartUs = nowUs();
    const lines = data.batches[b]!;
    const t0 = process.hrtime.bigint();
    const counts = new Map<string, number>();
    for (let i = 0; i < lines.length; i++) {
      const words = lines[i]!.split(' ');
      for (let k = 0; k < words.length; k++) {
        const w = words[k]!;
        counts.set(w, (counts.get(w) ?? 0) + 1);
      }
    }
    let sum = 0;
    for (const c of counts.values()) sum += c;
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (sum !== 10 * a.linesPerBatch) mismatches++;
    print({ event: 'batch', i: b, warmup: b < a.warmup, processingMs: ms, keys: counts.size });
    if (b >= a.warmup) times.push(ms);
  }
  print({ event: 'window', startUs: windowStartUs, endUs: nowUs() });
  print(summary('raw', { ...a, master: 'none', partitions: 1 }, times, mismatches));
}

// ------------------------------------------------------------------------------ the comparison

export interface Options {
  quick: boolean;
  rounds: number;
  sizes: readonly SizeConfig[];
  spark: boolean;
  verbose: boolean;
  report: string | undefined;
  sparkHeap: string;
}

interface Run {
  impl: Impl;
  round: number;
  linesPerSec: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
  peakRssMiB: number;
  fnv1a: string;
  loadAtStart: number;
  wallMs: number;
  events: BenchEvent[];
}

interface SizeResult {
  config: SizeConfig;
  runs: Run[];
  throughput: Partial<Record<Impl, Spread>>;
  perBatchMs: Partial<Record<Impl, Spread>>;
  vsSpark: Spread;
  ofRawPerCore: Spread;
  scaling: Spread;
  fnv1a: string;
}

function childArgs(impl: Impl, c: SizeConfig): ChildArgs {
  const cores = impl === 'dstream1' ? 1 : 2;
  return {
    master: impl === 'raw' ? 'none' : `local[${cores}]`,
    // As in the anchor, P = N: local[N] reads N input partitions and reduces into N.
    partitions: impl === 'raw' ? 1 : cores,
    linesPerBatch: c.linesPerBatch,
    warmup: c.warmup,
    measured: c.measured,
    intervalMs: c.intervalMs,
  };
}

function childCommand(
  impl: Impl,
  c: SizeConfig,
  o: Options,
): [string, string[], NodeJS.ProcessEnv] {
  const a = childArgs(impl, c);
  if (impl === 'spark2') {
    const s = sparkCommand({ ...a, heap: o.sparkHeap });
    return [s.command, s.args, s.env];
  }
  const args = [
    import.meta.filename,
    '--child',
    impl === 'raw' ? 'raw' : 'dstream',
    '--master',
    a.master,
    '--partitions',
    String(a.partitions),
    '--lines',
    String(a.linesPerBatch),
    '--warmup',
    String(a.warmup),
    '--measured',
    String(a.measured),
    '--interval',
    String(a.intervalMs),
  ];
  return [process.execPath, args, { ...process.env, DSTREAM_LOG_LEVEL: 'WARN' }];
}

async function measure(impl: Impl, c: SizeConfig, round: number, o: Options): Promise<Run> {
  const [command, args, env] = childCommand(impl, c, o);
  const label = `${LABELS[impl]} ${c.linesPerBatch}`;
  const r: ChildResult = await runChild(command, args, { env, verbose: o.verbose, label });
  const s = eventOf(r, 'summary', label);
  const d = eventOf(r, 'data', label);
  if (s.sumMismatches !== 0)
    throw new Error(`${label}: wrong counts in ${String(s.sumMismatches)} batches`);
  return {
    impl,
    round,
    linesPerSec: s.linesPerSec as number,
    medianMs: s.medianMs as number,
    minMs: s.minMs as number,
    maxMs: s.maxMs as number,
    peakRssMiB: s.peakRssMiB as number,
    fnv1a: d.fnv1a as string,
    loadAtStart: r.loadAtStart,
    wallMs: r.wallMs,
    events: r.events,
  };
}

function ratioSpread(
  runs: readonly Run[],
  f: (by: Partial<Record<Impl, Run>>) => number | undefined,
): Spread {
  const rounds = new Map<number, Partial<Record<Impl, Run>>>();
  for (const r of runs) {
    const by = rounds.get(r.round) ?? {};
    by[r.impl] = r;
    rounds.set(r.round, by);
  }
  const values: number[] = [];
  for (const by of rounds.values()) {
    const v = f(by);
    if (v !== undefined && Number.isFinite(v)) values.push(v);
  }
  return spread(values);
}

async function measureSize(c: SizeConfig, o: Options): Promise<SizeResult> {
  const impls = IMPLS.filter((i) => o.spark || i !== 'spark2');
  const runs: Run[] = [];
  for (let round = 0; round < o.rounds; round++) {
    // Rotate the order so that no program always runs first (or right after Spark).
    const order = impls.map((_, k) => impls[(k + round) % impls.length]!);
    for (const impl of order) {
      const run = await measure(impl, c, round, o);
      runs.push(run);
      process.stderr.write(
        `[${c.linesPerBatch} lines] round ${round + 1}/${o.rounds} ${LABELS[impl].padEnd(29)} ` +
          `${formatRate(run.linesPerSec).padStart(7)} lines/s  (median ${run.medianMs.toFixed(1)} ms/batch, ` +
          `${(run.wallMs / 1000).toFixed(1)} s wall, load ${run.loadAtStart.toFixed(2)})\n`,
      );
    }
  }
  const checksums = new Set(runs.map((r) => r.fnv1a));
  if (checksums.size !== 1)
    throw new Error(`the programs saw different data: ${[...checksums].join(', ')}`);
  const fnv1a = [...checksums][0]!;
  const known = KNOWN_CHECKSUMS.find(
    ([b, n]) => b === c.warmup + c.measured && n === c.linesPerBatch,
  );
  if (known && known[2] !== fnv1a) throw new Error(`checksum ${fnv1a}, expected ${known[2]}`);

  const throughput: Partial<Record<Impl, Spread>> = {};
  const perBatchMs: Partial<Record<Impl, Spread>> = {};
  for (const impl of impls) {
    const mine = runs.filter((r) => r.impl === impl);
    throughput[impl] = spread(mine.map((r) => r.linesPerSec));
    perBatchMs[impl] = spread(mine.map((r) => r.medianMs));
  }
  return {
    config: c,
    runs,
    throughput,
    perBatchMs,
    vsSpark: ratioSpread(
      runs,
      (by) => by.spark2 && by.dstream2 && by.dstream2.linesPerSec / by.spark2.linesPerSec,
    ),
    ofRawPerCore: ratioSpread(
      runs,
      (by) => by.raw && by.dstream2 && by.dstream2.linesPerSec / 2 / by.raw.linesPerSec,
    ),
    scaling: ratioSpread(
      runs,
      (by) => by.dstream1 && by.dstream2 && by.dstream2.linesPerSec / by.dstream1.linesPerSec,
    ),
    fnv1a,
  };
}

function headline(r: SizeResult): string {
  const x = Number.isFinite(r.vsSpark.median) ? `${r.vsSpark.median.toFixed(2)}x` : 'n/a';
  return (
    `wordcount local[2]: ${x} spark-streaming, ${Math.round(r.ofRawPerCore.median * 100)}% of raw loop, ` +
    `local[2]/local[1] ${r.scaling.median.toFixed(2)}x`
  );
}

function describeSize(r: SizeResult, rounds: number): string {
  const c = r.config;
  return (
    `${c.linesPerBatch.toLocaleString('en-US')} lines per batch: ${c.warmup} warm-up + ${c.measured} measured batches, ` +
    `interval ${c.intervalMs} ms, ${rounds} rounds, fnv1a ${r.fnv1a}`
  );
}

/** Plain-text tables for the terminal. */
function textReport(results: readonly SizeResult[], o: Options): string {
  const out: string[] = [];
  for (const r of results) {
    out.push('', `WordCount, ${describeSize(r, o.rounds)}`);
    out.push('  lines/s of processing time, median (min–max) over rounds; ms per batch likewise');
    for (const impl of IMPLS) {
      const t = r.throughput[impl];
      const m = r.perBatchMs[impl];
      if (!t || !m) continue;
      out.push(
        `  ${LABELS[impl].padEnd(30)} ${formatSpread(t, 2, 1e-6).padEnd(22)} M lines/s   ${formatSpread(m, 1)} ms`,
      );
    }
    out.push(
      `  ratios, per round: local[2]/spark ${formatSpread(r.vsSpark)}, ` +
        `% of raw loop per core ${formatSpread(r.ofRawPerCore, 0, 100)}, local[2]/local[1] ${formatSpread(r.scaling)}`,
    );
  }
  return out.join('\n');
}

/** The same figures as Markdown, for bench/RESULTS.md. */
function markdownReport(
  results: readonly SizeResult[],
  o: Options,
  m: Machine,
  end: Machine,
  command: string,
): string {
  const out: string[] = [`Command: \`${command}\``, '', reportHeader(m, end, javaVersion())];
  for (const r of results) {
    out.push('', `### ${describeSize(r, o.rounds)}`, '');
    out.push(
      '| program | lines/s (median, min–max over rounds) | ms per batch (per-run medians: median, min–max over rounds) | peak RSS MiB |',
    );
    out.push('|---|---|---|---|');
    for (const impl of IMPLS) {
      const t = r.throughput[impl];
      const ms = r.perBatchMs[impl];
      if (!t || !ms) continue;
      const rss = median(r.runs.filter((x) => x.impl === impl).map((x) => x.peakRssMiB));
      out.push(
        `| ${LABELS[impl]} | ${formatSpread(t, 3, 1e-6)} M | ${formatSpread(ms, 1)} | ${Math.round(rss)} |`,
      );
    }
    out.push('', '| ratio (per round) | median (min–max) | target |', '|---|---|---|');
    out.push(`| dstream local[2] / Spark local[2] | ${formatSpread(r.vsSpark)} | ≥ 2.0 |`);
    out.push(
      `| dstream local[2] per core / raw loop | ${formatSpread(r.ofRawPerCore, 0, 100)} % | ≥ 60 % |`,
    );
    out.push(`| dstream local[2] / local[1] | ${formatSpread(r.scaling)} | ≥ 1.7 |`);
    out.push(
      '',
      'Per run (round, program, lines/s, median ms per batch with min–max over its measured batches, 1-min load at start):',
      '',
    );
    for (const run of r.runs) {
      out.push(
        `- ${run.round + 1} ${LABELS[run.impl]}: ${Math.round(run.linesPerSec)} lines/s, ${run.medianMs.toFixed(1)} ms ` +
          `(${run.minMs.toFixed(1)}–${run.maxMs.toFixed(1)}), load ${run.loadAtStart.toFixed(2)}`,
      );
    }
  }
  return out.join('\n') + '\n';
}

export async function compare(o: Options): Promise<void> {
  const start = machine();
  const script = relative(REPO_ROOT, process.argv[1] ?? 'bench/wordcount.ts');
  const command = `node ${script} ${process.argv.slice(2).join(' ')}`.trim();
  process.stderr.write(
    `[wordcount] ${start.cores} cores, ${start.cpuModel}, load ${formatLoad(start.loadAverage)}; ` +
      `${o.rounds} rounds of ${o.spark ? 'spark local[2], ' : ''}dstream local[2], dstream local[1], raw loop\n`,
  );
  ensureBuilt();
  if (o.spark) ensureSpark();
  const results: SizeResult[] = [];
  for (const c of o.sizes) results.push(await measureSize(c, o));
  const end = machine();

  mkdirSync(BENCH_WORK, { recursive: true });
  const stamp = start.date.replace(/[:.]/g, '-');
  const rawFile = join(BENCH_WORK, `wordcount-${stamp}.json`);
  writeFileSync(rawFile, JSON.stringify({ machine: start, end, options: o, results }, null, 1));
  const report = o.report ?? join(BENCH_WORK, `wordcount-${stamp}.md`);
  writeFileSync(report, markdownReport(results, o, start, end, command));
  process.stdout.write(textReport(results, o) + '\n\n');
  process.stdout.write(`raw results: ${rawFile}\nreport: ${report}\n`);
  process.stdout.write(headline(results[results.length - 1]!) + '\n');
}

// ------------------------------------------------------------------------------ command line

function parseSizes(text: string, base: readonly SizeConfig[]): SizeConfig[] {
  return text.split(',').map((s) => {
    const linesPerBatch = Number(s);
    if (!Number.isInteger(linesPerBatch) || linesPerBatch < 0) throw new Error(`bad size: ${s}`);
    const like = base.find((c) => c.linesPerBatch === linesPerBatch) ?? base[0]!;
    return { ...like, linesPerBatch };
  });
}

export async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean', default: false },
      rounds: { type: 'string' },
      sizes: { type: 'string' },
      warmup: { type: 'string' },
      measured: { type: 'string' },
      interval: { type: 'string' },
      'no-spark': { type: 'boolean', default: false },
      'spark-heap': { type: 'string', default: '6g' },
      verbose: { type: 'boolean', default: false },
      report: { type: 'string' },
      // one measured program (what the comparison spawns)
      child: { type: 'string' },
      master: { type: 'string', default: 'local[2]' },
      partitions: { type: 'string' },
      lines: { type: 'string', default: '100000' },
    },
  });
  if (values.child) {
    const master = values.master;
    const a: ChildArgs = {
      master,
      partitions: Number(values.partitions ?? /\[(\d+)\]/.exec(master)?.[1] ?? '1'),
      linesPerBatch: Number(values.lines),
      warmup: Number(values.warmup ?? 5),
      measured: Number(values.measured ?? 10),
      intervalMs: Number(values.interval ?? 500),
    };
    if (values.child === 'dstream') await childDstream(a);
    else if (values.child === 'raw') childRaw(a);
    else throw new Error(`--child dstream|raw, not ${values.child}`);
    return;
  }
  const base = values.quick ? QUICK : FULL;
  let sizes = values.sizes ? parseSizes(values.sizes, base) : [...base];
  sizes = sizes.map((c) => ({
    ...c,
    warmup: values.warmup ? Number(values.warmup) : c.warmup,
    measured: values.measured ? Number(values.measured) : c.measured,
    intervalMs: values.interval ? Number(values.interval) : c.intervalMs,
  }));
  await compare({
    quick: values.quick,
    rounds: Number(values.rounds ?? (values.quick ? QUICK_ROUNDS : 3)),
    sizes,
    spark: !values['no-spark'],
    verbose: values.verbose,
    report: values.report,
    sparkHeap: values['spark-heap'],
  });
}

if (import.meta.main) await main(process.argv.slice(2));
