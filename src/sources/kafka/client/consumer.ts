import { clientOptions, ensureReachable, loadKafka } from './load.js';

// A string consumer in a group, as the console consumer reads: from the group's committed offsets,
// else from the start or the end of each partition.

export interface StringMessage {
  topic: string;
  partition: number;
  offset: bigint;
  key: string | undefined;
  value: string;
}

export interface ConsumeOptions {
  topics: string[];
  groupId: string;
  /** Where a partition without a committed offset starts (auto.offset.reset). */
  reset: 'earliest' | 'latest';
  onMessage: (message: StringMessage) => void;
  onError: (error: Error) => void;
}

export interface StringConsumer {
  /** Commits the next offset of every message passed to onMessage so far (never the client's
   * autocommit, which commits what was fetched rather than processed). */
  commit(): Promise<void>;
  close(): Promise<void>;
}

export async function consume(bootstrap: string[], o: ConsumeOptions): Promise<StringConsumer> {
  await ensureReachable(bootstrap);
  const { Consumer, stringDeserializers } = await loadKafka();
  const consumer = new Consumer({
    ...clientOptions(bootstrap, 'dstream-consumer'),
    groupId: o.groupId,
    deserializers: stringDeserializers,
    autocommit: false,
    // Long-poll for at most half a second when caught up, so a stop is quick.
    maxWaitTime: 500,
  });
  const next = new Map<string, { topic: string; partition: number; offset: bigint }>();
  let stream: Awaited<ReturnType<typeof consumer.consume>>;
  try {
    stream = await consumer.consume({
      topics: o.topics,
      mode: 'committed',
      fallbackMode: o.reset,
    });
  } catch (e) {
    await consumer.close(true);
    throw e;
  }
  stream.on('data', (m) => {
    next.set(`${m.topic}\0${m.partition}`, {
      topic: m.topic,
      partition: m.partition,
      offset: m.offset + 1n,
    });
    o.onMessage({
      topic: m.topic,
      partition: m.partition,
      offset: m.offset,
      key: m.key ?? undefined,
      value: m.value ?? '',
    });
  });
  stream.on('error', o.onError);
  return {
    async commit() {
      if (next.size === 0) return;
      // leaderEpoch -1: unknown, the broker does not check it.
      const offsets = [...next.values()].map((p) => ({ ...p, leaderEpoch: -1 }));
      await consumer.commit({ offsets });
    },
    async close() {
      await stream.close();
      await consumer.close();
    },
  };
}
