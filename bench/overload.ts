/**
 * Overload: a socket stream fed about ten times faster than the job can process it, once with
 * `spark.streaming.backpressure.enabled=true` and once without, in turn in the same run, each
 * engine in a fresh process and the feeder (bench/lib/feeder.ts) in another. Every second the
 * engine samples its RSS, the scheduling delay of the latest completed batch, the receiver's rate
 * limit and what it received; the summary says where RSS ended against its peak and whether the
 * scheduling delay stopped growing (its slope over the second half of the run).
 *
 * The job is slow the way a real one can be: each line is "scored" by a CPU-bound function
 * (PBKDF2-HMAC-SHA256 of the line, as many rounds as take `--cost-us` of CPU, 1,000 µs by default,
 * calibrated here before the runs), then scores are summed per first word (`reduceByKey`) and a `foreachRDD`
 * reads every sum. With `local[2]` that job processes about 2 × 1e6 / cost = 2,000 lines/s;
 * the feeder offers 10 times that (`--rate`, 20,000 lines/s by default).
 *
 *   node bench/overload.ts [--seconds 40] [--rate 20000] [--cost-us 1000] [--master local[2]]
 *                          [--interval 500] [--block-interval 50] [--only on|off] [--verbose]
 *                          [--report FILE]
 *
 * The last line printed is the headline:
 *   overload <f>x with backpressure: RSS <a> MB peak, scheduling delay <flat|growing> (<s> ms/s);
 *   without: RSS <b> MB peak, scheduling delay <flat|growing> (<t> ms/s)
 *
 * The same file is the engine's program (`--child engine --port P --iterations K ...`).
 */
import { pbkdf2Sync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { type BenchEvent } from './lib/child.ts';
import { BENCH_WORK, ensureBuilt, formatLoad, machine, REPO_ROOT } from './lib/machine.ts';
import { runWithFeeder } from './lib/socket-run.ts';
import { slope } from './lib/stats.ts';
import { WordGenerator } from './lib/word-data.ts';

export interface OverloadArgs {
  master: string;
  /** Lines per second the feeder offers. */
  rate: number;
  tickMs: number;
  intervalMs: number;
  blockIntervalMs: number;
  seconds: number;
  /** Rounds of the scoring function per line (calibrated from `--cost-us`). */
  iterations: number;
  /** `spark.streaming.backpressure.initialRate` of the run with backpressure (0: unset). */
  initialRate: number;
}

/** Scheduling delay slopes at most this (ms per second of run) count as "flat". */
const FLAT_MS_PER_S = 50;
const SAMPLE_EVERY_MS = 1000;

// ------------------------------------------------------------------------------ the job

/**
 * The job's per-line cost: PBKDF2-HMAC-SHA256 of the line with `iterations` rounds, standing for
 * a CPU-heavy step per record (checking a signature, hashing a secret, scoring with a model). A
 * native synchronous call on the calling thread: its cost per round is the same wherever V8
 * compiles the caller. (A loop in JavaScript was not: after a few hundred calls, V8's mid tier
 * inlined it into the calling closure and ran it 2.5 times slower for good.)
 */
export function score(line: string, iterations: number): number {
  return pbkdf2Sync(line, 'dstream-bench', iterations, 4, 'sha256').readUInt32LE(0);
}

/** Rounds of {@link score} that take `costUs` of CPU on a line of the benchmark, measured here. */
function calibrate(costUs: number): { iterations: number; usPerIteration: number } {
  const gen = new WordGenerator();
  const lines = Array.from({ length: 50 }, () => gen.nextLine());
  const ROUNDS = 2000;
  let sink = 0;
  const time = (): number => {
    const t0 = performance.now();
    for (const l of lines) sink ^= score(l, ROUNDS);
    return ((performance.now() - t0) * 1000) / lines.length / ROUNDS;
  };
  let best = Infinity;
  for (let k = 0; k < 5; k++) best = Math.min(best, time());
  if (sink === 0.5) process.stderr.write(''); // keeps `sink` alive
  return { iterations: Math.max(1, Math.round(costUs / best)), usPerIteration: best };
}

// ------------------------------------------------------------------------------ the engine

function print(event: BenchEvent): void {
  process.stdout.write(JSON.stringify(event) + '\n');
}

const mib = (bytes: number): number => Math.round(bytes / 2 ** 20);

async function engine(a: OverloadArgs, port: number, backpressure: boolean): Promise<void> {
  const { StreamingContext, Milliseconds, isDriver } = await import('dstream');
  const ssc = new StreamingContext({
    master: a.master,
    appName: 'bench-overload',
    batchDuration: Milliseconds(a.intervalMs),
    conf: {
      'spark.streaming.blockInterval': `${a.blockIntervalMs}ms`,
      'spark.streaming.backpressure.enabled': String(backpressure),
      // The receiver applies it even without backpressure (as Spark's does): set only with it.
      ...(backpressure && a.initialRate > 0
        ? { 'spark.streaming.backpressure.initialRate': String(a.initialRate) }
        : {}),
      // start() waits for the task threads: no batch runs on the driver's event loop (where the
      // receiver reads) because the threads were still loading.
      'spark.scheduler.minRegisteredResourcesRatio': '1',
    },
  });
  ssc.setLogLevel('WARN');
  const stream = ssc.socketTextStream('127.0.0.1', port);
  const iterations = a.iterations;
  let outputKeys = 0;
  stream
    .map((line) => [line.slice(0, line.indexOf(' ')), score(line, iterations) % 1000] as const)
    .reduceByKey((x, y) => x + y)
    .foreachRDD(async (rdd) => {
      outputKeys += await rdd.count();
    });

  // With local[N] every task thread runs this file too: only the driver measures.
  if (!isDriver()) {
    await ssc.start();
    return;
  }

  let inBatches = 0;
  let processed = 0;
  let processingMs = 0;
  let submitted = 0;
  let completed = 0;
  let latest: { batchTime: number; schedulingMs: number; processingMs: number } | undefined;
  ssc.addStreamingListener({
    onBatchSubmitted: ({ batchInfo }) => {
      submitted++;
      inBatches += batchInfo.numRecords;
    },
    onBatchCompleted: ({ batchInfo }) => {
      completed++;
      processed += batchInfo.numRecords;
      processingMs += batchInfo.processingDelay ?? 0;
      latest = {
        batchTime: batchInfo.batchTime.milliseconds,
        schedulingMs: batchInfo.schedulingDelay ?? NaN,
        processingMs: batchInfo.processingDelay ?? NaN,
      };
      print({
        event: 'batch',
        batchTime: batchInfo.batchTime.milliseconds,
        records: batchInfo.numRecords,
        schedulingMs: batchInfo.schedulingDelay,
        processingMs: batchInfo.processingDelay,
      });
    },
  });

  await ssc.start();
  const t0 = Date.now();
  let peakRss = 0;
  let cpuBefore = process.cpuUsage();
  let sampledAt = t0;
  const sample = (): void => {
    const m = process.memoryUsage();
    // CPU the engine got (all its threads) since the last sample: on shared cores, its capacity.
    const cpu = process.cpuUsage(cpuBefore);
    cpuBefore = process.cpuUsage();
    const now = Date.now();
    const cpuPercent = Math.round((cpu.user + cpu.system) / 10 / Math.max(1, now - sampledAt));
    sampledAt = now;
    peakRss = Math.max(peakRss, m.rss);
    const limit = stream.rateLimit;
    print({
      event: 'sample',
      ms: now - t0,
      cpuPercent,
      rssMiB: mib(m.rss),
      heapUsedMiB: mib(m.heapUsed),
      schedulingMs: latest?.schedulingMs ?? null,
      latestBatchAgeMs: latest ? Date.now() - latest.batchTime : null,
      rateLimit: limit === undefined || limit === Infinity ? null : limit,
      inBatches,
      waiting: stream.bufferedRecords,
      processed,
      pendingBatches: submitted - completed,
    });
  };
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      sample();
      if (Date.now() - t0 >= a.seconds * 1000) {
        clearInterval(timer);
        resolve();
      }
    }, SAMPLE_EVERY_MS);
  });
  print({
    event: 'summary',
    backpressure,
    completed,
    submitted,
    processed,
    inBatches,
    processingMs,
    outputKeys,
    peakRssMiB: mib(peakRss),
  });
  // Batches queued behind a 10x overload would take minutes to run: the measurement is over, so
  // the process ends without waiting for them (its socket closes, and the feeder ends too).
  process.exit(0);
}

// ------------------------------------------------------------------------------ the runs

interface Sample {
  ms: number;
  /** CPU time of the engine process since the previous sample, in % of one core. */
  cpuPercent: number;
  rssMiB: number;
  heapUsedMiB: number;
  schedulingMs: number | null;
  latestBatchAgeMs: number | null;
  rateLimit: number | null;
  inBatches: number;
  waiting: number;
  processed: number;
  pendingBatches: number;
  /** The feeder's count of lines sent at about the same second. */
  sent: number;
}

export interface RunResult {
  backpressure: boolean;
  samples: Sample[];
  rssEndMiB: number;
  rssPeakMiB: number;
  /** Least-squares slope of the latest completed batch's scheduling delay over the second half. */
  slopeMsPerS: number;
  growing: boolean;
  /** Lines per second of processing time over the completed batches: the job's capacity. */
  processingRate: number;
  /** Lines per second sent by the feeder over the run. */
  sentRate: number;
  completed: number;
  /** Mean CPU of the engine process over the samples, in % of one core. */
  cpuPercent: number;
  loadAtStart: number;
  loadAtEnd: number;
  batches: BenchEvent[];
}

async function measure(
  a: OverloadArgs,
  backpressure: boolean,
  verbose: boolean,
): Promise<RunResult> {
  const label = `overload (backpressure ${backpressure ? 'on' : 'off'})`;
  const run = await runWithFeeder({
    label,
    verbose,
    // The feeder outlasts the engine; it stops when the engine's connection closes.
    feederArgs: [
      '--rate',
      String(a.rate),
      '--tick',
      String(a.tickMs),
      '--seconds',
      String(a.seconds + 30),
    ],
    engine: (port) => ({
      command: process.execPath,
      args: [
        import.meta.filename,
        '--child',
        'engine',
        '--port',
        String(port),
        backpressure ? '--backpressure' : '--no-backpressure',
        '--master',
        a.master,
        '--rate',
        String(a.rate),
        '--interval',
        String(a.intervalMs),
        '--block-interval',
        String(a.blockIntervalMs),
        '--seconds',
        String(a.seconds),
        '--iterations',
        String(a.iterations),
        '--initial-rate',
        String(a.initialRate),
      ],
      env: { ...process.env, DSTREAM_LOG_LEVEL: 'WARN' },
    }),
  });
  const loadAtEnd = loadavg()[0]!;
  const summary = run.engine.events.find((e) => e.event === 'summary');
  if (!summary) throw new Error(`${label}: no summary from the engine`);
  const progress = run.feeder.events.filter((e) => e.event === 'progress');
  const sentAt = (ms: number): number => {
    // The feeder counts from the engine's connection, the engine from its start: within ~0.1 s.
    let sent = 0;
    for (const p of progress) if ((p.ms as number) <= ms + 500) sent = p.sent as number;
    return sent;
  };
  const samples: Sample[] = run.engine.events
    .filter((e) => e.event === 'sample')
    .map((e) => ({ ...(e as unknown as Sample), sent: sentAt(e.ms as number) }));
  const half = samples.filter((s) => s.ms >= (a.seconds * 1000) / 2 && s.schedulingMs !== null);
  const slopeMsPerS = slope(
    half.map((s) => s.ms / 1000),
    half.map((s) => s.schedulingMs!),
  );
  const last = samples[samples.length - 1];
  const processed = summary.processed as number;
  const processingMs = summary.processingMs as number;
  const lastSent = progress[progress.length - 1];
  return {
    backpressure,
    samples,
    rssEndMiB: last?.rssMiB ?? NaN,
    rssPeakMiB: Math.max(...samples.map((s) => s.rssMiB)),
    slopeMsPerS,
    growing: !(slopeMsPerS <= FLAT_MS_PER_S),
    processingRate: processingMs > 0 ? (processed / processingMs) * 1000 : NaN,
    sentRate: lastSent ? ((lastSent.sent as number) / (lastSent.ms as number)) * 1000 : NaN,
    completed: summary.completed as number,
    cpuPercent: Math.round(
      samples.reduce((x, s) => x + s.cpuPercent, 0) / Math.max(1, samples.length),
    ),
    loadAtStart: run.engine.loadAtStart,
    loadAtEnd,
    batches: run.engine.events.filter((e) => e.event === 'batch'),
  };
}

// ------------------------------------------------------------------------------ reporting

const k = (n: number | null): string =>
  n === null ? '–' : n >= 10_000 ? `${(n / 1000).toFixed(0)} k` : String(Math.round(n));

function table(r: RunResult, markdown: boolean): string[] {
  const head = [
    's',
    'CPU %',
    'RSS MiB',
    'heap MiB',
    'sched. delay ms',
    'rate limit /s',
    'sent',
    'in batches',
    'waiting',
    'processed',
    'batches queued',
  ];
  const rows = r.samples.map((s) => [
    (s.ms / 1000).toFixed(0),
    String(s.cpuPercent),
    String(s.rssMiB),
    String(s.heapUsedMiB),
    s.schedulingMs === null ? '–' : String(s.schedulingMs),
    s.rateLimit === null ? 'none' : k(s.rateLimit),
    k(s.sent),
    k(s.inBatches),
    k(s.waiting),
    k(s.processed),
    String(s.pendingBatches),
  ]);
  if (markdown) {
    return [
      `| ${head.join(' | ')} |`,
      `| ${head.map(() => '---').join(' | ')} |`,
      ...rows.map((row) => `| ${row.join(' | ')} |`),
    ];
  }
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const fmt = (row: string[]): string =>
    '  ' + row.map((c, i) => c.padStart(widths[i]!)).join('  ');
  return [fmt(head), ...rows.map(fmt)];
}

function describe(r: RunResult): string {
  return (
    `RSS ${r.rssEndMiB} MiB at the end, ${r.rssPeakMiB} MiB peak; scheduling delay ` +
    `${r.growing ? 'growing' : 'flat'} (${r.slopeMsPerS.toFixed(0)} ms/s over the second half); ` +
    `${r.completed} batches completed; processing ${Math.round(r.processingRate)} lines/s of ` +
    `processing time; engine CPU ${r.cpuPercent} % of one core; feeder sent ${Math.round(r.sentRate)} lines/s; load ` +
    `${r.loadAtStart.toFixed(2)} → ${r.loadAtEnd.toFixed(2)}`
  );
}

function overloadFactor(a: OverloadArgs, runs: readonly RunResult[]): number {
  // The job's capacity is best seen where nothing holds the input back: the run without.
  const off = runs.find((r) => !r.backpressure) ?? runs[0]!;
  return a.rate / off.processingRate;
}

export function headline(a: OverloadArgs, runs: readonly RunResult[]): string {
  const part = (r: RunResult | undefined): string =>
    r
      ? `RSS ${r.rssPeakMiB} MB peak, scheduling delay ${r.growing ? 'growing' : 'flat'} ` +
        `(${r.slopeMsPerS.toFixed(0)} ms/s)`
      : 'not run';
  const on = runs.find((r) => r.backpressure);
  const off = runs.find((r) => !r.backpressure);
  return (
    `overload ${overloadFactor(a, runs).toFixed(0)}x with backpressure: ${part(on)}; ` +
    `without: ${part(off)}`
  );
}

function markdownReport(
  a: OverloadArgs,
  runs: readonly RunResult[],
  command: string,
  date: string,
  load: number[],
  costUs: number,
): string {
  const out = [
    `Command: \`${command}\``,
    '',
    `${date}; load average ${formatLoad(load)} at start. ${a.master}, batches of ${a.intervalMs} ms, ` +
      `block interval ${a.blockIntervalMs} ms; the feeder (another process) offers ${a.rate} lines/s ` +
      `(${Math.round((a.rate * a.tickMs) / 1000)} every ${a.tickMs} ms); each line costs ` +
      `PBKDF2-HMAC-SHA256 with ${a.iterations} rounds (${costUs} µs calibrated) in the job's \`map\`. ` +
      `Overload: ${overloadFactor(a, runs).toFixed(1)}x (offered rate ÷ lines per second of ` +
      `processing time without backpressure).`,
  ];
  for (const r of runs) {
    out.push('', `#### Backpressure ${r.backpressure ? 'on' : 'off'}`, '', describe(r) + '.', '');
    out.push(...table(r, true));
  }
  out.push('', '```', headline(a, runs), '```', '');
  return out.join('\n');
}

export async function run(
  a: OverloadArgs,
  o: { verbose: boolean; report?: string; only?: 'on' | 'off'; costUs: number },
): Promise<void> {
  const start = machine();
  const command = `npm run bench -- overload ${process.argv.slice(3).join(' ')}`.trim();
  process.stderr.write(
    `[overload] ${start.cores} cores, ${start.cpuModel}, load ${formatLoad(start.loadAverage)}; ` +
      `${a.master}, ${a.rate} lines/s offered, ${o.costUs} µs per line = ${a.iterations} rounds, ` +
      `${a.seconds} s per run\n`,
  );
  ensureBuilt();
  const runs: RunResult[] = [];
  for (const bp of [true, false]) {
    if (o.only === (bp ? 'off' : 'on')) continue;
    const r = await measure(a, bp, o.verbose);
    runs.push(r);
    process.stderr.write(`[overload] backpressure ${bp ? 'on' : 'off'}: ${describe(r)}\n`);
  }
  mkdirSync(BENCH_WORK, { recursive: true });
  const stamp = start.date.replace(/[:.]/g, '-');
  const raw = join(BENCH_WORK, `overload-${stamp}.json`);
  writeFileSync(raw, JSON.stringify({ machine: start, args: a, runs }, null, 1));
  const md = o.report ?? join(BENCH_WORK, `overload-${stamp}.md`);
  writeFileSync(md, markdownReport(a, runs, command, start.date, start.loadAverage, o.costUs));
  const out: string[] = [''];
  for (const r of runs) {
    out.push(`backpressure ${r.backpressure ? 'on' : 'off'}: ${describe(r)}`);
    out.push(...table(r, false), '');
  }
  out.push(`raw results: ${relative(REPO_ROOT, raw)}`, `report: ${relative(REPO_ROOT, md)}`);
  out.push(headline(a, runs), '');
  process.stdout.write(out.join('\n'));
}

// ------------------------------------------------------------------------------ command line

export async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    allowNegative: true,
    options: {
      seconds: { type: 'string', default: '40' },
      rate: { type: 'string', default: '20000' },
      'cost-us': { type: 'string', default: '1000' },
      master: { type: 'string', default: 'local[2]' },
      tick: { type: 'string', default: '10' },
      interval: { type: 'string', default: '500' },
      'block-interval': { type: 'string', default: '50' },
      only: { type: 'string' },
      verbose: { type: 'boolean', default: false },
      report: { type: 'string' },
      // the engine (what a run spawns)
      child: { type: 'string' },
      port: { type: 'string' },
      backpressure: { type: 'boolean', default: false },
      iterations: { type: 'string' },
      'initial-rate': { type: 'string', default: '1000' },
    },
  });
  const costUs = Number(values['cost-us']);
  const a: OverloadArgs = {
    master: values.master,
    rate: Number(values.rate),
    tickMs: Number(values.tick),
    intervalMs: Number(values.interval),
    blockIntervalMs: Number(values['block-interval']),
    seconds: Number(values.seconds),
    iterations: Number(values.iterations ?? 0),
    initialRate: Number(values['initial-rate']),
  };
  if (values.child === 'engine') {
    await engine(a, Number(values.port), values.backpressure);
    return;
  }
  if (values.child !== undefined) throw new Error(`--child engine, not ${values.child}`);
  const only = values.only;
  if (only !== undefined && only !== 'on' && only !== 'off')
    throw new Error(`--only on|off, not ${only}`);
  if (!values.iterations) {
    const c = calibrate(costUs);
    a.iterations = c.iterations;
    process.stderr.write(
      `[overload] calibration: ${c.usPerIteration.toFixed(3)} µs per PBKDF2 round\n`,
    );
  }
  await run(a, {
    verbose: values.verbose,
    costUs,
    ...(only ? { only } : {}),
    ...(values.report ? { report: values.report } : {}),
  });
}

if (import.meta.main) await main(process.argv.slice(2));
