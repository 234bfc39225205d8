import { Receiver } from '../../../receiver/index.js';
import type { Cancellable, Clock } from '../../../util/clock.js';
import { Logger } from '../../../util/logging.js';
import { ensureReachable } from '../client/load.js';
import {
  ConsumerThread,
  type ConsumerSettings,
  type PartitionOffset,
  type ReceivedRecord,
} from './consumer-thread.js';

const log = new Logger('KafkaReceiver');

/** A Kafka record as the stream gives it: its key (null when it has none) and its value. */
export type KafkaPair = readonly [key: string | null, value: string];

export interface KafkaReceiverSettings extends ConsumerSettings {
  /** Consumers of the group inside the receiver (the sum of the topics map's values). */
  readonly threads: number;
  /** How often the records received become a block (`spark.streaming.blockInterval`). */
  readonly blockIntervalMs: number;
}

/** Spark's attempts to store a block before the reliable receiver gives up. */
const STORE_ATTEMPTS = 4;
/** Blocks stored and not yet committed before the consumers pause (Spark's queue of 10). */
const MAX_PENDING_BLOCKS = 10;

/** How long a stop waits for the last commit and the consumers leaving the group. */
const STOP_WAIT_MS = 10_000;

const keyOf = (topic: string, partition: number) => `${topic}\0${partition}`;

/**
 * The receiver of `KafkaUtils.createStream`, as Spark's 0.8 `KafkaReceiver` and
 * `ReliableKafkaReceiver` in one: `threads` consumers of one group (Kafka spreads the topics'
 * partitions over them), whose records become a block every block interval. Each block is stored
 * with `storeReliably` and only then are the offsets of its records committed to the group, one
 * past the last of each partition:
 *
 * - with `spark.streaming.receiver.writeAheadLog.enable` ({@link ReliableKafkaReceiver}) the
 *   block is in the write-ahead log by then, so a crash loses nothing: what was committed is in
 *   the log, and what was not is read again from Kafka (at-least-once: a crash between the two
 *   brings those records twice);
 * - without it, the block is only in memory when its offsets are committed, as Spark's receiver
 *   auto-commits: a crash loses the records of the batches not yet run.
 *
 * Records are filtered as runs against a real broker showed necessary: one below the
 * next offset expected of its partition is a redelivery after a rebalance and is dropped, as is a
 * record of a partition its consumer no longer owns (the new owner reads it); an offset is never
 * committed backwards. The records are not rate-limited (`spark.streaming.receiver.maxRate` does
 * not apply); the consumers pause while {@link MAX_PENDING_BLOCKS} blocks wait to be stored.
 */
export class KafkaReceiver extends Receiver<KafkaPair> {
  private threads: ConsumerThread[] = [];
  /** Bumped by every start and stop: work of an earlier run ignores its results. */
  private run = 0;
  private buffer: KafkaPair[] = [];
  /** One past the last offset of each partition in `buffer`. */
  private bufferOffsets = new Map<string, PartitionOffset>();
  /** The next offset expected of each partition: below it is a redelivery. */
  private readonly nextOffsets = new Map<string, bigint>();
  /** The offset last committed of each partition: a commit only moves forward. */
  private readonly committed = new Map<string, bigint>();
  /** Offsets of stored blocks that are not committed yet. */
  private readonly toCommit = new Map<string, PartitionOffset>();
  /** Blocks stored then committed one after another, so commits run in order. */
  private chain: Promise<void> = Promise.resolve();
  private pendingBlocks = 0;
  private paused = false;
  private timer: Cancellable | undefined;

  constructor(
    private readonly settings: KafkaReceiverSettings,
    private readonly clock: Clock,
  ) {
    super();
  }

  onStart(): void {
    const run = ++this.run;
    const { bootstrap, groupId, topics, threads } = this.settings;
    log.info(`Connecting to ${bootstrap.join(',')}: group ${groupId}, topics ${topics.join(',')}`);
    this.scheduleBlock(run);
    void this.openConsumers(run, threads).catch((e: unknown) => {
      if (run === this.run) this.restart('Error connecting to Kafka', e);
    });
  }

  /**
   * Resolves once the last blocks are stored and committed and the consumers left the group, or
   * after {@link STOP_WAIT_MS}.
   */
  onStop(): Promise<void> {
    this.run++;
    this.timer?.cancel();
    this.timer = undefined;
    // The last records become a block now, while the receiver can still store; the consumers
    // leave the group once every block is stored and committed.
    this.cutBlock();
    const threads = this.threads;
    this.threads = [];
    this.paused = false;
    const done = this.chain.then(() => closeAll(threads));
    this.chain = done;
    // A broker that is gone would hold the stop for the client's retries (10, nested): give up
    // waiting after Spark's 10 s for receivers to stop; the records not committed come again.
    return new Promise<void>((resolve) => {
      const timer = this.clock.schedule(this.clock.now() + STOP_WAIT_MS, () => {
        log.warn(
          `Kafka consumers still committing or leaving group ${this.settings.groupId} after ${STOP_WAIT_MS} ms: not waiting for them`,
        );
        resolve();
      });
      void done.then(() => {
        timer.cancel();
        resolve();
      });
    });
  }

  /**
   * Opens the consumers; each takes part in commits as soon as it has joined. One that cannot join
   * fails the whole start (the receiver restarts); those of a stopped run leave again.
   */
  private async openConsumers(run: number, count: number): Promise<void> {
    await ensureReachable([...this.settings.bootstrap]);
    const open = async (i: number): Promise<void> => {
      const thread = await ConsumerThread.open(
        this.settings,
        `dstream-receiver-${this.streamId}-${i}`,
        (record, from) => {
          if (run === this.run) this.receive(record, from);
        },
        (error) => {
          if (run === this.run) this.restart('Error receiving data from Kafka', error);
        },
      );
      if (run !== this.run) {
        await closeAll([thread]);
        return;
      }
      this.threads.push(thread);
      if (this.paused) thread.pause();
    };
    await Promise.all(Array.from({ length: count }, (_, i) => open(i)));
    if (run === this.run) log.info(`${count} consumer(s) joined group ${this.settings.groupId}`);
  }

  private receive(r: ReceivedRecord, thread: ConsumerThread): void {
    if (!thread.owns(r.topic, r.partition)) return;
    const key = keyOf(r.topic, r.partition);
    const expected = this.nextOffsets.get(key);
    if (expected !== undefined && r.offset < expected) return;
    const next = r.offset + 1n;
    this.nextOffsets.set(key, next);
    this.buffer.push([r.key, r.value]);
    this.bufferOffsets.set(key, { topic: r.topic, partition: r.partition, offset: next });
  }

  private scheduleBlock(run: number): void {
    this.timer = this.clock.schedule(this.clock.now() + this.settings.blockIntervalMs, () => {
      if (run !== this.run) return;
      this.cutBlock();
      this.scheduleBlock(run);
    });
  }

  /**
   * Stores the records received so far as one block, then commits their offsets. The block is
   * handed over now, synchronously (the write-ahead log writes blocks in this order); the commits
   * wait for their block and for the commits before.
   */
  private cutBlock(): void {
    if (this.buffer.length === 0) return;
    const records = this.buffer;
    const offsets = [...this.bufferOffsets.values()];
    this.buffer = [];
    this.bufferOffsets = new Map();
    const stored = this.storeBlock(records);
    const threads = this.threads;
    this.pendingBlocks++;
    this.updatePause();
    this.chain = this.chain.then(async () => {
      const ok = await stored;
      this.pendingBlocks--;
      this.updatePause();
      if (!ok) return;
      for (const o of offsets) this.toCommit.set(keyOf(o.topic, o.partition), o);
      await this.commit(threads);
    });
    // A step that threw must not stop the blocks after it from being committed.
    this.chain = this.chain.catch((e: unknown) => log.error('Error committing offsets', e));
  }

  /** Spark's reliable store: up to 4 attempts, then the receiver stops. */
  private async storeBlock(records: KafkaPair[]): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.storeReliably(records);
        return true;
      } catch (e) {
        if (attempt >= STORE_ATTEMPTS) {
          // Not committed: a restart reads these records again from Kafka.
          this.stop('Error while storing block into Spark', e);
          return false;
        }
        log.warn(`Failed to store a block of ${records.length} records (attempt ${attempt})`, e);
      }
    }
  }

  /**
   * Commits the stored offsets through the consumers that own their partitions. A partition no
   * consumer owns any more is left to its new owner, which reads it from the group's committed
   * offset; a failed commit (a rebalance under way) is tried again after the next block.
   */
  private async commit(threads: readonly ConsumerThread[]): Promise<void> {
    for (const [key, o] of this.toCommit) {
      if (o.offset <= (this.committed.get(key) ?? -1n)) this.toCommit.delete(key);
    }
    if (this.toCommit.size === 0) return;
    const offsets = [...this.toCommit.values()];
    const done = new Set<string>();
    for (const thread of threads) {
      try {
        for (const o of await thread.commit(offsets)) {
          const key = keyOf(o.topic, o.partition);
          done.add(key);
          this.committed.set(key, o.offset);
          this.toCommit.delete(key);
        }
      } catch (e) {
        log.warn('Could not commit offsets to Kafka; will try again after the next block', e);
        return;
      }
    }
    // Owned by no consumer of this receiver (revoked, or the consumers are closing).
    for (const key of [...this.toCommit.keys()]) if (!done.has(key)) this.toCommit.delete(key);
  }

  private updatePause(): void {
    const pause = this.pendingBlocks >= MAX_PENDING_BLOCKS;
    if (pause === this.paused) return;
    this.paused = pause;
    for (const t of this.threads) {
      if (pause) t.pause();
      else t.resume();
    }
  }
}

/**
 * The same receiver, named as Spark's reliable one: used when the write-ahead log is enabled, so
 * the offsets committed are always of records in the log.
 */
export class ReliableKafkaReceiver extends KafkaReceiver {}

async function closeAll(threads: readonly ConsumerThread[]): Promise<void> {
  const closed = await Promise.allSettled(threads.map((t) => t.close()));
  for (const c of closed) {
    if (c.status === 'rejected') log.warn('Error closing a Kafka consumer', c.reason);
  }
}
