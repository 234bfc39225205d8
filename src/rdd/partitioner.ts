import { DStreamError } from '../errors.js';
import { partitionOf } from '../util/keys.js';

/** Decides which partition a key belongs to. */
export interface Partitioner {
  /** How many partitions keys are placed into. */
  readonly numPartitions: number;
  /**
   * The partition of `key`, from 0 to `numPartitions - 1`; equal keys (by value) always get the same one.
   */
  getPartition(key: unknown): number;
  /**
   * Whether `other` places every key where this one does: then a shuffle between them can be skipped, as Spark does.
   */
  equals(other: Partitioner | undefined): boolean;
}

/**
 * Places a key by its hash modulo the partition count, as Spark's `HashPartitioner` (strings and
 * 32-bit integers land in the same partition as they would in Spark).
 */
export class HashPartitioner implements Partitioner {
  /**
   * A partitioner into `numPartitions` partitions.
   * @param numPartitions How many partitions keys are placed into (at least 1).
   */
  constructor(readonly numPartitions: number) {
    checkPartitionCount(numPartitions);
  }

  /** The partition of `key`: its hash modulo `numPartitions`, as Spark's `HashPartitioner`. */
  getPartition(key: unknown): number {
    return this.numPartitions === 1 ? 0 : partitionOf(key, this.numPartitions);
  }

  /** Whether `other` is a `HashPartitioner` with as many partitions. */
  equals(other: Partitioner | undefined): boolean {
    return other instanceof HashPartitioner && other.numPartitions === this.numPartitions;
  }
}

export function checkPartitionCount(n: number): void {
  if (!Number.isInteger(n) || n < 1) {
    throw new DStreamError(
      'DSTREAM_ERR_INVALID_ARGUMENT',
      `requirement failed: Number of partitions (${n}) must be positive.`,
    );
  }
}
