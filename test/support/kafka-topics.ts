// Topics, records and committed offsets for the Kafka tests, on the broker of the run.
import { randomUUID } from 'node:crypto';
import { Admin } from '@platformatic/kafka';
import { createTopic } from '../../src/sources/kafka/client/admin.js';
import { openProducer } from '../../src/sources/kafka/client/producer.js';
import { bootstrap } from './kafka-broker.js';

/** A new topic of `partitions` partitions, named `<prefix>-<random>`. */
export function newTopic(prefix: string, partitions: number): Promise<string> {
  return topicNamed(`${prefix}-${randomUUID().slice(0, 8)}`, partitions);
}

/** A new topic of `partitions` partitions named `name`. */
export async function topicNamed(name: string, partitions: number): Promise<string> {
  await createTopic([bootstrap()], name, partitions);
  return name;
}

/** Writes `values` to one partition of `topic`, in order. */
export async function produce(topic: string, partition: number, values: readonly string[]) {
  const producer = await openProducer([bootstrap()]);
  try {
    await producer.send(
      topic,
      values.map((value) => ({ value, partition })),
    );
  } finally {
    await producer.close();
  }
}

/** `count` values `<partition>:<i>` for i from `from`: where each record came from is plain. */
export function numbered(partition: number, from: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${partition}:${from + i}`);
}

async function withAdmin<T>(work: (admin: Admin) => Promise<T>, servers = bootstrap()): Promise<T> {
  const admin = new Admin({ clientId: 'test-admin', bootstrapBrokers: [servers] });
  try {
    return await work(admin);
  } finally {
    await admin.close();
  }
}

/** The committed offset of each partition of `topic` for `group` (-1: none). */
export function committedOffsets(
  group: string,
  topic: string,
  partitions: number,
  servers = bootstrap(),
) {
  return withAdmin(async (admin) => {
    const [found] = await admin.listConsumerGroupOffsets({
      groups: [
        {
          groupId: group,
          topics: [
            { name: topic, partitionIndexes: Array.from({ length: partitions }, (_, i) => i) },
          ],
        },
      ],
    });
    const offsets = Array.from({ length: partitions }, () => -1);
    for (const t of found?.topics ?? []) {
      for (const p of t.partitions) offsets[p.partitionIndex] = Number(p.committedOffset);
    }
    return offsets;
  }, servers);
}

/** The end of each partition of `topic` (the offset its next record will get). */
export function latestOffsets(topic: string, partitions: number, servers = bootstrap()) {
  return withAdmin(async (admin) => {
    const [found] = await admin.listOffsets({
      topics: [
        {
          name: topic,
          partitions: Array.from({ length: partitions }, (_, i) => ({
            partitionIndex: i,
            timestamp: -1n,
          })),
        },
      ],
    });
    const offsets = Array.from({ length: partitions }, () => -1);
    for (const p of found?.partitions ?? []) offsets[p.partitionIndex] = Number(p.offset);
    return offsets;
  }, servers);
}

/** Grows `topic` to `count` partitions. */
export function addPartitions(topic: string, count: number) {
  return withAdmin((admin) => admin.createPartitions({ topics: [{ name: topic, count }] }));
}

/** A group id no other test uses. */
export function newGroup(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}
