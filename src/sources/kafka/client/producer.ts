import { clientOptions, ensureReachable, loadKafka } from './load.js';

// A string producer: what the console producer and `dstream orders --kafka` send through.

export interface StringRecord {
  key?: string;
  value: string;
  /** The partition to write to; by default the library's partitioner picks one. */
  partition?: number;
}

export interface StringProducer {
  /** Sends records to `topic` in one request per leader, acknowledged by all in-sync replicas. */
  send(topic: string, records: readonly StringRecord[]): Promise<void>;
  close(): Promise<void>;
}

export async function openProducer(
  bootstrap: string[],
  clientId = 'dstream-producer',
): Promise<StringProducer> {
  await ensureReachable(bootstrap);
  const { Producer, ProduceAcks, stringSerializers } = await loadKafka();
  const producer = new Producer({
    ...clientOptions(bootstrap, clientId),
    serializers: stringSerializers,
    // The library's default is the leader's acknowledgement only; Kafka's Java client waits for all.
    acks: ProduceAcks.ALL,
  });
  return {
    async send(topic, records) {
      if (records.length === 0) return;
      await producer.send({
        messages: records.map(({ key, value, partition }) => ({
          topic,
          value,
          ...(key === undefined ? {} : { key }),
          ...(partition === undefined ? {} : { partition }),
        })),
      });
    },
    close: () => producer.close(),
  };
}
