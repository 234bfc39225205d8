import { DStreamError, messageOf } from '../../errors.js';
import { BadRecords } from './bad-records.js';
import type { ConsumerRecord } from './consumer-record.js';
import { writeDeadLetters } from './dead-letters.js';
import { deserialize } from './deserializers.js';
import type { KafkaRangeSource } from './range-reader.js';

/** A record as fetched: its position, timestamp and bytes. */
export interface RawRecord {
  readonly offset: number;
  readonly timestamp: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: readonly (readonly [Buffer | null, Buffer | null])[];
}

/**
 * Deserializes the records of a range under the bad-record policy: a record whose key or value
 * its deserializer cannot read fails the read (`fail`), is left out (`skip`), or is written to
 * the dead-letter topic before the read returns (`deadLetter`).
 */
export async function decodeRecords(
  source: KafkaRangeSource,
  raw: readonly RawRecord[],
): Promise<ConsumerRecord<unknown, unknown>[]> {
  const bad = new BadRecords(source, source);
  const records: ConsumerRecord<unknown, unknown>[] = [];
  for (const r of raw) {
    const headers = r.headers.map(([k, v]) => [k?.toString('utf8') ?? '', v] as const);
    let stage: 'key' | 'value' = 'key';
    try {
      const key = deserialize(source.key, r.key);
      stage = 'value';
      const value = deserialize(source.value, r.value);
      records.push({
        topic: source.topic,
        partition: source.partition,
        offset: r.offset,
        timestamp: r.timestamp,
        key,
        value,
        headers,
      });
    } catch (e) {
      // Ours says the read itself is wrong (a deserializer function unknown in this thread).
      if (e instanceof DStreamError) throw e;
      const { topic, partition, groupId } = source;
      bad.found(
        {
          topic,
          partition,
          offset: r.offset,
          key: r.key,
          value: r.value,
          headers,
          stage,
          groupId,
          error: e,
        },
        'DSTREAM_ERR_KAFKA_DESERIALIZE',
        `Cannot deserialize the ${stage} of record ${topic}-${partition}@${r.offset} as ${source[stage]}: ${messageOf(e)}`,
      );
    }
  }
  if (source.deadLetterTopic !== undefined) {
    await writeDeadLetters(source.bootstrap, source.deadLetterTopic, bad.letters);
  }
  bad.report(`not readable as ${source.key} keys and ${source.value} values`);
  return records;
}
