import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DStreamError } from '../../errors.js';
import { encodeSnapshot } from '../../state/snapshot-codec.js';
import { Logger } from '../../util/logging.js';
import { Time } from '../../util/time.js';
import type { DStreamGraph } from '../dstream-graph.js';
import type { InputStream } from '../graph-stream.js';
import type { BatchCheckpointer } from '../job-generator.js';
import { encodeCheckpoint, type CheckpointRecord, type SnapshotRef } from './checkpoint-data.js';
import {
  checkpointFileName,
  deleteOldCheckpointFiles,
  ensureDir,
  listSnapshotTimes,
  removeStaleTempFiles,
  snapshotFileName,
  sortNewestFirst,
  writeFailureReason,
  writeFileAtomic,
} from './checkpoint-files.js';
import { ancestryPath, inputKeyOf, stateDirName } from './state-keys.js';
import { isStatefulStream, type StateSnapshot, type StatefulStream } from './stateful-stream.js';

const log = new Logger('CheckpointWriter');

export interface CheckpointWriterOptions {
  /** The checkpoint directory (absolute). */
  dir: string;
  appName: string;
  master: string;
  graph: DStreamGraph;
  /** Batches submitted to the scheduler and not finished. */
  pendingTimes(): readonly Time[];
  /** Metadata checkpoint files kept, `.bk` files included (Spark keeps 10). */
  keepCheckpoints?: number;
  /** Snapshots kept per stateful stream besides those a kept checkpoint refers to. */
  keepSnapshots?: number;
}

interface StatefulEntry {
  readonly stream: StatefulStream;
  readonly key: string;
  readonly dir: string;
}

const WRITE_ATTEMPTS = 3;

/**
 * Writes the checkpoints of a running context, as Spark's CheckpointWriter: a metadata checkpoint
 * after every batch is generated and again after it completes (and, unlike Spark, one when a new
 * application starts: {@link CheckpointWriter.atStart}), and a snapshot of each stateful
 * stream's state at that stream's checkpoint interval (written before the metadata checkpoint
 * that refers to it). Writes run one at a time, in the order they were asked for.
 */
export class CheckpointWriter implements BatchCheckpointer {
  private queue: Promise<unknown> = Promise.resolve();
  private latestTimeMs = -Infinity;
  private stateful: StatefulEntry[] | undefined;
  private inputKeys: Map<InputStream, string> | undefined;
  private readonly latestSnapshots = new Map<string, SnapshotRef | null>();
  /** The checkpoint files this writer wrote that are still kept, with the snapshots they name. */
  private readonly kept = new Map<string, readonly string[]>();
  /** Each state key's snapshot times on disk (listed once, then followed). */
  private readonly snapshotTimes = new Map<string, number[]>();
  private readonly keepCheckpoints: number;
  private readonly keepSnapshots: number;
  private cleanedTemp = false;
  /** State keys snapshotted (or tried) before their first interval. */
  private readonly triedEarly = new Set<string>();
  /** State keys whose last snapshot could not be written (see {@link writeMetadata}). */
  private readonly unsaved = new Set<string>();
  private skipping = false;
  /** Batches generated with jobs that have not completed (failed, dropped or still running). */
  private readonly incomplete = new Set<number>();
  /** The completed batch times, newest last (a few: the stop checkpoint needs the newest). */
  private readonly completedMs: number[] = [];

  constructor(private readonly o: CheckpointWriterOptions) {
    this.keepCheckpoints = o.keepCheckpoints ?? 10;
    this.keepSnapshots = o.keepSnapshots ?? 3;
  }

  /** The stateful streams of the graph with their state keys (duplicates are an error). */
  statefulStreams(): readonly StatefulEntry[] {
    if (!this.stateful) {
      const entries: StatefulEntry[] = [];
      const byKey = new Map<string, StatefulStream>();
      for (const stream of this.o.graph.allStreams()) {
        if (!isStatefulStream(stream)) continue;
        const key = stream.stateKey;
        const other = byKey.get(key);
        if (other) {
          throw new DStreamError(
            'DSTREAM_ERR_DUPLICATE_STATE_NAME',
            `Two stateful operators have the state key '${key}' (${ancestryPath(other)} and ${ancestryPath(stream)}): checkpoints keep state by this key, so give each a different name with .name('...')`,
          );
        }
        byKey.set(key, stream);
        entries.push({ stream, key, dir: join('state', stateDirName(key)) });
      }
      this.stateful = entries;
    }
    return this.stateful;
  }

  private inputKey(stream: InputStream): string {
    if (!this.inputKeys) {
      this.inputKeys = new Map();
      for (const s of this.o.graph.inputStreams) this.inputKeys.set(s, inputKeyOf(s, this.o.graph));
    }
    return this.inputKeys.get(stream)!;
  }

  /** After recovery: the snapshots the recovered state came from are the latest ones. */
  setLatestSnapshot(key: string, ref: SnapshotRef | null): void {
    this.latestSnapshots.set(key, ref);
  }

  /**
   * The first metadata checkpoint of a new application, before any batch runs: the zero time as
   * checkpoint time, nothing pending, each input's initial position. A restart from it keeps the
   * zero time and the inputs' positions (the file stream's threshold), and runs the batches since.
   */
  atStart(zeroTime: Time): Promise<void> {
    return this.enqueue(() => this.writeMetadata(zeroTime, false));
  }

  afterGeneration(time: Time, jobs: number): Promise<void> {
    if (jobs > 0) this.incomplete.add(time.milliseconds);
    else this.completed(time);
    return this.enqueue(() => this.writeMetadata(time, false));
  }

  afterCompletion(time: Time): Promise<void> {
    this.incomplete.delete(time.milliseconds);
    this.completed(time);
    return this.enqueue(async () => {
      await this.snapshotDueStates(time);
      await this.writeMetadata(time, true);
    });
  }

  /**
   * The checkpoint of a stop (by `stop()`, Ctrl-C or SIGTERM, graceful or not): a snapshot of each
   * stateful stream as of the last batch that completed with every batch before it, unless one is
   * on disk already, and a metadata checkpoint for the batch after it. A restart restores the
   * state of the last batch whose output was written, instead of an older snapshot plus batches
   * recomputed from inputs that may not give their data again (a socket receiver without
   * write-ahead log): results already output never go backwards. Batches that did not complete
   * run again; the last complete one does not.
   */
  atStop(): Promise<void> {
    return this.enqueue(async () => {
      const last = this.lastCompletedInOrder();
      const zero = this.o.graph.zeroTime;
      if (last === undefined || !zero || !last.greater(zero)) return;
      for (const entry of this.statefulStreams()) {
        if (!entry.stream.checkpointDuration) continue;
        const time = last.floor(entry.stream.slideDuration, zero);
        const saved = this.latestSnapshots.get(entry.key)?.timeMs ?? -Infinity;
        if (!time.greater(zero) || time.milliseconds <= saved) continue;
        const snapshot = await entry.stream.snapshotState(time);
        if (snapshot) await this.saveSnapshot(entry, time, snapshot);
      }
      // Written for the batch after it: a restart runs again from there, not the batch of the
      // snapshot, whose output is written already and whose received data may be gone.
      await this.writeMetadata(last.plus(this.o.graph.batchDuration), false);
    });
  }

  /** The newest completed batch with no incomplete batch before it. */
  private lastCompletedInOrder(): Time | undefined {
    const firstIncomplete = Math.min(...this.incomplete);
    let last: number | undefined;
    for (const t of this.completedMs) {
      if (t < firstIncomplete && (last === undefined || t > last)) last = t;
    }
    return last === undefined ? undefined : new Time(last);
  }

  private completed(time: Time): void {
    this.completedMs.push(time.milliseconds);
    // Only the newest below the first incomplete batch matters; a bounded list is plenty.
    if (this.completedMs.length > 64) this.completedMs.splice(0, this.completedMs.length - 64);
  }

  /** Snapshots `stream`'s state now (recovery uses it for operators that start empty). */
  writeSnapshot(key: string, time: Time, snapshot: StateSnapshot): Promise<void> {
    return this.enqueue(async () => {
      const entry = this.statefulStreams().find((e) => e.key === key);
      if (entry) await this.saveSnapshot(entry, time, snapshot);
    });
  }

  /** Resolves when every write asked for so far has ended. */
  async flush(): Promise<void> {
    await this.queue;
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.queue.then(task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async snapshotDueStates(time: Time): Promise<void> {
    const zero = this.o.graph.zeroTime;
    if (!zero) return;
    // A snapshot must hold every batch up to its time: with an older batch still running (more
    // than one concurrent job), wait for a later checkpoint time.
    if (this.o.pendingTimes().some((t) => t.less(time))) return;
    for (const entry of this.statefulStreams()) {
      const interval = entry.stream.checkpointDuration;
      if (!interval || !entry.stream.slideDuration.lessEq(time.minus(zero))) continue;
      // At the interval, and also as soon as there is a state and no snapshot of it yet: until
      // then, recovery would have to recompute the state from the zero time.
      const early = !this.latestSnapshots.get(entry.key) && !this.triedEarly.has(entry.key);
      if (!time.minus(zero).isMultipleOf(early ? entry.stream.slideDuration : interval)) continue;
      const snapshot = await entry.stream.snapshotState(time);
      if (!snapshot) continue;
      if (early) this.triedEarly.add(entry.key);
      await this.saveSnapshot(entry, time, snapshot);
    }
  }

  private async saveSnapshot(
    entry: StatefulEntry,
    time: Time,
    snapshot: StateSnapshot,
  ): Promise<void> {
    let data: Buffer;
    try {
      data = encodeSnapshot(snapshot);
    } catch (e) {
      if (e instanceof DStreamError) {
        throw new DStreamError(e.code, `State of '${entry.key}' at ${time}: ${e.message}`, {
          cause: e,
          batchTime: time,
        });
      }
      throw e;
    }
    const dir = join(this.o.dir, entry.dir);
    const name = snapshotFileName(time.milliseconds);
    const started = performance.now();
    try {
      await ensureDir(dir);
      await writeFileAtomic(dir, name, data);
    } catch (e) {
      // Not fatal, as a metadata checkpoint that cannot be written: checkpoints go on naming the
      // previous snapshot, which is intact (written atomically), and recovery starts from it.
      log.error(
        `Could not write the state of '${entry.key}' for time ${time} to '${join(dir, name)}': ${writeFailureReason(e, this.o.dir)}. The application keeps running; the previous snapshot of '${entry.key}' stays the one a restart recovers from`,
      );
      this.unsaved.add(entry.key);
      return;
    }
    if (this.unsaved.delete(entry.key) && this.unsaved.size === 0) {
      log.warn(`State of '${entry.key}' saved again: metadata checkpoints resume`);
    }
    log.info(
      `State of '${entry.key}' for time ${time} saved to '${join(entry.dir, name)}': ${snapshot.entries.length} entries, ${data.length} bytes, ${Math.round(performance.now() - started)} ms`,
    );
    this.latestSnapshots.set(entry.key, { timeMs: time.milliseconds, file: join(entry.dir, name) });
    const times = await this.snapshotTimesOf(entry);
    if (!times.includes(time.milliseconds)) times.push(time.milliseconds);
  }

  private async snapshotTimesOf(entry: StatefulEntry): Promise<number[]> {
    let times = this.snapshotTimes.get(entry.key);
    if (!times) {
      times = await listSnapshotTimes(join(this.o.dir, entry.dir));
      this.snapshotTimes.set(entry.key, times);
    }
    return times;
  }

  private record(time: Time, completed: boolean): CheckpointRecord {
    const graph = this.o.graph;
    let pending = this.o.pendingTimes().map((t) => t.milliseconds);
    if (completed) pending = pending.filter((t) => t !== time.milliseconds);
    const inputs: { key: string; position: unknown }[] = [];
    const horizon = this.recoveryHorizon(time, pending);
    for (const s of graph.inputStreams) {
      if (s.checkpointPosition)
        inputs.push({ key: this.inputKey(s), position: s.checkpointPosition(horizon) });
    }
    return {
      appName: this.o.appName,
      master: this.o.master,
      batchDurationMs: graph.batchDuration.milliseconds,
      zeroTimeMs: graph.zeroTime?.milliseconds ?? 0,
      checkpointTimeMs: time.milliseconds,
      pendingTimesMs: [...new Set(pending)].sort((a, b) => a - b),
      inputs,
      states: this.statefulStreams().map((e) => ({
        key: e.key,
        snapshot: this.latestSnapshots.get(e.key) ?? null,
      })),
    };
  }

  /**
   * The newest time that no recovery from this checkpoint (nor, falling back, from an older kept
   * snapshot) computes again: before the oldest kept snapshot, the oldest pending batch and the
   * checkpoint's own batch, which a restart runs again.
   */
  private recoveryHorizon(time: Time, pendingMs: readonly number[]): Time {
    const zero = this.o.graph.zeroTime?.milliseconds ?? 0;
    const batch = this.o.graph.batchDuration.milliseconds;
    let horizon = Math.min(time.milliseconds, ...pendingMs) - batch;
    for (const entry of this.statefulStreams()) {
      const times = this.snapshotTimes.get(entry.key);
      const latest = this.latestSnapshots.get(entry.key);
      const oldest = times?.length ? Math.min(...times) : (latest?.timeMs ?? zero);
      horizon = Math.min(horizon, oldest);
    }
    return new Time(Math.max(horizon, zero));
  }

  private async writeMetadata(time: Time, completed: boolean): Promise<void> {
    const { dir } = this.o;
    if (!this.cleanedTemp) {
      this.cleanedTemp = true;
      // A process killed while writing a snapshot left its temporary file in the state directory.
      for (const d of [dir, ...this.statefulStreams().map((e) => join(dir, e.dir))]) {
        await removeStaleTempFiles(d);
      }
    }
    // A checkpoint names each operator's latest snapshot and the inputs' positions, which record
    // only their remember window (the file stream's 60 s). Written while a snapshot cannot be,
    // checkpoints would go on naming an ever older snapshot, until the batches since it were no
    // longer recorded and recovery silently lost them. So none is written until it can be: the
    // newest one on disk stays consistent, and a restart replays the batches since.
    if (this.unsaved.size > 0) {
      if (!this.skipping) {
        this.skipping = true;
        log.error(
          `Not writing metadata checkpoints until the state of ${[...this.unsaved].map((k) => `'${k}'`).join(', ')} can be saved again: a restart recovers from the newest checkpoint on disk and runs the batches since again`,
        );
      }
      return;
    }
    this.skipping = false;
    const record = this.record(time, completed);
    const data = encodeCheckpoint(record);
    // As Spark: the file is named after the latest checkpoint time this writer has seen, so a late
    // completion checkpoint of an older batch never hides a newer one.
    this.latestTimeMs = Math.max(this.latestTimeMs, time.milliseconds);
    const name = checkpointFileName(this.latestTimeMs);
    const started = performance.now();
    for (let attempt = 1; ; attempt++) {
      try {
        await writeFileAtomic(dir, name, data, { backup: true });
        break;
      } catch (e) {
        if (attempt >= WRITE_ATTEMPTS) {
          // Spark's warning, said louder: the application goes on without this checkpoint.
          log.error(
            `Could not write checkpoint for time ${time} to file '${join(dir, name)}': ${writeFailureReason(e, dir)}. The application keeps running; the checkpoint files already written are intact, and a restart recovers from the newest of them`,
          );
          return;
        }
        log.warn(`Error in attempt ${attempt} of writing checkpoint to '${join(dir, name)}'`, e);
      }
    }
    log.info(
      `Checkpoint for time ${time} saved to file '${join(dir, name)}', took ${data.length} bytes and ${Math.round(performance.now() - started)} ms`,
    );
    // Follow the files on disk: a rewritten name moved its previous content to `.bk`.
    const previous = this.kept.get(name);
    if (previous) this.kept.set(`${name}.bk`, previous);
    this.kept.set(
      name,
      record.states.flatMap((s) => (s.snapshot ? [s.snapshot.file] : [])),
    );
    const newest = sortNewestFirst(this.kept.keys()).slice(0, this.keepCheckpoints);
    const keep = new Set(newest.map((f) => f.name));
    for (const n of this.kept.keys()) if (!keep.has(n)) this.kept.delete(n);
    await deleteOldCheckpointFiles(dir, this.keepCheckpoints);
    await this.pruneSnapshots();
  }

  /** Deletes old snapshots: keeps each key's newest few and any that a kept checkpoint names. */
  private async pruneSnapshots(): Promise<void> {
    const referenced = new Set([...this.kept.values()].flat());
    for (const entry of this.statefulStreams()) {
      const times = this.snapshotTimes.get(entry.key);
      if (!times || times.length <= this.keepSnapshots) continue;
      times.sort((a, b) => b - a);
      for (const t of times.slice(this.keepSnapshots)) {
        const file = join(entry.dir, snapshotFileName(t));
        if (referenced.has(file)) continue;
        await rm(join(this.o.dir, file), { force: true });
        times.splice(times.indexOf(t), 1);
      }
    }
  }
}
