/**
 * mapWithState with a large state: per-batch time at a fixed batch size with 100 K, 1 M and 10 M
 * keys in state, and bytes of memory per key, measured on a real streaming job (StreamingContext,
 * queueStream, `mapWithState(StateSpec.function(...))`, a foreachRDD output that checks every
 * result), each N in a fresh process. Beside it, in the same process, a bare `Map` does the same
 * lookups and updates on the same keys: the ceiling, which shows how much of the growth with N is
 * the hardware (random memory access over a larger table) rather than dstream.
 *
 *   node bench/state.ts [--quick] [--keys 100000,1000000,10000000] [--rounds 3]
 *                       [--records 100000] [--new-percent 3] [--hot-keys 0] [--warmup 5] [--measured 15]
 *                       [--master local[2]] [--timeout] [--verbose] [--report FILE]
 *
 * The state is first filled up to N keys (one record per key, in 10 batches, not timed); then
 * each measured batch draws its keys uniformly at random from the N keys plus a few % new ones,
 * the worst case for caches. Time per batch is `BatchInfo.processingDelay` (StreamingListener),
 * median over the measured batches after warm-up; ratios to the smallest N are taken within a
 * round (each N of a round in turn) and their median over rounds is printed. Memory per key is the
 * growth of heap + array buffers after gc from the first fill batch to the last, over the keys
 * added: the key strings included (their own size is shown apart), the engine's fixed costs not
 * (the whole growth over N is shown too).
 *
 * The last line printed is the headline, for the largest N measured:
 *   mapWithState: 10M keys <x>x the per-batch time of 100K, <y> B/key
 *
 * The same file is the measured program (`--child ...`), so what runs is what you read.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
import { formatSpread, median, spread, type Spread } from './lib/stats.ts';

// ------------------------------------------------------------------------------ configuration

/** The batch interval: batches with records come one at a time, the ticks between are empty. */
const INTERVAL_MS = 200;
const FULL_KEYS = [100_000, 1_000_000, 10_000_000];
const QUICK_KEYS = [100_000, 1_000_000];

interface ChildArgs {
  keys: number;
  records: number;
  newPercent: number;
  /** Existing keys are drawn from this many of them (every N/hotKeys-th key); 0: all N. */
  hotKeys: number;
  warmup: number;
  measured: number;
  master: string;
  timeout: boolean;
  checkpointDir: string;
}

/** The state is filled in this many batches (memory is measured from the first to the last). */
const FILL_BATCHES = 10;

function fillBatchSize(keys: number): number {
  return Math.ceil(keys / FILL_BATCHES);
}

/** Old space for the child: a 10 M-key state with its key strings needs about 1.5 GB. */
function heapMiB(keys: number): number {
  return keys > 2_000_000 ? 8192 : 4096;
}

function keyOf(i: number): string {
  // A fresh flat string each time (short concatenations are not ropes), as records parsed from
  // input would be: its hash is computed on its first lookup, as in a real job.
  return 'key' + i;
}

// ------------------------------------------------------------------------------ the child

function print(event: BenchEvent): void {
  process.stdout.write(JSON.stringify(event) + '\n');
}

function nowUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/**
 * Heap used + array buffers after full collections. The engine drops a shuffle's outputs when its
 * dependency is collected (a FinalizationRegistry), whose callbacks run in a later task: collect,
 * let them run, and collect again.
 */
async function gcHeap(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('the measured program needs node --expose-gc');
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  gc();
  // Typed arrays (and the times column of a state with timeouts) live outside the heap.
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Heap bytes of one key string, from `n` of them held in an array (minus the array's slot). */
async function keyStringBytes(n: number): Promise<number> {
  const before = await gcHeap();
  const ks = new Array<string>(n);
  for (let i = 0; i < n; i++) ks[i] = keyOf(i);
  const after = await gcHeap();
  if (ks.length !== n) throw new Error('unreachable');
  return (after - before) / n - 8;
}

/**
 * The records of a fill batch: keys `from` … `from + n - 1`, value 1. Made in a function of their
 * own, so that no variable keeps them alive when memory is read after the batch.
 */
function fillRecords(from: number, n: number): (readonly [string, number])[] {
  const records = new Array<readonly [string, number]>(n);
  for (let i = 0; i < n; i++) records[i] = [keyOf(from + i), 1];
  return records;
}

/** xorshift32: the same sequence of batches on every run. */
class Random {
  private x = 42;
  next(): number {
    let x = this.x;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.x = x;
    return (x >>> 0) / 4294967296;
  }
}

interface Workload {
  /** The key index of every record of every warm-up and measured batch. */
  batches: Uint32Array[];
  /** Per batch: the sum of the states the records leave (each state counts its key's records). */
  expectedSums: number[];
  newKeys: number;
}

/**
 * Draws the batches: each record is a new key (index N, N + 1...) with probability newPercent %,
 * else one of the N keys uniformly at random, or with `hotKeys` one of that many keys spread over
 * the N (the active keys of a large state). The expected results are computed here, once.
 */
function workload(a: ChildArgs): Workload {
  const total = a.warmup + a.measured;
  const counts = new Uint32Array(a.keys + total * a.records);
  counts.fill(1, 0, a.keys); // the fill gave every key one record
  const rnd = new Random();
  const p = a.newPercent / 100;
  const hot = a.hotKeys > 0 ? Math.min(a.hotKeys, a.keys) : a.keys;
  const stride = Math.floor(a.keys / hot);
  let next = a.keys;
  const batches: Uint32Array[] = [];
  const expectedSums: number[] = [];
  for (let b = 0; b < total; b++) {
    const idx = new Uint32Array(a.records);
    let sum = 0;
    for (let i = 0; i < a.records; i++) {
      const k = rnd.next() < p ? next++ : Math.floor(rnd.next() * hot) * stride;
      idx[i] = k;
      sum += ++counts[k]!;
    }
    batches.push(idx);
    expectedSums.push(sum);
  }
  return { batches, expectedSums, newKeys: next - a.keys };
}

interface Memory {
  /** Heap + array buffers after gc: after the fill, minus before it. */
  total: number;
  /** The same, after the fill minus after its first batch. */
  growth: number;
  /** Keys added between those two readings. */
  keysAdded: number;
}

interface BatchResult {
  processingMs: number;
  /** First to last call of the mapping function in the batch: applying it to the state. */
  stateMs: number;
  ok: boolean;
}

/** The streaming job. Every task thread of local[N] runs this too (and only builds the graph). */
async function dstreamJob(
  a: ChildArgs,
  w: Workload | undefined,
): Promise<
  { fillMs: number; mem: Memory; batches: BatchResult[]; uiBytesPerKey: number } | undefined
> {
  const { StreamingContext, Milliseconds, Minutes, StateSpec, isDriver } = await import('dstream');
  type State<S> = import('dstream').State<S>;
  const ssc = new StreamingContext({
    master: a.master,
    appName: 'bench-state',
    batchDuration: Milliseconds(INTERVAL_MS),
  });
  ssc.setLogLevel(process.env.DSTREAM_LOG_LEVEL ?? 'WARN');
  ssc.checkpoint(a.checkpointDir);
  const sc = ssc.sparkContext;
  // The batches are made here, outside any stream: the shuffle's map side (placing each record in
  // its state partition) then runs on the driver, where the state is, and local[N]'s task threads
  // have nothing to do. A batch is the engine's state path and nothing else.
  const queue: import('dstream').RDD<readonly [string, number]>[] = [];

  // Counted by the mapping function, which runs on the driver (the state lives there).
  let calls = 0;
  let expectedCalls = 0;
  let firstCallAt = 0;
  let lastCallAt = 0;
  let spec = StateSpec.function((key: string, one: number | undefined, state: State<number>) => {
    const count = (state.getOption() ?? 0) + (one ?? 0);
    state.update(count);
    const n = ++calls;
    if (n === 1) firstCallAt = performance.now();
    if (n === expectedCalls) lastCallAt = performance.now();
    return count;
  });
  // An hour: no key times out during the run, but every record refreshes its key's idle time.
  if (a.timeout) spec = spec.timeout(Minutes(60));

  // What the output saw, by batch time; the listener hands each batch with records to `waiting`.
  const seen = new Map<number, { n: number; sum: number }>();
  type Seen = { n: number; sum: number; processingMs: number };
  let waiting: { resolve: (r: Seen) => void; reject: (e: Error) => void } | undefined;
  ssc
    .queueStream(queue, true)
    .mapWithState(spec)
    // No state snapshot falls in the measured batches (the first one, taken early, falls in the
    // fill): the recovery benchmark measures snapshots.
    .checkpoint(Milliseconds(INTERVAL_MS * 1_000_000))
    .foreachRDD(async (rdd, time) => {
      const [n, sum] = await rdd
        .mapPartitions((counts) => {
          let s = 0;
          let k = 0;
          for (const c of counts) {
            s += c;
            k++;
          }
          return [[k, s] as [number, number]];
        })
        .fold([0, 0], (x, y) => [x[0] + y[0], x[1] + y[1]]);
      seen.set(time.milliseconds, { n, sum });
    });
  // The web UI's estimate of the state's size (onStateUpdated), beside the measured growth.
  let uiBytesPerKey = NaN;
  ssc.addStreamingListener({
    onStateUpdated: ({ operators }) => {
      const op = operators[0];
      if (op && op.numKeys > 0) uiBytesPerKey = op.approximateBytes / op.numKeys;
    },
    onBatchCompleted: ({ batchInfo }) => {
      const r = seen.get(batchInfo.batchTime.milliseconds);
      seen.delete(batchInfo.batchTime.milliseconds);
      const w = waiting;
      if (w && batchInfo.failureReason) {
        waiting = undefined;
        w.reject(new Error(`batch ${batchInfo.batchTime} failed: ${batchInfo.failureReason}`));
        return;
      }
      if (!r || r.n === 0 || !w) return; // an empty batch between two of ours
      waiting = undefined;
      w.resolve({ ...r, processingMs: batchInfo.processingDelay ?? NaN });
    },
  });
  if (!isDriver() || !w) {
    await ssc.start(); // never resolves in a task thread
    return undefined;
  }
  await ssc.start();

  /**
   * Queues one batch of records and waits for the batch that takes it (the next tick) to
   * complete; the ticks in between are empty batches.
   */
  const runBatch = (pairs: (readonly [string, number])[]) => {
    calls = 0;
    expectedCalls = pairs.length;
    const done = new Promise<Seen>((resolve, reject) => (waiting = { resolve, reject }));
    queue.push(sc.parallelize(pairs));
    return done;
  };
  const idle = () => new Promise((resolve) => setTimeout(resolve, 4 * INTERVAL_MS));

  // Fill: keys 0 .. N-1, one record each, in FILL_BATCHES batches; not timed as benchmark batches.
  // Memory is read after the first and after the last (a few empty batches later, so that the
  // stream has forgotten the input and mapped records): the growth over the keys added is what a
  // key costs, without what the engine holds whatever the state (compiled code, buffers sized by
  // the batch size, the last batch's shuffle output).
  const base = await gcHeap();
  const fillStart = performance.now();
  const f = fillBatchSize(a.keys);
  let firstFill = NaN;
  for (let from = 0; from < a.keys; from += f) {
    const n = Math.min(f, a.keys - from);
    const r = await runBatch(fillRecords(from, n));
    if (r.n !== n || r.sum !== n) {
      throw new Error(`fill batch at ${from}: ${r.n} records, sum ${r.sum}`);
    }
    if (from === 0) {
      await idle();
      firstFill = await gcHeap();
    }
  }
  const fillMs = performance.now() - fillStart;
  await idle();
  const full = await gcHeap();
  const mem = { total: full - base, growth: full - firstFill, keysAdded: a.keys - f };
  print({ event: 'filled', keys: a.keys, fillBatch: f, fillMs: Math.round(fillMs), ...mem });

  const batches: BatchResult[] = [];
  const all = w.batches.map((idx) => Array.from(idx, (k) => [keyOf(k), 1] as const));
  let windowStartUs = nowUs();
  for (let b = 0; b < all.length; b++) {
    if (b === a.warmup) windowStartUs = nowUs();
    const r = await runBatch(all[b]!);
    all[b] = [];
    const stateMs = lastCallAt - firstCallAt;
    const ok = r.n === a.records && r.sum === w.expectedSums[b];
    batches.push({ processingMs: r.processingMs, stateMs, ok });
    print({
      event: 'batch',
      impl: 'dstream',
      i: b,
      warmup: b < a.warmup,
      processingMs: r.processingMs,
      stateMs,
      ok,
    });
  }
  // The measured batches, in the CPU profile's clock (bench/profile.ts --file X --window a,b).
  print({ event: 'window', startUs: windowStartUs, endUs: nowUs() });
  await ssc.stop();
  return { fillMs, mem, batches, uiBytesPerKey };
}

function setAll(m: Map<string, number>, records: readonly (readonly [string, number])[]): void {
  for (let i = 0; i < records.length; i++) m.set(records[i]![0], records[i]![1]);
}

/**
 * The ceiling: a `Map<string, number>` filled with the same keys, then the same batches, get and
 * set per record. Its keys and records are allocated as the job's are, each key inside a
 * `[key, 1]` record: where the key strings sit in memory matters (keys allocated back to back,
 * sharing pages, are found faster).
 */
async function bareMap(
  a: ChildArgs,
  w: Workload,
): Promise<{ mem: Memory; batches: BatchResult[] }> {
  const base = await gcHeap();
  const m = new Map<string, number>();
  const f = fillBatchSize(a.keys);
  let firstFill = NaN;
  for (let from = 0; from < a.keys; from += f) {
    setAll(m, fillRecords(from, Math.min(f, a.keys - from)));
    if (from === 0) firstFill = await gcHeap();
  }
  const full = await gcHeap();
  const mem = { total: full - base, growth: full - firstFill, keysAdded: a.keys - f };
  const all = w.batches.map((idx) => Array.from(idx, (k) => [keyOf(k), 1] as const));
  const batches: BatchResult[] = [];
  for (let b = 0; b < all.length; b++) {
    const records = all[b]!;
    const t0 = performance.now();
    let sum = 0;
    for (let i = 0; i < records.length; i++) {
      const kv = records[i]!;
      const k = kv[0];
      const count = (m.get(k) ?? 0) + kv[1];
      m.set(k, count);
      sum += count;
    }
    const ms = performance.now() - t0;
    all[b] = [];
    const ok = sum === w.expectedSums[b];
    batches.push({ processingMs: ms, stateMs: ms, ok });
    print({ event: 'batch', impl: 'map', i: b, warmup: b < a.warmup, processingMs: ms, ok });
  }
  if (m.size !== a.keys + w.newKeys) throw new Error(`bare Map: ${m.size} keys`);
  return { mem, batches };
}

async function child(a: ChildArgs): Promise<void> {
  const { isDriver } = await import('dstream');
  if (!isDriver()) {
    await dstreamJob(a, undefined);
    return;
  }
  const keyBytes = await keyStringBytes(Math.min(a.keys, 1_000_000));
  const w = workload(a);
  const job = (await dstreamJob(a, w))!;
  const map = await bareMap(a, w);
  const measured = (r: BatchResult[], f: (x: BatchResult) => number) => r.slice(a.warmup).map(f);
  const failures = [...job.batches, ...map.batches].filter((r) => !r.ok).length;
  print({
    event: 'summary',
    keys: a.keys,
    records: a.records,
    newKeysPerBatch: w.newKeys / (a.warmup + a.measured),
    fillBatch: fillBatchSize(a.keys),
    fillMs: Math.round(job.fillMs),
    processingMs: measured(job.batches, (x) => x.processingMs),
    stateMs: measured(job.batches, (x) => x.stateMs),
    mapMs: measured(map.batches, (x) => x.processingMs),
    bytesPerKey: job.mem.growth / job.mem.keysAdded,
    totalBytesPerKey: job.mem.total / a.keys,
    mapBytesPerKey: map.mem.growth / map.mem.keysAdded,
    mapTotalBytesPerKey: map.mem.total / a.keys,
    keyStringBytes: keyBytes,
    uiBytesPerKey: job.uiBytesPerKey,
    failures,
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  });
}

// ------------------------------------------------------------------------------ the comparison

interface Options {
  keys: number[];
  rounds: number;
  records: number;
  newPercent: number;
  /** Existing keys are drawn from this many of them (every N/hotKeys-th key); 0: all N. */
  hotKeys: number;
  warmup: number;
  measured: number;
  master: string;
  timeout: boolean;
  verbose: boolean;
  report: string | undefined;
}

/** One child: one N, one round. Times are medians over its measured batches. */
interface Run {
  round: number;
  keys: number;
  processing: Spread;
  state: Spread;
  map: Spread;
  bytesPerKey: number;
  totalBytesPerKey: number;
  mapBytesPerKey: number;
  keyStringBytes: number;
  uiBytesPerKey: number;
  newKeysPerBatch: number;
  fillBatch: number;
  fillMs: number;
  peakRssMiB: number;
  loadAtStart: number;
  loadAtEnd: number;
  wallMs: number;
}

/** One N over the rounds: medians (min–max) of the runs' medians, ratios taken within a round. */
interface Row {
  keys: number;
  runs: Run[];
  processing: Spread;
  state: Spread;
  map: Spread;
  processingRatio: Spread;
  stateRatio: Spread;
  mapRatio: Spread;
  bytesPerKey: Spread;
  totalBytesPerKey: Spread;
  mapBytesPerKey: Spread;
  keyStringBytes: Spread;
  uiBytesPerKey: Spread;
}

function label(n: number): string {
  if (n >= 1e6 && n % 1e6 === 0) return `${n / 1e6}M`;
  if (n >= 1e3 && n % 1e3 === 0) return `${n / 1e3}K`;
  return String(n);
}

async function measure(n: number, round: number, o: Options): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'dstream-bench-state-'));
  const name = `state ${label(n)}`;
  try {
    const args = [
      '--expose-gc',
      `--max-old-space-size=${heapMiB(n)}`,
      import.meta.filename,
      '--child',
      '--keys',
      String(n),
      '--records',
      String(o.records),
      '--new-percent',
      String(o.newPercent),
      '--hot-keys',
      String(o.hotKeys),
      '--warmup',
      String(o.warmup),
      '--measured',
      String(o.measured),
      '--master',
      o.master,
      '--checkpoint-dir',
      dir,
      ...(o.timeout ? ['--timeout'] : []),
    ];
    const r = await runChild(process.execPath, args, {
      env: { ...process.env, DSTREAM_LOG_LEVEL: process.env.DSTREAM_LOG_LEVEL ?? 'WARN' },
      verbose: o.verbose,
      label: name,
    });
    const s = eventOf(r, 'summary', name);
    if (s.failures !== 0)
      throw new Error(`${name}: ${String(s.failures)} batches gave wrong results`);
    return {
      round,
      keys: n,
      processing: spread(s.processingMs as number[]),
      state: spread(s.stateMs as number[]),
      map: spread(s.mapMs as number[]),
      bytesPerKey: s.bytesPerKey as number,
      totalBytesPerKey: s.totalBytesPerKey as number,
      mapBytesPerKey: s.mapBytesPerKey as number,
      keyStringBytes: s.keyStringBytes as number,
      uiBytesPerKey: s.uiBytesPerKey as number,
      newKeysPerBatch: s.newKeysPerBatch as number,
      fillBatch: s.fillBatch as number,
      fillMs: s.fillMs as number,
      peakRssMiB: s.peakRssMiB as number,
      loadAtStart: r.loadAtStart,
      loadAtEnd: machine().loadAverage[0],
      wallMs: r.wallMs,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function rows(runs: readonly Run[], keys: readonly number[]): Row[] {
  const first = keys[0]!;
  const ratio = (mine: readonly Run[], f: (r: Run) => number): Spread => {
    const values: number[] = [];
    for (const r of mine) {
      const base = runs.find((x) => x.round === r.round && x.keys === first);
      if (base) values.push(f(r) / f(base));
    }
    return spread(values);
  };
  return keys.map((n) => {
    const mine = runs.filter((r) => r.keys === n);
    const over = (f: (r: Run) => number) => spread(mine.map(f));
    return {
      keys: n,
      runs: mine,
      processing: over((r) => r.processing.median),
      state: over((r) => r.state.median),
      map: over((r) => r.map.median),
      processingRatio: ratio(mine, (r) => r.processing.median),
      stateRatio: ratio(mine, (r) => r.state.median),
      mapRatio: ratio(mine, (r) => r.map.median),
      bytesPerKey: over((r) => r.bytesPerKey),
      totalBytesPerKey: over((r) => r.totalBytesPerKey),
      mapBytesPerKey: over((r) => r.mapBytesPerKey),
      keyStringBytes: over((r) => r.keyStringBytes),
      uiBytesPerKey: over((r) => r.uiBytesPerKey),
    };
  });
}

function describe(o: Options, runs: readonly Run[]): string {
  const newPerBatch = median(runs.map((r) => r.newKeysPerBatch));
  return (
    `mapWithState, ${o.records.toLocaleString('en-US')} records per batch, keys drawn uniformly at ` +
    (o.hotKeys > 0
      ? `random from ${o.hotKeys.toLocaleString('en-US')} active keys spread over the N keys in state `
      : 'random from the N keys in state ') +
    `plus ${o.newPercent} % new keys (${Math.round(newPerBatch)} per batch; ` +
    `${o.hotKeys > 0 ? 'the active keys are the working set' : 'uniform random over all N is the worst case for caches'}); ` +
    `${o.warmup} warm-up + ${o.measured} measured batches ` +
    `after filling the state; ${o.rounds} round${o.rounds === 1 ? '' : 's'}; ${o.master}; string keys, numeric state, ` +
    `${o.timeout ? 'with a timeout (last-updated times kept)' : 'no timeout'}`
  );
}

/** `12.3 (11.0–14.1)`, or `12.3` when there is one value or all are equal. */
function fmt(s: Spread, decimals: number): string {
  return s.min === s.max ? s.median.toFixed(decimals) : formatSpread(s, decimals);
}
const ms = (s: Spread) => fmt(s, 1);
const x = (s: Spread) => `${fmt(s, 2)}x`;
const bytes = (s: Spread) => fmt(s, 1);

const LEGEND = [
  'Per-batch time: BatchInfo.processingDelay, median over the measured batches of a run; with',
  'several rounds, median (min–max) over the rounds, and ratios to the first N taken within a',
  'round. "state" = first to last call of the mapping function (applying the batch to the state',
  'maps); the rest of a batch is the shuffle into the state partitions, scheduling and the output.',
  '"bare Map" = the same gets and sets on a Map<string, number> holding the same keys, in the same',
  "process after the job stopped, keys and records allocated as the job's are (the ceiling).",
  'B/key: heap + array buffers after gc, growth from the first of the 10 fill batches to the end,',
  'over the keys added, key string included; "key string" is its own share; "all/N" is the whole',
  'growth since before the fill over N (the engine\'s fixed costs included). "UI estimate" is',
  "the web UI's approximate bytes of the state over its keys (onStateUpdated), after the run.",
];

function loads(r: Row): string {
  return r.runs
    .map((run) => `${run.loadAtStart.toFixed(1)}→${run.loadAtEnd.toFixed(1)}`)
    .join(', ');
}

function timeTable(rows: readonly Row[]): string[][] {
  const f = label(rows[0]!.keys);
  const head = [
    'keys',
    'dstream ms/batch',
    `vs ${f}`,
    'state ms',
    `vs ${f}`,
    'bare Map ms',
    `vs ${f}`,
    'load (1 min) per round',
  ];
  return [
    head,
    ...rows.map((r) => [
      label(r.keys),
      ms(r.processing),
      x(r.processingRatio),
      ms(r.state),
      x(r.stateRatio),
      ms(r.map),
      x(r.mapRatio),
      loads(r),
    ]),
  ];
}

function memoryTable(rows: readonly Row[]): string[][] {
  const head = ['keys', 'B/key', 'key string', 'all/N', 'bare Map B/key', 'UI estimate B/key'];
  return [
    head,
    ...rows.map((r) => [
      label(r.keys),
      bytes(r.bytesPerKey),
      bytes(r.keyStringBytes),
      bytes(r.totalBytesPerKey),
      bytes(r.mapBytesPerKey),
      bytes(r.uiBytesPerKey),
    ]),
  ];
}

function text(t: string[][]): string[] {
  const widths = t[0]!.map((_, i) => Math.max(...t.map((l) => l[i]!.length)));
  return t.map((l) =>
    l
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
}

function markdown(t: string[][]): string[] {
  return [
    `| ${t[0]!.join(' | ')} |`,
    `|${t[0]!.map(() => '---').join('|')}|`,
    ...t.slice(1).map((l) => `| ${l.join(' | ')} |`),
  ];
}

function runLine(r: Run): string {
  return (
    `round ${r.round + 1}, ${label(r.keys)} keys: dstream ${r.processing.median.toFixed(1)} ms ` +
    `(${r.processing.min.toFixed(0)}–${r.processing.max.toFixed(0)}), state ${r.state.median.toFixed(1)}, ` +
    `bare Map ${r.map.median.toFixed(1)} ms; ${r.bytesPerKey.toFixed(1)} B/key; filled in batches of ` +
    `${r.fillBatch.toLocaleString('en-US')} in ${(r.fillMs / 1000).toFixed(1)} s; ` +
    `${(r.wallMs / 1000).toFixed(1)} s wall, peak RSS ${r.peakRssMiB} MiB, load ${r.loadAtStart.toFixed(2)}→${r.loadAtEnd.toFixed(2)}`
  );
}

function textReport(o: Options, runs: readonly Run[], rs: readonly Row[]): string {
  return [
    '',
    describe(o, runs),
    '',
    ...LEGEND,
    '',
    ...text(timeTable(rs)),
    '',
    ...text(memoryTable(rs)),
    '',
    ...runs.map(runLine),
  ].join('\n');
}

function markdownReport(
  o: Options,
  runs: readonly Run[],
  rs: readonly Row[],
  m: Machine,
  end: Machine,
  command: string,
): string {
  return [
    `Command: \`${command}\``,
    '',
    reportHeader(m, end),
    '',
    describe(o, runs) + '.',
    '',
    LEGEND.join(' '),
    '',
    ...markdown(timeTable(rs)),
    '',
    ...markdown(memoryTable(rs)),
    '',
    ...runs.map((r) => `- ${runLine(r)}`),
    '',
    headline(rs),
  ].join('\n');
}

function headline(rs: readonly Row[]): string {
  const first = rs[0]!;
  const last = rs[rs.length - 1]!;
  return (
    `mapWithState: ${label(last.keys)} keys ${last.processingRatio.median.toFixed(2)}x ` +
    `the per-batch time of ${label(first.keys)}, ${Math.round(last.bytesPerKey.median)} B/key`
  );
}

async function compare(o: Options): Promise<void> {
  const start = machine();
  const command = `npm run bench -- state ${process.argv.slice(3).join(' ')}`.trim();
  process.stderr.write(
    `[state] ${start.cores} cores, ${start.cpuModel}, load ${formatLoad(start.loadAverage)}; ` +
      `${o.keys.map(label).join(', ')} keys, ${o.records} records per batch, ${o.master}, ` +
      `${o.rounds} round(s)\n`,
  );
  ensureBuilt();
  const runs: Run[] = [];
  for (let round = 0; round < o.rounds; round++) {
    // Rotate the order, so that no N always runs first.
    const order = o.keys.map((_, k) => o.keys[(k + round) % o.keys.length]!);
    for (const n of order) {
      const r = await measure(n, round, o);
      runs.push(r);
      process.stderr.write(`[state] ${runLine(r)}\n`);
    }
  }
  const rs = rows(runs, o.keys);
  const end = machine();
  mkdirSync(BENCH_WORK, { recursive: true });
  const stamp = start.date.replace(/[:.]/g, '-');
  const rawFile = join(BENCH_WORK, `state-${stamp}.json`);
  writeFileSync(rawFile, JSON.stringify({ machine: start, end, options: o, runs }, null, 1));
  const report = o.report ?? join(BENCH_WORK, `state-${stamp}.md`);
  writeFileSync(report, markdownReport(o, runs, rs, start, end, command) + '\n');
  process.stdout.write(textReport(o, runs, rs) + '\n\n');
  process.stdout.write(
    `raw results: ${relative(REPO_ROOT, rawFile)}\nreport: ${relative(REPO_ROOT, report)}\n`,
  );
  process.stdout.write(headline(rs) + '\n');
}

// ------------------------------------------------------------------------------ command line

export async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean', default: false },
      keys: { type: 'string' },
      rounds: { type: 'string' },
      records: { type: 'string', default: '100000' },
      'new-percent': { type: 'string', default: '3' },
      'hot-keys': { type: 'string', default: '0' },
      warmup: { type: 'string', default: '5' },
      measured: { type: 'string', default: '15' },
      master: { type: 'string', default: 'local[2]' },
      timeout: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      report: { type: 'string' },
      // one measured program (what the comparison spawns)
      child: { type: 'boolean', default: false },
      'checkpoint-dir': { type: 'string' },
    },
  });
  const int = (name: string, v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name}: not a count: ${v}`);
    return n;
  };
  const common = {
    records: int('records', values.records),
    newPercent: Number(values['new-percent']),
    hotKeys: int('hot-keys', values['hot-keys']),
    warmup: int('warmup', values.warmup),
    measured: int('measured', values.measured),
    master: values.master,
    timeout: values.timeout,
  };
  if (common.measured < 1) throw new Error('--measured: at least 1');
  if (values.child) {
    if (!values['checkpoint-dir']) throw new Error('--child needs --checkpoint-dir');
    await child({
      ...common,
      keys: int('keys', values.keys ?? '100000'),
      checkpointDir: values['checkpoint-dir'],
    });
    return;
  }
  const keys = values.keys
    ? values.keys.split(',').map((k) => int('keys', k))
    : values.quick
      ? QUICK_KEYS
      : FULL_KEYS;
  const rounds = int('rounds', values.rounds ?? (values.quick ? '1' : '3'));
  await compare({ ...common, keys, rounds, verbose: values.verbose, report: values.report });
}

if (import.meta.main) await main(process.argv.slice(2));
