import { deserialize, serialize } from 'node:v8';
import { DStreamError } from '../errors.js';
import { KafkaPartitioner } from '../rdd/kafka-partitioner.js';
import type { OffsetRange } from '../rdd/offset-range.js';
import { RDD } from '../rdd/rdd.js';
import type { TaskContext } from '../rdd/task-context.js';
import type { Partitioner } from '../rdd/partitioner.js';
import type { StateMap } from '../state/index.js';
import { stateDirName } from '../streaming/checkpoint/state-keys.js';
import {
  scaleOutInputsOf,
  type ChangelogRecord,
  type ScaleOutInput,
  type StateChangelog,
} from '../streaming/scale-out-input.js';
import type { GraphStream } from '../streaming/graph-stream.js';
import type { Time } from '../util/time.js';

// State that moves with its Kafka partitions (docs/scale-out.md): state partition p holds
// the keys of input partition p (a KafkaPartitioner over the topic's partition count); this process
// holds the state partitions whose input partitions its batches read, rebuilds one from the
// changelog topic when it starts reading it, drops one it no longer reads, and appends every
// batch's changes to the changelog before the batch's outputs read the state.

/** What the state operators (updateStateByKey, mapWithState) give it. */
export interface ScaleOutStateStream<K, S> extends GraphStream {
  readonly stores: readonly StateMap<K, S>[];
  readonly partitioner: Partitioner;
  readonly stateKey: string;
  readonly ssc: { readonly sparkContext: { readonly appName: string } };
  toString(): string;
}

/**
 * A changelog record's value: the input offset the batch read the partition until (`u`), the key's
 * state before the batch (`p`, when `hp`) and after it (`s`, when `hs`; removed otherwise). The
 * state before lets a restore undo a batch whose outputs never committed (see restore).
 */
interface ChangeValue {
  u: number;
  hp: boolean;
  p?: unknown;
  hs: boolean;
  s?: unknown;
}

export class ScaleOutState<K, S> {
  private changelog: Promise<StateChangelog> | undefined;
  /** State partitions this process holds the state of. */
  private readonly held = new Set<number>();
  private started = false;
  /** The last batch whose changes reached the changelog. */
  private writtenThrough = -Infinity;

  private constructor(
    private readonly stream: ScaleOutStateStream<K, S>,
    private readonly input: ScaleOutInput,
  ) {}

  /** The scale-out side of `stream`, or undefined when no input of it is a scale-out stream. */
  static of<K, S>(stream: ScaleOutStateStream<K, S>): ScaleOutState<K, S> | undefined {
    const inputs = scaleOutInputsOf(stream).filter((i) => i.scaleOutInput);
    if (inputs.length === 0) return undefined;
    if (inputs.length > 1 || !(stream.partitioner instanceof KafkaPartitioner)) {
      throw new DStreamError(
        'DSTREAM_ERR_STATE_NOT_COPARTITIONED',
        `The state of ${stream.toString()} reads a Kafka stream whose partitions move between processes (spark.streaming.kafka.scaleOut): its state must be kept per Kafka partition of one input topic, so give it new KafkaPartitioner(<the topic's partition count>) (updateStateByKey(f, partitioner), StateSpec.partitioner) and read one scale-out stream`,
      );
    }
    return new ScaleOutState(stream, inputs[0]!);
  }

  /** `<app>-<state key>-changelog`, in the characters Kafka allows in a topic name. */
  get changelogTopic(): string {
    const app = this.stream.ssc.sparkContext.appName.replace(/[^A-Za-z0-9._-]+/g, '_');
    return `${app}-${stateDirName(this.stream.stateKey)}-changelog`;
  }

  /**
   * Brings the held partitions in line with what batch `time` reads, applies the batch
   * (`applyAll`), checks that no key fell outside them, and appends the batch's changes to the
   * changelog: a batch never completes with its changes unwritten.
   */
  async applyBatch(time: Time, slideMs: number, applyAll: () => Promise<unknown>): Promise<void> {
    const ms = time.milliseconds;
    if (this.writtenThrough >= ms) return;
    const owned = this.ownedRanges(time);
    const changelog = await this.open();
    const stores = this.stream.stores;
    if (stores.some((s) => s.version < ms)) {
      await this.follow(owned, ms - slideMs, changelog);
      await applyAll();
    } else if (!this.started) {
      // A batch restored from this process's checkpoint: its state stands for what it still reads.
      for (let p = 0; p < stores.length; p++) {
        if (owned.has(p)) this.held.add(p);
        else stores[p]!.reset(ms);
      }
    }
    this.started = true;
    this.checkCoPartitioned(owned);
    await Promise.all([...owned].map(([p, range]) => this.append(changelog, p, range)));
    this.writtenThrough = ms;
  }

  private ownedRanges(time: Time): Map<number, OffsetRange> {
    const owned = new Map<number, OffsetRange>();
    for (const r of this.input.scaleOutRanges(time)) owned.set(r.partition, r);
    return owned;
  }

  private open(): Promise<StateChangelog> {
    this.changelog ??= this.input
      .openStateChangelog(this.changelogTopic, this.stream.partitioner.numPartitions)
      .catch((e: unknown) => {
        this.changelog = undefined;
        throw e;
      });
    return this.changelog;
  }

  /** Drops the partitions no longer read; rebuilds those newly read from the changelog. */
  private async follow(
    owned: Map<number, OffsetRange>,
    before: number,
    changelog: StateChangelog,
  ): Promise<void> {
    const stores = this.stream.stores;
    for (let p = 0; p < stores.length; p++) {
      const store = stores[p]!;
      const range = owned.get(p);
      if (!range) {
        if (this.held.delete(p) || store.size > 0) store.reset(Math.max(store.version, before));
        continue;
      }
      if (this.held.has(p)) continue;
      store.reset(Math.max(store.version, before));
      this.restore(store, await changelog.readAll(p), range.fromOffset, before);
      this.held.add(p);
    }
  }

  /**
   * The latest record of each key wins (as compaction keeps). Its batch read the input partition
   * until `u`; when `u` is past `from`, where this process starts reading, that batch's outputs
   * were not committed (its process died between the changelog and the sink's commit) and the
   * input is read again: the key's state before that batch is the one to start from. Batches run
   * one at a time (spark.streaming.concurrentJobs=1), so at most one batch is ahead.
   */
  private restore(
    store: StateMap<K, S>,
    records: readonly ChangelogRecord[],
    from: number,
    time: number,
  ): void {
    const latest = new Map<string, ChangelogRecord>();
    for (const r of records) latest.set(r.key.toString('base64'), r);
    for (const r of latest.values()) {
      const v = deserialize(r.value) as ChangeValue;
      const has = v.u > from ? v.hp : v.hs;
      if (has) store.set(deserialize(r.key) as K, (v.u > from ? v.p : v.s) as S, time);
    }
  }

  private checkCoPartitioned(owned: Map<number, OffsetRange>): void {
    const stores = this.stream.stores;
    for (let p = 0; p < stores.length; p++) {
      if (owned.has(p) || stores[p]!.size === 0) continue;
      let key: unknown;
      stores[p]!.forEach((_s, k) => (key ??= k));
      const topic = [...owned.values()][0]?.topic ?? 'the input topic';
      throw new DStreamError(
        'DSTREAM_ERR_STATE_NOT_COPARTITIONED',
        `The state of ${this.stream.toString()} got key ${JSON.stringify(key)}, which Kafka's default partitioner places in partition ${p} of ${topic}, but this process reads ${owned.size === 0 ? 'none of its partitions' : `only partition(s) ${[...owned.keys()].join(', ')}`}: the keys are not co-partitioned with the topic, so the state could not move with its partitions. Produce the input records keyed by the state's key (the producer's default partitioner then places them where the state is), or do not set spark.streaming.kafka.scaleOut`,
      );
    }
  }

  private async append(changelog: StateChangelog, p: number, range: OffsetRange): Promise<void> {
    const records: ChangelogRecord[] = [];
    this.stream.stores[p]!.forEachChange((key, had, before, has, after) => {
      const value: ChangeValue = { u: range.untilOffset, hp: had, hs: has };
      if (had) value.p = before;
      if (has) value.s = after;
      records.push({ key: serialize(key), value: serialize(value) });
    });
    await changelog.append(p, records);
  }
}

/** The state RDD of one batch, as ApplyAfterInputsRDD needs it. */
interface AppliedRDD {
  readonly context: RDD<unknown>['context'];
  readonly numPartitions: number;
  ensureApplied(split: number, task: TaskContext): void;
}

/**
 * Applies every partition of a state RDD from inside its own preparation: its parents are the
 * state RDD's inputs, not the state RDD, whose preparation the job would otherwise wait for.
 */
export class ApplyAfterInputsRDD extends RDD<never> {
  constructor(
    private readonly state: AppliedRDD,
    inputs: RDD<unknown>[],
  ) {
    super(state.context, inputs);
  }

  get numPartitions(): number {
    return this.state.numPartitions;
  }

  protected get kind(): string {
    return 'applyState';
  }

  protected compute(split: number, task: TaskContext): void {
    this.state.ensureApplied(split, task);
  }
}
