// The application the recovery tests restart: running sums per key over an append-only log
// (`LogInputDStream`), on a manual clock, with every batch's output kept.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vi } from 'vitest';
import {
  ManualClock,
  Seconds,
  StreamingContext,
  type DStream,
  type GetOrCreateOptions,
} from 'dstream';
import { LogInputDStream, sortEntries } from '../fixtures/checkpoint-streams.js';

export type Entry = readonly [string, number];

const dirs: string[] = [];

/** A temporary directory, removed by {@link removeTempDirs}. */
export function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'dstream-recovery-'));
  dirs.push(d);
  return d;
}

/** Removes the directories of {@link tempDir} (call it after each test). */
export function removeTempDirs(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** updateStateByKey's running sum per key. */
function runningSum(input: DStream<Entry>): DStream<Entry> {
  return input.updateStateByKey((values: number[], sum: number | undefined) =>
    values.reduce((a, b) => a + b, sum ?? 0),
  );
}

/** One run of the application: its context, its clock, its outputs per batch time. */
export interface App {
  ssc: StreamingContext;
  clock: ManualClock;
  out: Map<number, Entry[]>;
  created: boolean;
}

export interface AppOptions {
  name?: string;
  /** Adds an unrelated stateful operator (a new version of the application). */
  extraState?: string;
  checkpointInterval?: number;
  getOrCreate?: GetOrCreateOptions;
  /** Runs inside each batch's output, before it completes. */
  onBatch?: (time: number) => Promise<void> | void;
  /** How long the input's position remembers its batches (`LogInputDStream`). */
  rememberMs?: number;
}

/** Creates the application, or recovers it from `dir`, with its clock at `now`. */
export function startApp(dir: string, log: Entry[], now: number, o: AppOptions = {}): App {
  const clock = new ManualClock(now);
  const out = new Map<number, Entry[]>();
  let created = false;
  const ssc = StreamingContext.getOrCreate(
    dir,
    () => {
      created = true;
      const ssc = new StreamingContext({
        master: 'local[2]',
        appName: 'sums',
        batchDuration: Seconds(1),
        clock,
      });
      ssc.checkpoint(dir);
      const input = new LogInputDStream(ssc, log, o.rememberMs);
      const state = runningSum(input).name(o.name ?? 'totals');
      if (o.checkpointInterval) state.checkpoint(Seconds(o.checkpointInterval));
      state.foreachRDD(async (rdd, time) => {
        out.set(time.milliseconds, sortEntries(await rdd.collect()));
        await o.onBatch?.(time.milliseconds);
      });
      if (o.extraState) {
        runningSum(input.map(([k]) => [k, 1] as const))
          .name(o.extraState)
          .foreachRDD(() => {});
      }
      return ssc;
    },
    o.getOrCreate,
  );
  return { ssc, clock, out, created };
}

/** Appends two records per second of clock time and advances to `until`. */
export async function runUntil(app: App, log: Entry[], until: number): Promise<void> {
  while (app.clock.now() + 1000 <= until) {
    const i = log.length;
    log.push([`k${i % 3}`, i], ['all', 1]);
    await app.clock.advance(1000);
  }
}

/** Starts a (recovered) context and runs the batches up to the first tick of the timer. */
export async function startAndCatchUp(app: App): Promise<void> {
  await app.ssc.start();
  await app.clock.setTime(Math.floor(app.clock.now() / 1000) * 1000 + 1000);
}

/** Captures what dstream writes to stderr from now on (the spy is restored after each test). */
export function warnings(): string[] {
  const lines: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  return lines;
}
