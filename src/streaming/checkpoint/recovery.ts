import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DStreamError, messageOf } from '../../errors.js';
import type { Duration } from '../../util/duration.js';
import { Logger } from '../../util/logging.js';
import { isDriver } from '../../util/role.js';
import { Time } from '../../util/time.js';
import type { StreamingConf } from '../conf.js';
import type { DStreamGraph } from '../dstream-graph.js';
import type { BatchCheckpointer, JobGenerator } from '../job-generator.js';
import { decodeCheckpoint, type CheckpointRecord, type SnapshotRef } from './checkpoint-data.js';
import { listCheckpointFiles } from './checkpoint-files.js';
import { CheckpointWriter } from './checkpoint-writer.js';
import { checkFallback, readSnapshotWithFallback, type ReadSnapshot } from './snapshot-fallback.js';
import { inputKeyOf } from './state-keys.js';
import {
  isStatefulStream,
  type RestoreOptions,
  type StateSnapshot,
  type StatefulStream,
} from './stateful-stream.js';

const log = new Logger('Checkpoint');

/** Options of `StreamingContext.getOrCreate`. */
export interface GetOrCreateOptions {
  /**
   * State keys of stateful operators to start with empty state instead of their checkpointed
   * state: an operator whose state cannot be read, or a stored state whose operator the new
   * application no longer has (renamed or removed), which is then discarded. Also read, comma
   * separated, from the conf key `spark.dstream.checkpoint.startEmpty`.
   */
  startEmpty?: readonly string[];
  /**
   * When checkpoint files exist but none can be read, create a new context with `createFn`
   * instead of failing (Spark's `createOnError`); the unreadable files are left in place.
   */
  createOnError?: boolean;
  /**
   * Converts the stored states of operators whose state changed shape, by state key: each
   * stored state and its key go through the function as the state is restored, and what it
   * returns is the key's state (`undefined` drops the key). For example, when the totals
   * became `{ total, n }`: `{ migrate: { 'province-totals': (total: number) => ({ total, n: 0 }) } }`.
   */
  migrate?: Readonly<Record<string, StateMigration>>;
  /**
   * State keys of stateful operators whose restored states are not compared with what the code
   * stores in the first batch after recovery (see `DSTREAM_ERR_STATE_MISMATCH`): for a state
   * whose shape varies in ways the check cannot know are intended.
   */
  skipShapeCheck?: readonly string[];
}

/**
 * Converts one stored state of an operator into what the new code keeps (`getOrCreate`'s
 * `migrate`). Declared as a method so that a migration may annotate its parameters with the old
 * state's and the key's types (`(total: number, province: string) => ...`); unannotated, they are
 * `unknown`.
 */
export type StateMigration = {
  /**
   * @param state A state as stored by the old code.
   * @param key Its key.
   * @returns The state the new code keeps for `key`.
   */
  migrate(state: unknown, key: unknown): unknown;
}['migrate'];

/** What `start()` does after recovery: run these batches, then tick from `restartTime`. */
export interface StartPlan {
  readonly restartTime: Time;
  readonly replay: readonly Time[];
}

/** What recovery needs of a StreamingContext (kept structural: the context imports this file). */
export interface RecoverableContext {
  readonly graph: DStreamGraph;
  readonly generator: JobGenerator;
  readonly conf: StreamingConf;
  readonly batchDuration: Duration;
  readonly sparkContext: { readonly appName: string };
  readonly checkpointDir: string | undefined;
  checkpoint(directory: string | null): void;
  readonly startHooks: { push(hook: () => Promise<StartPlan | undefined>): unknown };
}

/** A metadata checkpoint read back, and the file it came from. */
export interface ReadCheckpoint {
  readonly record: CheckpointRecord;
  readonly file: string;
}

/**
 * Reads the newest readable metadata checkpoint of `dir`, falling back to older files (with a
 * warning) when the newest is corrupt. `undefined` when the directory does not exist or holds no
 * checkpoint file; a `DStreamError` when it cannot be listed or no file can be read.
 */
export function readCheckpoint(dir: string): ReadCheckpoint | undefined {
  const path = resolve(dir);
  let files;
  try {
    files = listCheckpointFiles(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new DStreamError(
      'DSTREAM_ERR_CHECKPOINT_DIR_UNREADABLE',
      code === 'ENOTDIR'
        ? `Checkpoint directory ${path} is not a directory. Pass the directory given to StreamingContext.checkpoint().`
        : `Cannot read checkpoint directory ${path} (${code ?? messageOf(e)}): give the application's user permission to list and read it, or pass another directory.`,
      { cause: e },
    );
  }
  let lastError: unknown;
  for (const f of files) {
    const file = join(path, f.name);
    try {
      const record = decodeCheckpoint(readFileSync(file));
      if (lastError !== undefined) log.warn(`Recovering from older checkpoint file ${file}`);
      return { record, file };
    } catch (e) {
      // Written by a newer dstream: an older file would roll the application back, losing what
      // the newer one did since, so recovery stops here instead of falling back.
      if ((e as DStreamError).code === 'DSTREAM_ERR_CHECKPOINT_INCOMPATIBLE') {
        throw new DStreamError(
          'DSTREAM_ERR_CHECKPOINT_INCOMPATIBLE',
          `Cannot recover from checkpoint file ${file}: ${messageOf(e)}. Run the application with a dstream at least as new as the one that wrote it, or start with a new checkpoint directory.`,
          { cause: e },
        );
      }
      lastError = e;
      log.warn(`Error reading checkpoint from file ${file}: ${messageOf(e)}`);
    }
  }
  if (lastError === undefined) return undefined;
  throw new DStreamError(
    'DSTREAM_ERR_CHECKPOINT_READ',
    `Failed to read checkpoint from directory ${path}: none of its ${files.length} checkpoint files can be read (last error: ${messageOf(lastError)}). Move the directory away to start afresh, or pass { createOnError: true } to getOrCreate to create a new context.`,
    { cause: lastError },
  );
}

interface StateRestore {
  readonly stream: StatefulStream;
  readonly key: string;
  /** A snapshot to restore; `null`: none was taken yet (recompute from the zero time). */
  readonly snapshot: { ref: SnapshotRef; data: StateSnapshot } | null;
  /** A new operator, or one the user asked to start empty. */
  readonly empty: boolean;
  /** How the snapshot is restored: the user's migration, the shape check. */
  readonly options: RestoreOptions;
}

/**
 * `StreamingContext.getOrCreate`: with a readable checkpoint in `dir`, rebuilds the application
 * with `createFn` (functions cannot be deserialised in Node, so the graph is declared again) and
 * arranges for `start()` to restore the zero time, each input's position and each stateful
 * operator's state, and to run the batches that were pending or missed while down. Without a
 * checkpoint, it is just `createFn()`.
 */
export function getOrCreate<C extends RecoverableContext>(
  dir: string,
  createFn: () => C,
  options: GetOrCreateOptions = {},
): C {
  const path = resolve(dir);
  if (!isDriver()) {
    // A task thread of local[N] needs the graph only: state and positions stay on the driver.
    const ssc = createFn();
    if (ssc.checkpointDir === undefined) ssc.checkpoint(path);
    return ssc;
  }
  let found: ReadCheckpoint | undefined;
  try {
    found = readCheckpoint(path);
  } catch (e) {
    if (!options.createOnError || (e as DStreamError).code !== 'DSTREAM_ERR_CHECKPOINT_READ') {
      throw e;
    }
    log.warn(`${messageOf(e)}: creating a new context as createOnError asks`);
  }
  if (!found) return createFn();
  const { record, file } = found;
  log.info(
    `Recovering from checkpoint file ${file} (checkpoint time ${record.checkpointTimeMs} ms)`,
  );
  const ssc = createFn();
  const appName = ssc.sparkContext.appName;
  if (appName !== record.appName) {
    // Positions and pending batches of another application would be taken for this one's.
    throw new DStreamError(
      'DSTREAM_ERR_CHECKPOINT_INCOMPATIBLE',
      `The checkpoint in ${path} was written by application '${record.appName}', not by '${appName}'. Give each application a checkpoint directory of its own; if '${appName}' is '${record.appName}' renamed, recover with appName '${record.appName}', or start with a new checkpoint directory.`,
    );
  }
  if (ssc.batchDuration.milliseconds !== record.batchDurationMs) {
    throw new DStreamError(
      'DSTREAM_ERR_CHECKPOINT_INCOMPATIBLE',
      `The checkpoint in ${path} was written with a batch duration of ${record.batchDurationMs} ms, and the application now has ${ssc.batchDuration}. Recover with the old batch duration, or start with a new checkpoint directory.`,
    );
  }
  if (ssc.checkpointDir === undefined) ssc.checkpoint(path);
  else if (ssc.checkpointDir !== path) {
    log.warn(
      `Recovered from ${path}, but createFn set the checkpoint directory ${ssc.checkpointDir}: new checkpoints go there`,
    );
  }
  const startEmpty = new Set([
    ...(options.startEmpty ?? []),
    ...(ssc.conf.get('spark.dstream.checkpoint.startEmpty') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  ]);
  const restores = planStates(ssc.graph, record, path, startEmpty, restoreOptions(options));
  for (const key of [...Object.keys(options.migrate ?? {}), ...(options.skipShapeCheck ?? [])]) {
    if (!restores.some((r) => r.key === key && r.snapshot)) {
      log.warn(`getOrCreate names '${key}', which has no checkpointed state to restore`);
    }
  }
  ssc.startHooks.push(async () => applyRecovery(ssc, record, restores));
  return ssc;
}

/** Matches the application's stateful operators with the checkpoint's states and reads them. */
function planStates(
  graph: DStreamGraph,
  record: CheckpointRecord,
  dir: string,
  startEmpty: ReadonlySet<string>,
  optionsOf: (key: string) => RestoreOptions,
): StateRestore[] {
  const streams = new Map<string, StatefulStream>();
  for (const s of graph.allStreams()) {
    if (isStatefulStream(s)) streams.set(s.stateKey, s);
  }
  const stored = new Map(record.states.map((s) => [s.key, s.snapshot]));
  const orphans = [...stored.keys()].filter((k) => !streams.has(k) && !startEmpty.has(k));
  for (const k of stored.keys()) {
    if (!streams.has(k) && startEmpty.has(k)) {
      log.warn(`Discarding the checkpointed state of '${k}', which the application no longer has`);
    }
  }
  for (const k of startEmpty) {
    if (!streams.has(k) && !stored.has(k)) {
      log.warn(`startEmpty names '${k}', which is neither a stateful operator nor a stored state`);
    }
  }
  if (orphans.length > 0) {
    const fresh = [...streams.keys()].filter((k) => !stored.has(k));
    const list = (keys: string[]) => keys.map((k) => `'${k}'`).join(', ');
    throw new DStreamError(
      'DSTREAM_ERR_STATE_ORPHANED',
      `The checkpoint in ${dir} holds the state of stateful operator${orphans.length > 1 ? 's' : ''} ${list(orphans)}, which this application does not have` +
        (fresh.length > 0
          ? ` (its stateful operators without checkpointed state: ${list(fresh)})`
          : '') +
        `. If an operator was renamed, give it its old name back with .name('${orphans[0]}'); to discard the stored state, recover with StreamingContext.getOrCreate(dir, createFn, { startEmpty: [${orphans.map((k) => `'${k}'`).join(', ')}] }).`,
    );
  }
  const restores: StateRestore[] = [];
  const fallbacks: { stream: StatefulStream; key: string; read: ReadSnapshot }[] = [];
  for (const [key, stream] of streams) {
    if (startEmpty.has(key)) {
      log.warn(`Stateful operator '${key}' starts with empty state, as startEmpty asks`);
      restores.push({ stream, key, snapshot: null, empty: true, options: {} });
      continue;
    }
    if (!stored.has(key)) {
      log.info(`Stateful operator '${key}' has no state in the checkpoint: it starts empty`);
      restores.push({ stream, key, snapshot: null, empty: true, options: {} });
      continue;
    }
    const ref = stored.get(key)!;
    if (ref === null) {
      restores.push({ stream, key, snapshot: null, empty: false, options: {} });
      continue;
    }
    const read = readSnapshotWithFallback(dir, key, ref);
    if (read.damaged) fallbacks.push({ stream, key, read });
    const snapshot = { ref: read.ref, data: read.data };
    restores.push({ stream, key, snapshot, empty: false, options: optionsOf(key) });
  }
  // Checked once every operator's restore time is known: a fallback needs the operators it reads
  // restored no later than its own older snapshot.
  const restoreTimes = new Map<StatefulStream, number>();
  for (const r of restores) {
    restoreTimes.set(
      r.stream,
      r.snapshot ? r.snapshot.ref.timeMs : r.empty ? Infinity : record.zeroTimeMs,
    );
  }
  for (const f of fallbacks) checkFallback(graph, record, f.stream, f.key, f.read, restoreTimes);
  return restores;
}

/** The start hook of a recovered context: restores, then says which batches to run. */
async function applyRecovery(
  ssc: RecoverableContext,
  record: CheckpointRecord,
  restores: readonly StateRestore[],
): Promise<StartPlan> {
  const { graph, generator } = ssc;
  const zero = new Time(record.zeroTimeMs);
  graph.initialize(zero);

  const positions = new Map(record.inputs.map((i) => [i.key, i.position]));
  const used = new Set<string>();
  for (const input of graph.inputStreams) {
    if (!input.restorePosition) continue;
    const key = inputKeyOf(input, graph);
    if (positions.has(key)) {
      input.restorePosition(positions.get(key));
      used.add(key);
    } else {
      log.info(`Input stream ${input.displayName} ('${key}') has no position in the checkpoint`);
    }
  }
  for (const key of positions.keys()) {
    if (!used.has(key)) log.warn(`The checkpointed position of input '${key}' is not used`);
  }

  const batch = graph.batchDuration;
  const restartTime = generator.nextGridTime(zero);
  const checkpointTime = new Time(record.checkpointTimeMs);
  const down = checkpointTime.less(restartTime) ? checkpointTime.until(restartTime, batch) : [];
  const pending = record.pendingTimesMs.map((t) => new Time(t));
  const replayMs = [...new Set([...pending, ...down].map((t) => t.milliseconds))]
    .filter((t) => t < restartTime.milliseconds && t > zero.milliseconds)
    .sort((a, b) => a - b);
  const replay = replayMs.map((t) => new Time(t));
  log.info(`Batches during down time (${down.length} batches): ${down.join(', ')}`);
  log.info(`Batches pending processing (${pending.length} batches): ${pending.join(', ')}`);
  log.info(`Batches to reschedule (${replay.length} batches): ${replay.join(', ')}`);

  const writer = writerOf(generator.checkpointer);
  const first = replay[0] ?? restartTime;
  for (const r of restores) {
    if (r.snapshot) {
      r.stream.restoreState(new Time(r.snapshot.ref.timeMs), r.snapshot.data, r.options);
      writer?.setLatestSnapshot(r.key, r.snapshot.ref);
      log.info(
        `Restored the state of '${r.key}' as of ${r.snapshot.ref.timeMs} ms (${r.snapshot.data.entries.length} entries${r.options.migrate ? ', migrated' : ''})`,
      );
    } else if (r.empty) {
      // Empty as of the last batch before the first one that runs now, and saved as such, so
      // that a second crash does not recompute it from batches it never saw.
      const slide = r.stream.slideDuration;
      const before = first.minus(batch).floor(slide, zero);
      if (before.greater(zero)) {
        const empty: StateSnapshot = { entries: [] };
        r.stream.restoreState(before, empty);
        if (writer) await writer.writeSnapshot(r.key, before, empty);
      }
    } else {
      // Checkpointed before its first snapshot: the state is recomputed from the zero time, through
      // the inputs' recorded positions, as Spark recomputes it from its lineage.
      const second = zero.plus(r.stream.slideDuration);
      if (second.less(first)) r.stream.restoreState(zero, { entries: [] });
      writer?.setLatestSnapshot(r.key, null);
    }
  }
  return { restartTime, replay };
}

/** Each operator's restore options, from getOrCreate's `migrate` and `skipShapeCheck`. */
function restoreOptions(options: GetOrCreateOptions): (key: string) => RestoreOptions {
  const migrate = options.migrate ?? {};
  const skip = new Set(options.skipShapeCheck ?? []);
  return (key) => ({
    migrate: Object.hasOwn(migrate, key) ? migrate[key] : undefined,
    checkShape: !skip.has(key),
  });
}

function writerOf(c: BatchCheckpointer | undefined): CheckpointWriter | undefined {
  return c instanceof CheckpointWriter ? c : undefined;
}
