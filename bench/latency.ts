/**
 * Socket latency: dstream's WordCount with 100 ms batches, fed 100,000 lines/s over a real TCP
 * socket (`socketTextStream` on 127.0.0.1) by a feeder in another process (bench/lib/feeder.ts:
 * 1,000 lines every 10 ms). The figures are the percentiles of each batch's total delay, Spark's
 * `BatchInfo.totalDelay` (scheduling delay + processing delay, from a StreamingListener), over the
 * batches after a warm-up; every line sent must be received and counted.
 *
 *   node bench/latency.ts [--seconds 30] [--warmup 5] [--master local[2]] [--rate 100000]
 *                         [--interval 100] [--block-interval 50] [--tick 10] [--cpu-prof]
 *                         [--verbose] [--report FILE]
 *
 * The last line printed is the headline:
 *   latency at 100 ms batches, 100000 rec/s: p50 <a> ms, p99 <b> ms total delay
 *
 * The same file is the engine's program (`--child engine --port P --lines N ...`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, relative } from 'node:path';
import {
  constants,
  monitorEventLoopDelay,
  PerformanceObserver,
  performance,
} from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { type BenchEvent } from './lib/child.ts';
import { BENCH_WORK, ensureBuilt, formatLoad, machine, REPO_ROOT } from './lib/machine.ts';
import { runWithFeeder } from './lib/socket-run.ts';
import { median, percentile } from './lib/stats.ts';

export interface LatencyArgs {
  master: string;
  /** Lines per second the feeder sends. */
  rate: number;
  /** Feeder tick: `rate × tick / 1000` lines per write. */
  tickMs: number;
  intervalMs: number;
  blockIntervalMs: number;
  warmupSeconds: number;
  seconds: number;
}

/**
 * One more second is fed after the measured window, so that the window's last batches are as full
 * as the others; the engine then runs until it has counted every line.
 */
const TAIL_SECONDS = 1;
/** The engine gives up waiting for lines after this long without any (a loss). */
const IDLE_GIVE_UP_MS = 5000;

function linesToSend(a: LatencyArgs): number {
  return Math.round(a.rate * (a.warmupSeconds + a.seconds + TAIL_SECONDS));
}

// ------------------------------------------------------------------------------ the engine

function print(event: BenchEvent): void {
  process.stdout.write(JSON.stringify(event) + '\n');
}

type Phase = 'before' | 'warmup' | 'measured' | 'tail';

/**
 * The measured program: WordCount on the socket's lines, a `foreachRDD` that reads every
 * (word, count) pair, a listener that records each batch's delays. Stops once it has counted all
 * `expected` lines (or after 5 s without any, which the parent reports as a loss).
 */
async function engine(a: LatencyArgs, port: number, expected: number): Promise<void> {
  const { StreamingContext, Milliseconds, isDriver } = await import('dstream');
  const ssc = new StreamingContext({
    master: a.master,
    appName: 'bench-latency',
    batchDuration: Milliseconds(a.intervalMs),
    conf: {
      'spark.streaming.blockInterval': `${a.blockIntervalMs}ms`,
      // start() waits for the task threads, so that warm-up batches run where measured ones do.
      'spark.scheduler.minRegisteredResourcesRatio': '1',
    },
  });
  ssc.setLogLevel('WARN');

  // Words counted by the output operation, by batch time.
  const words = new Map<number, { words: number; keys: number }>();
  ssc
    .socketTextStream('127.0.0.1', port)
    .flatMap((line) => line.split(' '))
    .map((word) => [word, 1] as const)
    .reduceByKey((x, y) => x + y)
    .foreachRDD(async (rdd, time) => {
      const [sum, keys] = await rdd
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
      words.set(time.milliseconds, { words: sum, keys });
    });

  // With local[N] every task thread runs this file too: only the driver measures.
  if (!isDriver()) {
    await ssc.start();
    return;
  }

  const warmupBatches = Math.round((a.warmupSeconds * 1000) / a.intervalMs);
  const measuredBatches = Math.round((a.seconds * 1000) / a.intervalMs);
  let first = -1; // batch time of the first batch with records
  let records = 0;
  let counted = 0;
  let lastRecordsAt = 0;
  let windowStart = 0;
  let windowEnd = 0;
  let cpuAtStart = process.cpuUsage();
  let cpuMs = 0;
  const gc: { at: number; ms: number; major: boolean }[] = [];
  const gcObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      gc.push({
        at: performance.timeOrigin + e.startTime,
        ms: e.duration,
        // Anything but a scavenge of the young generation (mark-compact, incremental marking).
        major:
          (e as { detail?: { kind?: number } }).detail?.kind !==
          constants.NODE_PERFORMANCE_GC_MINOR,
      });
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  let loop = { p50: NaN, p99: NaN, max: NaN };

  const phaseOf = (batchMs: number): { phase: Phase; i: number } => {
    if (first < 0) return { phase: 'before', i: -1 };
    const i = Math.round((batchMs - first) / a.intervalMs);
    if (i < warmupBatches) return { phase: 'warmup', i };
    if (i < warmupBatches + measuredBatches) return { phase: 'measured', i };
    return { phase: 'tail', i };
  };

  let finish: (why: string) => void = () => {};
  const finished = new Promise<string>((resolve) => (finish = resolve));
  ssc.addStreamingListener({
    onBatchSubmitted: ({ batchInfo }) => {
      const ms = batchInfo.batchTime.milliseconds;
      if (first < 0 && batchInfo.numRecords > 0) first = ms;
      const { phase, i } = phaseOf(ms);
      if (phase === 'measured' && i === warmupBatches) {
        windowStart = ms;
        cpuAtStart = process.cpuUsage();
        loopDelay.reset();
        loopDelay.enable();
      }
    },
    onBatchCompleted: ({ batchInfo }) => {
      const ms = batchInfo.batchTime.milliseconds;
      const n = batchInfo.numRecords;
      const w = words.get(ms);
      words.delete(ms);
      records += n;
      counted += w?.words ?? 0;
      const now = Date.now();
      if (n > 0) lastRecordsAt = now;
      const { phase, i } = phaseOf(ms);
      print({
        event: 'batch',
        i,
        phase,
        batchTime: ms,
        records: n,
        words: w?.words ?? 0,
        keys: w?.keys ?? 0,
        schedulingMs: batchInfo.schedulingDelay,
        processingMs: batchInfo.processingDelay,
        totalMs: batchInfo.totalDelay,
        // From the batch time itself: also counts timer lateness and the batch's generation.
        sinceBatchTimeMs: (batchInfo.processingEndTime ?? NaN) - ms,
      });
      if (phase === 'measured' && i === warmupBatches + measuredBatches - 1) {
        windowEnd = batchInfo.processingEndTime ?? now;
        const cpu = process.cpuUsage(cpuAtStart);
        cpuMs = (cpu.user + cpu.system) / 1000;
        loopDelay.disable();
        loop = {
          p50: loopDelay.percentile(50) / 1e6,
          p99: loopDelay.percentile(99) / 1e6,
          max: loopDelay.max / 1e6,
        };
      }
      if (records >= expected) finish('all lines received');
      else if (first >= 0 && now - lastRecordsAt > IDLE_GIVE_UP_MS)
        finish(`no line for ${IDLE_GIVE_UP_MS} ms`);
    },
  });
  // Memory once a second: the heap a steady stream settles at, and whether it keeps growing.
  const t0 = Date.now();
  const memory = setInterval(() => {
    const m = process.memoryUsage();
    const mib = (x: number): number => Math.round(x / 2 ** 20);
    print({
      event: 'memory',
      ms: Date.now() - t0,
      rssMiB: mib(m.rss),
      heapUsedMiB: mib(m.heapUsed),
      heapTotalMiB: mib(m.heapTotal),
      externalMiB: mib(m.external),
    });
  }, 1000);
  await ssc.start();
  const why = await finished;
  clearInterval(memory);
  await ssc.stop();
  gcObserver.disconnect();
  const inWindow = gc.filter((g) => g.at >= windowStart && g.at <= windowEnd);
  print({
    event: 'summary',
    why,
    expected,
    records,
    words: counted,
    windowMs: windowEnd - windowStart,
    cpuMs: Math.round(cpuMs),
    gcPauses: inWindow.length,
    gcMs: Math.round(inWindow.reduce((s, g) => s + g.ms, 0) * 10) / 10,
    gcMaxMs: Math.round(Math.max(0, ...inWindow.map((g) => g.ms)) * 10) / 10,
    gcMajorPauses: inWindow.filter((g) => g.major).length,
    gcMajorMs: Math.round(inWindow.filter((g) => g.major).reduce((s, g) => s + g.ms, 0) * 10) / 10,
    gcMajorMaxMs:
      Math.round(Math.max(0, ...inWindow.filter((g) => g.major).map((g) => g.ms)) * 10) / 10,
    loopDelayP50Ms: loop.p50,
    loopDelayP99Ms: loop.p99,
    loopDelayMaxMs: loop.max,
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  });
}

// ------------------------------------------------------------------------------ the run

interface Delays {
  p50: number;
  p99: number;
  max: number;
}

export interface LatencyResult {
  args: LatencyArgs;
  sent: number;
  records: number;
  words: number;
  measured: number;
  total: Delays;
  scheduling: Delays;
  processing: Delays;
  sinceBatchTime: Delays;
  recordsPerBatch: { median: number; min: number; max: number };
  engine: BenchEvent;
  feeder: BenchEvent;
  loadAtStart: number;
  loadAtEnd: number;
  /** Everything the engine printed (batches, memory samples). */
  events: BenchEvent[];
}

function delays(values: number[]): Delays {
  return {
    p50: percentile(values, 50),
    p99: percentile(values, 99),
    max: values.length ? Math.max(...values) : NaN,
  };
}

async function measure(a: LatencyArgs, verbose: boolean, cpuProf: boolean): Promise<LatencyResult> {
  const expected = linesToSend(a);
  const profDir = join(BENCH_WORK, 'profiles');
  if (cpuProf) mkdirSync(profDir, { recursive: true });
  const run = await runWithFeeder({
    label: 'latency',
    verbose,
    feederArgs: ['--rate', String(a.rate), '--tick', String(a.tickMs), '--lines', String(expected)],
    engine: (port) => ({
      command: process.execPath,
      args: [
        ...(cpuProf ? ['--cpu-prof', '--cpu-prof-dir', profDir] : []),
        import.meta.filename,
        '--child',
        'engine',
        '--port',
        String(port),
        '--lines',
        String(expected),
        '--master',
        a.master,
        '--rate',
        String(a.rate),
        '--interval',
        String(a.intervalMs),
        '--block-interval',
        String(a.blockIntervalMs),
        '--warmup',
        String(a.warmupSeconds),
        '--seconds',
        String(a.seconds),
      ],
      env: { ...process.env, DSTREAM_LOG_LEVEL: 'WARN' },
    }),
  });
  const loadAtEnd = loadavg()[0]!;
  const summary = run.engine.events.find((e) => e.event === 'summary');
  const fed = run.feeder.events.find((e) => e.event === 'summary');
  if (!summary || !fed) throw new Error('latency: no summary from the engine or the feeder');
  const batches = run.engine.events.filter((e) => e.event === 'batch' && e.phase === 'measured');
  const of = (k: string): number[] => batches.map((b) => b[k] as number);
  return {
    args: a,
    sent: fed.sent as number,
    records: summary.records as number,
    words: summary.words as number,
    measured: batches.length,
    total: delays(of('totalMs')),
    scheduling: delays(of('schedulingMs')),
    processing: delays(of('processingMs')),
    sinceBatchTime: delays(of('sinceBatchTimeMs')),
    recordsPerBatch: {
      median: median(of('records')),
      min: Math.min(...of('records')),
      max: Math.max(...of('records')),
    },
    engine: summary,
    feeder: fed,
    loadAtStart: run.engine.loadAtStart,
    loadAtEnd,
    events: run.engine.events,
  };
}

function lossCheck(r: LatencyResult): string | undefined {
  const want = linesToSend(r.args);
  if (r.sent !== want) return `the feeder sent ${r.sent} lines, not ${want}`;
  if (r.records !== r.sent) return `${r.sent} lines sent, ${r.records} received`;
  if (r.words !== 10 * r.sent)
    return `${r.sent} lines sent, ${r.words} words counted (not 10 each)`;
  return undefined;
}

export function headline(r: LatencyResult): string {
  return (
    `latency at ${r.args.intervalMs} ms batches, ${r.args.rate} rec/s: ` +
    `p50 ${r.total.p50} ms, p99 ${r.total.p99} ms total delay`
  );
}

function report(r: LatencyResult, command: string, date: string, load: number[]): string {
  const a = r.args;
  const e = r.engine;
  const f = r.feeder;
  const row = (name: string, d: Delays): string => `| ${name} | ${d.p50} | ${d.p99} | ${d.max} |`;
  const windowS = (e.windowMs as number) / 1000;
  return [
    `Command: \`${command}\``,
    '',
    `${date}; load average ${formatLoad(load)} at start (1-min ${r.loadAtStart.toFixed(2)} when the ` +
      `engine started, ${r.loadAtEnd.toFixed(2)} at its end).`,
    '',
    `${a.master}, batches of ${a.intervalMs} ms, block interval ${a.blockIntervalMs} ms; the feeder ` +
      `(another process) sent ${a.rate} lines/s, ${Math.round((a.rate * a.tickMs) / 1000)} lines every ` +
      `${a.tickMs} ms (longest gap between its ticks ${String(f.maxTickGapMs)} ms, ` +
      `${String(f.congestedTicks)} ticks held back by a full socket). ${r.measured} batches measured ` +
      `(${a.seconds} s) after ${a.warmupSeconds} s of warm-up; ${r.recordsPerBatch.median} lines per ` +
      `batch (median; ${r.recordsPerBatch.min}–${r.recordsPerBatch.max}).`,
    '',
    '| delay per batch, ms | p50 | p99 | max |',
    '| --- | --- | --- | --- |',
    row('**total** (scheduling + processing)', r.total),
    row('scheduling', r.scheduling),
    row('processing', r.processing),
    row('batch time → end of processing', r.sinceBatchTime),
    '',
    `Lines: ${r.sent} sent, ${r.records} received, ${r.words / 10} counted (words ÷ 10): ` +
      `${lossCheck(r) ?? 'no loss'}. Engine process over the measured window: CPU ` +
      `${Math.round((e.cpuMs as number) / windowS / 10)} % of one core (all threads), driver GC ` +
      `${String(e.gcPauses)} pauses, ${String(e.gcMs)} ms in all, longest ${String(e.gcMaxMs)} ms ` +
      `(of which mark-compact or incremental marking: ${String(e.gcMajorPauses)}, ${String(e.gcMajorMs)} ms, ` +
      `longest ${String(e.gcMajorMaxMs)} ms); ` +
      `driver event-loop delay p50 ${(e.loopDelayP50Ms as number).toFixed(1)} ms, p99 ` +
      `${(e.loopDelayP99Ms as number).toFixed(1)} ms, max ${(e.loopDelayMaxMs as number).toFixed(1)} ms; ` +
      `peak RSS ${String(e.peakRssMiB)} MiB.`,
    '',
    '```',
    headline(r),
    '```',
    '',
  ].join('\n');
}

export async function run(
  a: LatencyArgs,
  o: { verbose: boolean; report?: string; cpuProf: boolean },
) {
  const start = machine();
  const command = `npm run bench -- latency ${process.argv.slice(3).join(' ')}`.trim();
  process.stderr.write(
    `[latency] ${start.cores} cores, ${start.cpuModel}, load ${formatLoad(start.loadAverage)}; ` +
      `${a.master}, ${a.intervalMs} ms batches, ${a.rate} lines/s for ` +
      `${a.warmupSeconds} + ${a.seconds} + ${TAIL_SECONDS} s\n`,
  );
  ensureBuilt();
  const r = await measure(a, o.verbose, o.cpuProf);
  mkdirSync(BENCH_WORK, { recursive: true });
  const stamp = start.date.replace(/[:.]/g, '-');
  const raw = join(BENCH_WORK, `latency-${stamp}.json`);
  writeFileSync(raw, JSON.stringify({ machine: start, result: r }, null, 1));
  const md = o.report ?? join(BENCH_WORK, `latency-${stamp}.md`);
  writeFileSync(md, report(r, command, start.date, start.loadAverage));
  const pad = (x: number): string => String(x).padStart(6);
  const line = (name: string, d: Delays): string =>
    `  ${name.padEnd(32)} ${pad(d.p50)} ${pad(d.p99)} ${pad(d.max)}`;
  process.stdout.write(
    [
      '',
      `latency: ${a.master}, ${a.intervalMs} ms batches (block interval ${a.blockIntervalMs} ms), ` +
        `${a.rate} lines/s over TCP from another process; ${r.measured} batches after ${a.warmupSeconds} s ` +
        `of warm-up; load ${r.loadAtStart.toFixed(2)} → ${r.loadAtEnd.toFixed(2)}`,
      `  delay per batch, ms                  p50    p99    max`,
      line('total (scheduling + processing)', r.total),
      line('scheduling', r.scheduling),
      line('processing', r.processing),
      line('batch time → end of processing', r.sinceBatchTime),
      `  lines: ${r.sent} sent, ${r.records} received, ${r.words / 10} counted: ${lossCheck(r) ?? 'no loss'}`,
      `  driver: GC ${String(r.engine.gcPauses)} pauses (${String(r.engine.gcMs)} ms, max ` +
        `${String(r.engine.gcMaxMs)} ms; major ${String(r.engine.gcMajorPauses)}, ${String(r.engine.gcMajorMs)} ms, ` +
        `max ${String(r.engine.gcMajorMaxMs)} ms), event-loop delay p99 ${(r.engine.loopDelayP99Ms as number).toFixed(1)} ms`,
      '',
      `raw results: ${relative(REPO_ROOT, raw)}`,
      `report: ${relative(REPO_ROOT, md)}`,
      headline(r),
      '',
    ].join('\n'),
  );
  const loss = lossCheck(r);
  if (loss) throw new Error(`latency: lines lost: ${loss}`);
}

// ------------------------------------------------------------------------------ command line

export async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      seconds: { type: 'string', default: '30' },
      warmup: { type: 'string', default: '5' },
      master: { type: 'string', default: 'local[2]' },
      rate: { type: 'string', default: '100000' },
      tick: { type: 'string', default: '10' },
      interval: { type: 'string', default: '100' },
      'block-interval': { type: 'string', default: '50' },
      'cpu-prof': { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      report: { type: 'string' },
      // the engine (what the run spawns)
      child: { type: 'string' },
      port: { type: 'string' },
      lines: { type: 'string' },
    },
  });
  const a: LatencyArgs = {
    master: values.master,
    rate: Number(values.rate),
    tickMs: Number(values.tick),
    intervalMs: Number(values.interval),
    blockIntervalMs: Number(values['block-interval']),
    warmupSeconds: Number(values.warmup),
    seconds: Number(values.seconds),
  };
  if (values.child === 'engine') {
    await engine(a, Number(values.port), Number(values.lines));
    return;
  }
  if (values.child !== undefined) throw new Error(`--child engine, not ${values.child}`);
  await run(a, {
    verbose: values.verbose,
    cpuProf: values['cpu-prof'],
    ...(values.report ? { report: values.report } : {}),
  });
}

if (import.meta.main) await main(process.argv.slice(2));
