import { DStreamError } from '../../../errors.js';
import { Logger } from '../../../util/logging.js';
import type { ConsumerStrategy } from './consumer-strategies.js';
import type { DriverConsumer } from './driver-consumer.js';
import type { ScaleOutMember } from './scale-out-member.js';
import { offsetMapOf, tpName, tpOf, type OffsetMap } from './topic-partitions.js';

const log = new Logger('DirectKafkaInputDStream');

/**
 * The partitions a direct stream reads and where each stands (the next offset to read), as they
 * follow the consumer group's assignment: new partitions start where the rebalance listener, the
 * strategy's offsets, the group's committed offsets or `auto.offset.reset` say; revoked ones fail
 * the stream (Spark) or are let go (scale-out). Changes happen one at a time ({@link serialized}).
 */
export class PartitionTracker {
  /** The next offset of each partition read (keys of `tpKey`). */
  offsets: OffsetMap = new Map();
  /** Changes of the partitions read, one at a time (a batch's preparation, a rebalance's end). */
  private ownership: Promise<unknown> = Promise.resolve();
  /** Whether the rebalance listener has heard of a first assignment (it hears of it, even empty). */
  private assignmentTold = false;

  constructor(
    private readonly strategy: ConsumerStrategy<unknown, unknown>,
    private readonly groupId: string,
    /** Set with scale-out: the processes of the group share its partitions. */
    private readonly member: () => ScaleOutMember | undefined,
  ) {}

  /** Runs `f` after every earlier change of the partitions read. */
  serialized<T>(f: () => Promise<T>): Promise<T> {
    const run = this.ownership.then(f);
    this.ownership = run.catch(() => undefined);
    return run;
  }

  /**
   * The partitions a batch may read now: those started, and with scale-out only those the group
   * gives this process at this moment, none while a rebalance is under way.
   */
  readable(driver: DriverConsumer): string[] {
    const started = [...this.offsets.keys()];
    const member = this.member();
    if (!member) return started;
    if (member.paused) return [];
    const owned = new Set(driver.currentAssignment());
    return started.filter((k) => owned.has(k));
  }

  /**
   * Follows the group's assignment: without scale-out a revoked partition fails the stream, as in
   * Spark; with it the partition is let go (its batches have ended, see {@link ScaleOutMember}).
   * New partitions are started. As Kafka's cooperative protocol does, `onPartitionsAssigned` hears
   * of the first assignment and of every change, even when nothing was added.
   */
  async takeAssignment(driver: DriverConsumer, assigned: readonly string[]): Promise<void> {
    let revoked: string[] = [];
    if (!this.member()) {
      this.checkNothingRevoked(assigned);
    } else {
      const now = new Set(assigned);
      revoked = [...this.offsets.keys()].filter((k) => !now.has(k));
      if (revoked.length > 0) {
        for (const k of revoked) this.offsets.delete(k);
        log.info(`Partitions revoked by the group: ${revoked.map(tpName).join(', ')}`);
        await this.tellListener('onPartitionsRevoked', revoked).catch((e: unknown) =>
          log.error(`onPartitionsRevoked failed for ${revoked.map(tpName).join(', ')}`, e),
        );
      }
    }
    const fresh = assigned.filter((k) => !this.offsets.has(k));
    if (fresh.length > 0 || revoked.length > 0 || !this.assignmentTold) {
      await this.startNewPartitions(driver, fresh);
    }
  }

  private async tellListener(
    event: 'onPartitionsRevoked' | 'onPartitionsAssigned',
    keys: readonly string[],
  ): Promise<OffsetMap> {
    const listener = this.strategy.rebalanceListener;
    const partitions = keys.map(tpOf);
    if (event === 'onPartitionsRevoked') {
      await listener?.onPartitionsRevoked?.(partitions);
      return new Map();
    }
    return offsetMapOf((await listener?.onPartitionsAssigned?.(partitions)) ?? []);
  }

  /**
   * Partitions new to the stream start where the rebalance listener says, else at given offsets,
   * else committed, else auto.offset.reset. When the listener fails they stay unstarted (unread)
   * and the next batch tries again.
   */
  private async startNewPartitions(
    driver: DriverConsumer,
    fresh: readonly string[],
  ): Promise<void> {
    let start: OffsetMap;
    try {
      start = await this.tellListener('onPartitionsAssigned', fresh);
      this.assignmentTold = true;
    } catch (e) {
      log.error(
        `onPartitionsAssigned failed for ${fresh.map(tpName).join(', ')}: they are not read until it succeeds (tried again at the next batch)`,
        e,
      );
      return;
    }
    if (fresh.length === 0) return;
    for (const k of [...start.keys()]) if (!fresh.includes(k)) start.delete(k);
    for (const k of fresh) {
      const given = this.strategy.offsets.get(k);
      if (given !== undefined && !start.has(k)) start.set(k, given);
    }
    const committed = await driver.committedOffsets(fresh.filter((k) => !start.has(k)));
    for (const [k, offset] of committed) start.set(k, offset);
    const reset = await driver.resetOffsets(fresh.filter((k) => !start.has(k)));
    for (const [k, offset] of reset) start.set(k, offset);
    for (const [k, offset] of start) this.offsets.set(k, offset);
    log.info(`Starting ${fresh.map((k) => `${tpName(k)} at ${start.get(k)}`).join(', ')}`);
  }

  private checkNothingRevoked(assigned: readonly string[]): void {
    const now = new Set(assigned);
    const revoked = [...this.offsets.keys()].filter((k) => !now.has(k));
    if (revoked.length === 0) return;
    throw new DStreamError(
      'DSTREAM_ERR_KAFKA_REVOKED',
      `Previously tracked partitions [${revoked.map(tpName).join(', ')}] been revoked by Kafka because of consumer rebalance. This is mostly due to another stream with same group id joined, please check if there're different streaming application misconfigure to use same group id. Fundamentally different stream should use different group id. Give each stream its own group.id (kafkaParams); if another application uses '${this.groupId}', stop it or change one of the two, then restart this one: it resumes from its checkpoint, or from the group's committed offsets`,
    );
  }
}
