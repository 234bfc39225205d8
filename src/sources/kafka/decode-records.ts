import { DStreamError, messageOf } from '../../errors.js';
import { BadRecords } from './bad-records.js';
import type { ConsumerRecord } from './consumer-record.js';
import { writeDeadLetters } from './dead-letters.js';
import { deserializerFor } from './deserializers.js';
import type { KafkaRangeSource } from './range-reader.js';

type RawHeaders = readonly (readonly [Buffer | null, Buffer | null])[];

/** The headers of every record without any: one frozen array, not one per record. */
const NO_HEADERS: readonly (readonly [string, Buffer | null])[] = Object.freeze([]);

/**
 * Deserializes the records of a range as they are fetched, under the bad-record policy: a record
 * whose key or value its deserializer cannot read fails the read (`fail`), is left out (`skip`),
 * or is written to the dead-letter topic before the read returns (`deadLetter`). Records become
 * `ConsumerRecord`s straight from the fetch, with no copy in between: this runs once per record.
 */
export class RecordDecoder {
  readonly records: ConsumerRecord<unknown, unknown>[] = [];
  private readonly bad: BadRecords;
  private readonly keyOf: (bytes: Buffer | null) => unknown;
  private readonly valueOf: (bytes: Buffer | null) => unknown;

  constructor(private readonly source: KafkaRangeSource) {
    this.bad = new BadRecords(source, source);
    this.keyOf = deserializerFor(source.key);
    this.valueOf = deserializerFor(source.value);
  }

  add(
    offset: number,
    timestamp: number,
    keyBytes: Buffer | null,
    valueBytes: Buffer | null,
    rawHeaders: RawHeaders,
  ): void {
    const { topic, partition } = this.source;
    const headers =
      rawHeaders.length === 0
        ? NO_HEADERS
        : rawHeaders.map(([k, v]) => [k?.toString('utf8') ?? '', v] as const);
    let stage: 'key' | 'value' = 'key';
    try {
      const key = this.keyOf(keyBytes);
      stage = 'value';
      const value = this.valueOf(valueBytes);
      this.records.push({ topic, partition, offset, timestamp, key, value, headers });
    } catch (e) {
      // Ours says the read itself is wrong (a deserializer function unknown in this thread).
      if (e instanceof DStreamError) throw e;
      const { groupId } = this.source;
      this.bad.found(
        {
          topic,
          partition,
          offset,
          key: keyBytes,
          value: valueBytes,
          headers,
          stage,
          groupId,
          error: e,
        },
        'DSTREAM_ERR_KAFKA_DESERIALIZE',
        `Cannot deserialize the ${stage} of record ${topic}-${partition}@${offset} as ${this.source[stage]}: ${messageOf(e)}`,
      );
    }
  }

  /** Writes the dead letters, reports what was left out, and gives the records. */
  async finish(): Promise<ConsumerRecord<unknown, unknown>[]> {
    const { source, bad } = this;
    if (source.deadLetterTopic !== undefined) {
      await writeDeadLetters(source.bootstrap, source.deadLetterTopic, bad.letters);
    }
    bad.report(`not readable as ${source.key} keys and ${source.value} values`);
    return this.records;
  }
}
