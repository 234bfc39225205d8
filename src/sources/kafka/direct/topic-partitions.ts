import type { TopicPartition } from '../../../rdd/offset-range.js';

// Offsets per topic partition, keyed by a string so that a Map compares partitions by value.

/** The key of a topic partition in an {@link OffsetMap}. */
export function tpKey(topic: string, partition: number): string {
  return `${topic}\0${partition}`;
}

/** The topic partition of a key made by {@link tpKey}. */
export function tpOf(key: string): TopicPartition {
  const at = key.lastIndexOf('\0');
  return { topic: key.slice(0, at), partition: Number(key.slice(at + 1)) };
}

/** `topic-partition`, as Kafka writes a TopicPartition. */
export function tpName(key: string): string {
  return key.replace('\0', '-');
}

/** An offset per topic partition (keys made by {@link tpKey}). */
export type OffsetMap = Map<string, number>;

/** The offsets given as pairs (a `Map<TopicPartition, number>` is such pairs) as an OffsetMap. */
export function offsetMapOf(pairs: Iterable<readonly [TopicPartition, number]> = []): OffsetMap {
  const map: OffsetMap = new Map();
  for (const [tp, offset] of pairs) map.set(tpKey(tp.topic, tp.partition), offset);
  return map;
}

/** Partitions grouped by topic, as Kafka's requests take them. */
export function byTopic(keys: Iterable<string>): Map<string, number[]> {
  const topics = new Map<string, number[]>();
  for (const key of keys) {
    const { topic, partition } = tpOf(key);
    let list = topics.get(topic);
    if (!list) topics.set(topic, (list = []));
    list.push(partition);
  }
  return topics;
}
