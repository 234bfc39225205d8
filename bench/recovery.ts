/**
 * Recovery: how long a restarted application holding 1 M keys of `updateStateByKey` state takes
 * from `StreamingContext.getOrCreate` to the end of its first new batch (target: 5 s). Real
 * checkpoint files in a temporary directory, `local[2]` (task threads and all), and a fresh
 * process for the restart, as a user's restart would be; median over 3 runs.
 *
 *   node bench/recovery.ts [--keys 1000000] [--runs 3] [--master local[2]] [--verbose]
 *                          [--report FILE]
 *
 * Each run is two processes on a new checkpoint directory:
 *   1. build: a first batch brings N keys (one record each); the checkpoint after it snapshots the
 *      state; the context stops;
 *   2. restart: `getOrCreate` reads the checkpoint and decodes the snapshot, `start()` restores the
 *      state into the maps, then the batches run up to the first new one (the checkpointed batch
 *      again, from the restored state, then the next), whose output checks that every key came
 *      back with its state. The clock is a ManualClock put 0.5 s after the checkpointed batch and
 *      advanced at once, so the time measured is the engine's work, never a wait for a timer tick.
 *
 * The last line printed is the headline:
 *   recovery: 1M keys, getOrCreate to first new batch <t> s (read+decode <a> s, restore <b> s,
 *   batches <c> s)
 *
 * The same file is the measured program (`--child build|restart ...`).
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { eventOf, runChild, type BenchEvent } from './lib/child.ts';
import {
  BENCH_WORK,
  ensureBuilt,
  formatLoad,
  reportHeader,
  machine,
  REPO_ROOT,
  type Machine,
} from './lib/machine.ts';
import { formatSpread, spread, type Spread } from './lib/stats.ts';

const INTERVAL_MS = 1000;

// ------------------------------------------------------------------------------ the children

interface ChildArgs {
  keys: number;
  master: string;
  dir: string;
}

function print(event: BenchEvent): void {
  process.stdout.write(JSON.stringify(event) + '\n');
}

type Dstream = typeof import('dstream');
type Output = { count: number; sum: number };

/**
 * The application: a queue of batches of (key, 1), per-key totals with updateStateByKey, and an
 * output that counts the keys and adds up their totals. Built the same way by the first run, by
 * the restart (getOrCreate calls `create` only when there is no checkpoint) and by every task
 * thread of local[N].
 */
function app(
  d: Dstream,
  a: ChildArgs,
  clock: InstanceType<Dstream['ManualClock']>,
  firstBatch: (readonly [string, number])[],
  outputs: Map<number, Output>,
) {
  return d.StreamingContext.getOrCreate(a.dir, () => {
    const ssc = new d.StreamingContext({
      master: a.master,
      appName: 'bench-recovery',
      batchDuration: d.Milliseconds(INTERVAL_MS),
      clock,
    });
    ssc.checkpoint(a.dir);
    const queue = firstBatch.length > 0 ? [ssc.sparkContext.parallelize(firstBatch)] : [];
    ssc
      .queueStream(queue)
      .updateStateByKey((values: number[], state: number | undefined) =>
        values.reduce((x, y) => x + y, state ?? 0),
      )
      .name('totals')
      .foreachRDD(async (rdd, time) => {
        const [count, sum] = await rdd
          .mapPartitions((pairs) => {
            let s = 0;
            let k = 0;
            for (const p of pairs) {
              s += p[1];
              k++;
            }
            return [[k, s] as [number, number]];
          })
          .fold([0, 0], (x, y) => [x[0] + y[0], x[1] + y[1]]);
        outputs.set(time.milliseconds, { count, sum });
      });
    return ssc;
  });
}

function dirBytes(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    n += e.isDirectory() ? dirBytes(p) : statSync(p).size;
  }
  return n;
}

/** The first run: one batch of N keys, checkpointed with its state snapshot. */
async function build(a: ChildArgs): Promise<void> {
  const d = await import('dstream');
  // queueStream warns that its data is not recoverable: this measures the state, not the queue.
  d.setLogLevel('ERROR');
  const keys = d.isDriver()
    ? Array.from({ length: a.keys }, (_, i) => ['key' + i, 1] as const)
    : [];
  const clock = new d.ManualClock(0);
  const outputs = new Map<number, Output>();
  const ssc = app(d, a, clock, keys, outputs);
  await ssc.start(); // never resolves in a task thread
  const t0 = performance.now();
  await clock.advance(INTERVAL_MS); // the batch, then its checkpoint with the state snapshot
  const ms = performance.now() - t0;
  await ssc.stop();
  const out = outputs.get(INTERVAL_MS);
  if (out?.count !== a.keys || out.sum !== a.keys) {
    throw new Error(`first run: the output saw ${JSON.stringify(out)}, not ${a.keys} keys`);
  }
  print({
    event: 'built',
    keys: a.keys,
    batchAndCheckpointMs: ms,
    checkpointBytes: dirBytes(a.dir),
  });
}

/** The restart: getOrCreate, start, and the batches up to the first new one. */
async function restart(a: ChildArgs): Promise<void> {
  const d = await import('dstream');
  d.setLogLevel('ERROR');
  const driver = d.isDriver();
  const clock = new d.ManualClock(INTERVAL_MS * 1.5);
  const outputs = new Map<number, Output>();
  /** When each batch completed, in ms after getOrCreate was called. */
  const completed = new Map<number, number>();
  const t0 = performance.now();
  const ssc = app(d, a, clock, [], outputs);
  const getOrCreateMs = performance.now() - t0;
  ssc.addStreamingListener({
    // (BatchInfo's delays read the manual clock, which stands still while batches run.)
    onBatchCompleted: ({ batchInfo }) =>
      void completed.set(batchInfo.batchTime.milliseconds, performance.now() - t0),
  });
  let t = performance.now();
  await ssc.start(); // never resolves in a task thread
  const startMs = performance.now() - t;
  t = performance.now();
  await clock.advance(INTERVAL_MS / 2); // the checkpointed batch again, then the first new one
  const batchesMs = performance.now() - t;
  const totalMs = performance.now() - t0;
  await ssc.stop();
  if (!driver) return;
  const first = outputs.get(2 * INTERVAL_MS);
  if (first?.count !== a.keys || first.sum !== a.keys) {
    throw new Error(
      `restart: the first new batch saw ${JSON.stringify(first)}, not ${a.keys} keys`,
    );
  }
  print({
    event: 'restarted',
    keys: a.keys,
    getOrCreateMs,
    startMs,
    batchesMs,
    totalMs,
    batches: [...completed].map(([time, atMs]) => ({ time, atMs })),
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  });
}

// ------------------------------------------------------------------------------ the runs

interface Options {
  keys: number;
  runs: number;
  master: string;
  verbose: boolean;
  report: string | undefined;
}

interface Run {
  buildMs: number;
  checkpointBytes: number;
  getOrCreateMs: number;
  startMs: number;
  batchesMs: number;
  totalMs: number;
  batches: { time: number; atMs: number }[];
  restartWallMs: number;
  peakRssMiB: number;
  loadAtStart: number;
  loadAtEnd: number;
}

async function measure(i: number, o: Options): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'dstream-bench-recovery-'));
  const args = (role: string) => [
    import.meta.filename,
    '--child',
    role,
    '--keys',
    String(o.keys),
    '--master',
    o.master,
    '--dir',
    dir,
  ];
  const env = { ...process.env, DSTREAM_LOG_LEVEL: 'ERROR' };
  try {
    const b = await runChild(process.execPath, args('build'), {
      env,
      verbose: o.verbose,
      label: `recovery build ${i + 1}`,
    });
    const built = eventOf(b, 'built', 'recovery build');
    const r = await runChild(process.execPath, args('restart'), {
      env,
      verbose: o.verbose,
      label: `recovery restart ${i + 1}`,
    });
    const s = eventOf(r, 'restarted', 'recovery restart');
    return {
      buildMs: built.batchAndCheckpointMs as number,
      checkpointBytes: built.checkpointBytes as number,
      getOrCreateMs: s.getOrCreateMs as number,
      startMs: s.startMs as number,
      batchesMs: s.batchesMs as number,
      totalMs: s.totalMs as number,
      batches: s.batches as Run['batches'],
      restartWallMs: r.wallMs,
      peakRssMiB: s.peakRssMiB as number,
      loadAtStart: r.loadAtStart,
      loadAtEnd: machine().loadAverage[0],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function label(n: number): string {
  if (n >= 1e6 && n % 1e6 === 0) return `${n / 1e6}M`;
  if (n >= 1e3 && n % 1e3 === 0) return `${n / 1e3}K`;
  return String(n);
}

const sec = (s: Spread) => formatSpread(s, 2, 1e-3);

function runLine(r: Run, i: number): string {
  const batches = r.batches
    .map((b) => `batch ${b.time} ms at ${(b.atMs / 1000).toFixed(2)} s`)
    .join(', ');
  return (
    `run ${i + 1}: ${(r.totalMs / 1000).toFixed(2)} s = getOrCreate ${(r.getOrCreateMs / 1000).toFixed(2)} ` +
    `+ start ${(r.startMs / 1000).toFixed(2)} + batches ${(r.batchesMs / 1000).toFixed(2)} ` +
    `(completed: ${batches}); restart process ${(r.restartWallMs / 1000).toFixed(1)} s wall, ` +
    `peak RSS ${r.peakRssMiB} MiB; first run's batch + checkpoint ${(r.buildMs / 1000).toFixed(2)} s, ` +
    `${(r.checkpointBytes / 1e6).toFixed(1)} MB on disk; load ${r.loadAtStart.toFixed(2)}→${r.loadAtEnd.toFixed(2)}`
  );
}

interface Summary {
  total: Spread;
  getOrCreate: Spread;
  start: Spread;
  batches: Spread;
}

function summarize(runs: readonly Run[]): Summary {
  return {
    total: spread(runs.map((r) => r.totalMs)),
    getOrCreate: spread(runs.map((r) => r.getOrCreateMs)),
    start: spread(runs.map((r) => r.startMs)),
    batches: spread(runs.map((r) => r.batchesMs)),
  };
}

function describe(o: Options): string {
  return (
    `recovery with ${o.keys.toLocaleString('en-US')} keys of updateStateByKey state (string keys, ` +
    `numeric state), ${o.master}, real checkpoint files, restart in a fresh process; ${o.runs} run(s); ` +
    `seconds, median (min–max) over the runs`
  );
}

function table(s: Summary): string[] {
  return [
    `getOrCreate → end of the first new batch  ${sec(s.total)} s   (target ≤ 5 s)`,
    `  getOrCreate (read the checkpoint, decode the snapshot)  ${sec(s.getOrCreate)} s`,
    `  start (restore the state into the maps)                 ${sec(s.start)} s`,
    `  batches up to the first new one (the checkpointed one again, then the new one)  ${sec(s.batches)} s`,
  ];
}

function headline(o: Options, s: Summary): string {
  const f = (x: Spread) => (x.median / 1000).toFixed(2);
  return (
    `recovery: ${label(o.keys)} keys, getOrCreate to first new batch ${f(s.total)} s ` +
    `(read+decode ${f(s.getOrCreate)} s, restore ${f(s.start)} s, batches ${f(s.batches)} s)`
  );
}

function markdownReport(
  o: Options,
  runs: readonly Run[],
  s: Summary,
  m: Machine,
  end: Machine,
  command: string,
): string {
  return [
    `Command: \`${command}\``,
    '',
    reportHeader(m, end),
    '',
    describe(o) + '.',
    '',
    '| | seconds, median (min–max) |',
    '|---|---|',
    `| getOrCreate → end of the first new batch (target ≤ 5 s) | ${sec(s.total)} |`,
    `| getOrCreate: read the checkpoint, decode the snapshot | ${sec(s.getOrCreate)} |`,
    `| start: restore the state into the maps | ${sec(s.start)} |`,
    `| batches up to the first new one | ${sec(s.batches)} |`,
    '',
    ...runs.map((r, i) => `- ${runLine(r, i)}`),
    '',
    headline(o, s),
  ].join('\n');
}

async function compare(o: Options): Promise<void> {
  const start = machine();
  const command = `npm run bench -- recovery ${process.argv.slice(3).join(' ')}`.trim();
  process.stderr.write(
    `[recovery] ${start.cores} cores, ${start.cpuModel}, load ${formatLoad(start.loadAverage)}; ` +
      `${label(o.keys)} keys, ${o.master}, ${o.runs} run(s)\n`,
  );
  ensureBuilt();
  const runs: Run[] = [];
  for (let i = 0; i < o.runs; i++) {
    const r = await measure(i, o);
    runs.push(r);
    process.stderr.write(`[recovery] ${runLine(r, i)}\n`);
  }
  const s = summarize(runs);
  const end = machine();
  mkdirSync(BENCH_WORK, { recursive: true });
  const stamp = start.date.replace(/[:.]/g, '-');
  const rawFile = join(BENCH_WORK, `recovery-${stamp}.json`);
  writeFileSync(rawFile, JSON.stringify({ machine: start, end, options: o, runs }, null, 1));
  const report = o.report ?? join(BENCH_WORK, `recovery-${stamp}.md`);
  writeFileSync(report, markdownReport(o, runs, s, start, end, command) + '\n');
  process.stdout.write(['', describe(o), '', ...table(s), ''].join('\n') + '\n');
  process.stdout.write(
    `raw results: ${relative(REPO_ROOT, rawFile)}\nreport: ${relative(REPO_ROOT, report)}\n`,
  );
  process.stdout.write(headline(o, s) + '\n');
}

// ------------------------------------------------------------------------------ command line

export async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      keys: { type: 'string', default: '1000000' },
      runs: { type: 'string', default: '3' },
      master: { type: 'string', default: 'local[2]' },
      verbose: { type: 'boolean', default: false },
      report: { type: 'string' },
      // one measured program (what the runs spawn)
      child: { type: 'string' },
      dir: { type: 'string' },
    },
  });
  const keys = Number(values.keys);
  const runs = Number(values.runs);
  if (!Number.isInteger(keys) || keys < 1) throw new Error(`--keys: not a count: ${values.keys}`);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs: not a count: ${values.runs}`);
  if (values.child) {
    if (!values.dir) throw new Error('--child needs --dir');
    const a: ChildArgs = { keys, master: values.master, dir: values.dir };
    if (values.child === 'build') await build(a);
    else if (values.child === 'restart') await restart(a);
    else throw new Error(`--child build|restart, not ${values.child}`);
    return;
  }
  await compare({
    keys,
    runs,
    master: values.master,
    verbose: values.verbose,
    report: values.report,
  });
}

if (import.meta.main) await main(process.argv.slice(2));
