import type { StreamingContext } from '../../../streaming/streaming-context.js';
import { systemClock } from '../../../util/clock.js';
import { Logger } from '../../../util/logging.js';
import type { RebalanceHooks } from './driver-consumer.js';

const log = new Logger('DirectKafkaInputDStream');

/** The setting that lets processes of one application share a group's partitions. */
export const SCALE_OUT_KEY = 'spark.streaming.kafka.scaleOut';

/**
 * A direct stream's side of a rebalance when several processes share its group's partitions
 * (`spark.streaming.kafka.scaleOut`). Kafka's classic protocol is eager: at a rebalance every
 * member gives up what it owns and joins again, and the group waits for all of them. Before this
 * process joins, every batch whose ranges were fixed has run to its end and the offsets
 * `commitAsync` queued are committed, so a partition's next owner starts exactly where this
 * process's outputs ended; while the rebalance lasts, batches read nothing.
 */
export class ScaleOutMember {
  private rebalancing = false;
  /** Joins the stream sends itself, from inside a batch's preparation (a topic appeared). */
  private ownJoins = 0;

  constructor(
    private readonly ssc: StreamingContext,
    /** Commits what `commitAsync` queued. */
    private readonly commitQueued: () => Promise<void>,
    /** Told once the group has given this process its partitions. */
    private readonly joined: () => void,
  ) {}

  /** True while a rebalance is under way: a batch fixed then reads no partition. */
  get paused(): boolean {
    return this.rebalancing;
  }

  get hooks(): RebalanceHooks {
    return {
      beforeJoin: () => this.beforeJoin(),
      afterJoin: () => {
        this.rebalancing = false;
        this.joined();
      },
    };
  }

  /**
   * Runs `prepare`, a batch's preparation, which may make the consumer join the group itself: that
   * join must not wait for the generation it is part of.
   */
  async preparing<T>(prepare: () => Promise<T>): Promise<T> {
    this.ownJoins++;
    try {
      return await prepare();
    } finally {
      this.ownJoins--;
    }
  }

  private async beforeJoin(): Promise<void> {
    this.rebalancing = true;
    const started = systemClock.now();
    // A batch whose ranges were fixed is submitted when its generation ends, then waited for.
    try {
      if (this.ownJoins === 0) await this.ssc.generator.generationSettled();
      await this.ssc.scheduler.awaitSubmitted();
      await this.commitQueued();
    } catch (e) {
      // Joining anyway keeps the group going; the sinks' offsets refuse a late batch's results.
      log.warn('Finishing the batches in flight before a rebalance failed', e);
    }
    log.info(
      `Rejoining the group after the batches in flight ended (${systemClock.now() - started} ms)`,
    );
  }
}
