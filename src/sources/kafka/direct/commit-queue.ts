import type { OffsetRange, TopicPartition } from '../../../rdd/offset-range.js';
import { tpKey, tpOf, type OffsetMap } from './topic-partitions.js';

/** An offset committed for a partition: the next offset the group will read. */
export interface CommittedOffset extends TopicPartition {
  /** The offset committed: the next record the group reads from the partition. */
  readonly offset: number;
}

/**
 * Told how a commit queued by `commitAsync` went, as Kafka's `OffsetCommitCallback`: the offsets
 * committed, and the error when the commit failed.
 */
export type OffsetCommitCallback = (
  offsets: readonly CommittedOffset[],
  error: Error | undefined,
) => void;

/**
 * Offsets queued by `commitAsync` until the next batch commits them, as Spark's direct stream
 * does: per partition the largest `untilOffset` queued, and only the latest callback.
 */
export class CommitQueue {
  private queued: OffsetMap = new Map();
  private callback: OffsetCommitCallback | undefined;

  add(ranges: readonly OffsetRange[], callback?: OffsetCommitCallback): void {
    for (const r of ranges) {
      const key = tpKey(r.topic, r.partition);
      this.queued.set(key, Math.max(this.queued.get(key) ?? r.untilOffset, r.untilOffset));
    }
    if (callback) this.callback = callback;
  }

  /**
   * Queues again offsets whose commit failed (a broker away), unless something larger was queued
   * since: the next batch commits them, so a commit is never lost to an outage.
   */
  restore(offsets: OffsetMap): void {
    for (const [key, offset] of offsets) {
      this.queued.set(key, Math.max(this.queued.get(key) ?? offset, offset));
    }
  }

  /** Everything queued so far, and the callback to tell; the queue starts empty again. */
  take(): { offsets: OffsetMap; callback: OffsetCommitCallback | undefined } | undefined {
    if (this.queued.size === 0) return undefined;
    const taken = { offsets: this.queued, callback: this.callback };
    this.queued = new Map();
    this.callback = undefined;
    return taken;
  }
}

/** The committed offsets as the callback sees them. */
export function committedList(offsets: OffsetMap): CommittedOffset[] {
  return [...offsets].map(([key, offset]) => ({ ...tpOf(key), offset }));
}
