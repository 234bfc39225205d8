import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DStreamError, messageOf } from '../../errors.js';
import { decodeSnapshot } from '../../state/snapshot-codec.js';
import type { Duration } from '../../util/duration.js';
import { Logger } from '../../util/logging.js';
import { Time } from '../../util/time.js';
import type { DStreamGraph } from '../dstream-graph.js';
import type { GraphStream, InputStream } from '../graph-stream.js';
import type { CheckpointRecord, SnapshotRef } from './checkpoint-data.js';
import { snapshotFileName } from './checkpoint-files.js';
import { inputKeyOf } from './state-keys.js';
import { isStatefulStream, type StateSnapshot, type StatefulStream } from './stateful-stream.js';

// When the snapshot a metadata checkpoint names is damaged, an operator's state can still come
// from an older intact snapshot, as Spark recomputes state from its lineage: restored as of the
// older time t1, the batches after t1 are recomputed from the inputs' recorded positions. That is
// exact only if every input the operator reads still records those batches, and every stateful
// operator it reads is restored no later than the batches it needs: otherwise the fallback would
// silently drop data, so it is refused with the same error as an unreadable state.

const log = new Logger('Checkpoint');

const SNAPSHOT_FILE = /^snapshot-(\d+)$/;

/** A snapshot read for recovery; `damaged`: the newer snapshot it replaces, if any. */
export interface ReadSnapshot {
  readonly ref: SnapshotRef;
  readonly data: StateSnapshot;
  readonly damaged?: { readonly file: string; readonly error: unknown };
}

/**
 * Reads the snapshot `ref` of state `key`, or else the newest readable older snapshot in the same
 * directory (each unreadable file is logged). Throws `DSTREAM_ERR_STATE_UNREADABLE` when none is.
 */
export function readSnapshotWithFallback(dir: string, key: string, ref: SnapshotRef): ReadSnapshot {
  const file = join(dir, ref.file);
  let firstError: unknown;
  try {
    return { ref, data: decodeSnapshot(readFileSync(file)) };
  } catch (e) {
    // A newer dstream wrote it: not damage to work around with an older snapshot.
    if ((e as DStreamError).code === 'DSTREAM_ERR_CHECKPOINT_INCOMPATIBLE') {
      throw new DStreamError(
        'DSTREAM_ERR_CHECKPOINT_INCOMPATIBLE',
        `Cannot restore the state of '${key}' from snapshot file ${file}: ${messageOf(e)}. Run the application with a dstream at least as new as the one that wrote it, or start with a new checkpoint directory.`,
        { cause: e },
      );
    }
    firstError = e;
    log.warn(`Error reading the state of '${key}' from snapshot file ${file}: ${messageOf(e)}`);
  }
  const stateDir = dirname(ref.file);
  const older = olderSnapshotTimes(join(dir, stateDir), ref.timeMs);
  for (const t of older) {
    const olderRef = { timeMs: t, file: join(stateDir, snapshotFileName(t)) };
    try {
      const data = decodeSnapshot(readFileSync(join(dir, olderRef.file)));
      return { ref: olderRef, data, damaged: { file, error: firstError } };
    } catch (e) {
      log.warn(
        `Error reading the state of '${key}' from snapshot file ${join(dir, olderRef.file)}: ${messageOf(e)}`,
      );
    }
  }
  throw unreadable(
    key,
    file,
    firstError,
    older.length === 0
      ? ''
      : older.length === 1
        ? '; its one older snapshot cannot be read either'
        : `; none of its ${older.length} older snapshots can be read either`,
  );
}

/** Snapshot times before `beforeMs` in a state directory, newest first. */
function olderSnapshotTimes(stateDir: string, beforeMs: number): number[] {
  let names: string[];
  try {
    names = readdirSync(stateDir);
  } catch {
    return [];
  }
  const times: number[] = [];
  for (const name of names) {
    const m = SNAPSHOT_FILE.exec(name);
    if (m && Number(m[1]) < beforeMs) times.push(Number(m[1]));
  }
  return times.sort((a, b) => b - a);
}

function unreadable(key: string, file: string, error: unknown, detail: string): DStreamError {
  return new DStreamError(
    'DSTREAM_ERR_STATE_UNREADABLE',
    `The state of stateful operator '${key}' cannot be read from ${file}: ${messageOf(error)}${detail}. Restore the file, or recover with StreamingContext.getOrCreate(dir, createFn, { startEmpty: ['${key}'] }) to start that operator with empty state.`,
    { cause: error },
  );
}

/** The time each stateful operator is restored as of (`Infinity`: it starts empty later). */
export type RestoreTimes = ReadonlyMap<StatefulStream, number>;

/**
 * Accepts a fallback of `stream` (state key `key`) to the older snapshot `read`, or throws
 * `DSTREAM_ERR_STATE_UNREADABLE` saying why the batches after it cannot be recomputed. Logs the
 * fallback as the metadata checkpoint's does.
 */
export function checkFallback(
  graph: DStreamGraph,
  record: CheckpointRecord,
  stream: StatefulStream,
  key: string,
  read: ReadSnapshot,
  restoreTimes: RestoreTimes,
): void {
  const damaged = read.damaged!;
  const reason = whyNotRecomputable(graph, record, stream, read, restoreTimes);
  if (reason !== undefined) {
    throw unreadable(
      key,
      damaged.file,
      damaged.error,
      `. Its older snapshot ${read.ref.file} (as of ${read.ref.timeMs} ms) cannot be brought up to date: ${reason}`,
    );
  }
  log.warn(
    `Recovering the state of '${key}' from the older snapshot file ${read.ref.file} (as of ${read.ref.timeMs} ms), since ${damaged.file} cannot be read: the batches after it are recomputed`,
  );
}

function whyNotRecomputable(
  graph: DStreamGraph,
  record: CheckpointRecord,
  stream: StatefulStream,
  read: ReadSnapshot,
  restoreTimes: RestoreTimes,
): string | undefined {
  const zero = new Time(record.zeroTimeMs);
  const checkpointTime = new Time(record.checkpointTimeMs);
  // An incremental window restored at t also subtracts the parent's batches of the window ending
  // at t: those must be recomputable too.
  const window = (stream as { windowDuration?: Duration }).windowDuration;
  const fromMs = read.ref.timeMs - (window?.milliseconds ?? 0);
  const positions = new Map(record.inputs.map((i) => [i.key, i.position]));
  for (const a of ancestorsOf(stream)) {
    if (isStatefulStream(a)) {
      const t = restoreTimes.get(a) ?? Infinity;
      if (t > fromMs) {
        return `it reads stateful operator '${a.stateKey}', whose state is restored as of ${t === Infinity ? 'a later batch' : `${t} ms`}`;
      }
      continue;
    }
    if (a.dependencies.length > 0) continue;
    const input = a as InputStream;
    // An input without a position is recomputed from the batch time alone, as recovery from the
    // newest snapshot already does.
    if (!input.restorePosition) continue;
    const inputKey = inputKeyOf(input, graph);
    if (!input.recordsBatch) {
      return `input '${inputKey}' cannot tell whether its checkpointed position still records the batches after ${read.ref.timeMs} ms (it has no recordsBatch method)`;
    }
    const position = positions.get(inputKey);
    const first = Math.max(fromMs, zero.milliseconds);
    const start = new Time(first).floor(input.slideDuration, zero).plus(input.slideDuration);
    for (const u of start.to(checkpointTime, input.slideDuration)) {
      if (position === undefined || !input.recordsBatch(position, u)) {
        return `input '${inputKey}' no longer records the data of batch ${u} (it keeps the batches of its remember window only)`;
      }
    }
  }
  return undefined;
}

function ancestorsOf(stream: GraphStream): GraphStream[] {
  const seen = new Set<GraphStream>();
  const walk = (s: GraphStream) => {
    for (const p of s.dependencies) {
      if (seen.has(p)) continue;
      seen.add(p);
      // A stateful ancestor's own inputs are its concern: it is checked as restored at its time.
      if (!isStatefulStream(p)) walk(p);
    }
  };
  walk(stream);
  return [...seen];
}
