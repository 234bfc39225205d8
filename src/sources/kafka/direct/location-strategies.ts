import type { TopicPartition } from '../../../rdd/offset-range.js';

/**
 * Where a direct stream's partitions would rather be read, as Spark's `LocationStrategy`: task
 * threads of one process are alike, so every strategy reads the same way here; they exist so that
 * Spark programs port unchanged, and `createRDD` rejects `PreferBrokers` as Spark does.
 */
export type LocationStrategy =
  | {
      /** Spread the partitions evenly over the executors (the usual choice). */
      readonly kind: 'PreferConsistent';
    }
  | {
      /** Read each partition where its leader broker runs. */
      readonly kind: 'PreferBrokers';
    }
  | {
      /** Read the partitions of `hostMap` on the hosts it names, the others consistently. */
      readonly kind: 'PreferFixed';
      /** The host of each partition named. */
      readonly hostMap: ReadonlyMap<TopicPartition, string>;
    };

/** Spark's `LocationStrategies` (kafka-0-10). */
export const LocationStrategies = {
  /** Spread partitions evenly over executors (threads): use it in most cases. */
  PreferConsistent: { kind: 'PreferConsistent' } as LocationStrategy,
  /** Prefer the executor on the partition leader's host (only when they share hosts). */
  PreferBrokers: { kind: 'PreferBrokers' } as LocationStrategy,
  /** An explicit host per partition; the others are placed consistently. */
  PreferFixed(hostMap: ReadonlyMap<TopicPartition, string>): LocationStrategy {
    return { kind: 'PreferFixed', hostMap };
  },
};
