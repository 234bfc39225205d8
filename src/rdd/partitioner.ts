import { DStreamError } from '../errors.js';
import { partitionOf } from '../util/keys.js';

/** Decides which partition a key belongs to. */
export interface Partitioner {
  readonly numPartitions: number;
  getPartition(key: unknown): number;
  equals(other: Partitioner | undefined): boolean;
}

/**
 * Places a key by its hash modulo the partition count, as Spark's `HashPartitioner` (strings and
 * 32-bit integers land in the same partition as they would in Spark).
 */
export class HashPartitioner implements Partitioner {
  constructor(readonly numPartitions: number) {
    checkPartitionCount(numPartitions);
  }

  getPartition(key: unknown): number {
    return this.numPartitions === 1 ? 0 : partitionOf(key, this.numPartitions);
  }

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
