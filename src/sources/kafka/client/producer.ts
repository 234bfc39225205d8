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

/** Bytes of records per produce request (UTF-16 lengths × 3 bound their UTF-8 size). */
const REQUEST_BYTES = 512 << 10;
const RECORD_OVERHEAD = 24;

export async function openProducer(
  bootstrap: string[],
  clientId = 'dstream-producer',
): Promise<StringProducer> {
  await ensureReachable(bootstrap);
  const { Producer, ProduceAcks, stringSerializers, compatibilityPartitioner } = await loadKafka();
  let roundRobin = 0;
  const producer = new Producer({
    ...clientOptions(bootstrap, clientId),
    serializers: stringSerializers,
    // The library's default is the leader's acknowledgement only; Kafka's Java client waits for all.
    acks: ProduceAcks.ALL,
    // As Kafka's Java client since 3.0: a batch retried after a lost answer (a topic just created
    // has no leader for a moment) is not written twice.
    idempotent: true,
    // A keyed record goes where Kafka's Java producer (and console producer) sends it, which a
    // state kept per partition (KafkaPartitioner) relies on: the library's own default hashes the
    // same way but reads the hash unsigned, and places keys whose hash is negative elsewhere
    // whenever the partition count is not a power of two. Records without a key take turns, as
    // the library's default does (it reduces the number modulo the partition count).
    partitioner: (message, key) =>
      Buffer.isBuffer(key) ? compatibilityPartitioner(message, key) : roundRobin++ & 0x7fffffff,
  });
  return {
    async send(topic, records) {
      // The library sends a call's records in one request per leader, and the broker refuses a
      // batch over message.max.bytes (1 MiB): requests of at most about half of it.
      let from = 0;
      while (from < records.length) {
        let bytes = 0;
        let to = from;
        while (to < records.length && (to === from || bytes < REQUEST_BYTES)) {
          const r = records[to++]!;
          bytes += r.value.length * 3 + (r.key?.length ?? 0) * 3 + RECORD_OVERHEAD;
        }
        await producer.send({
          messages: records.slice(from, to).map(({ key, value, partition }) => ({
            topic,
            value,
            ...(key === undefined ? {} : { key }),
            ...(partition === undefined ? {} : { partition }),
          })),
        });
        from = to;
      }
    },
    close: () => producer.close(),
  };
}
