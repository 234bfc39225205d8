import { DStreamError } from '../../errors.js';
import { registerPartitionReader, type PartitionSource } from '../../rdd/index.js';
import { systemClock } from '../../util/clock.js';
import { clientOptions, loadKafka } from './client/load.js';
import type { BadRecordPolicy } from './bad-records.js';
import type { ConsumerRecord } from './consumer-record.js';
import { decodeRecords, type RawRecord } from './decode-records.js';
import type { DeserializerName } from './deserializers.js';
import { retryWhileUnreachable } from './direct/retry.js';
import { fetchFailed, fetchThrew } from './fetch-errors.js';

/**
 * One offset range of a Kafka partition, as data: whichever thread runs the task fetches it from
 * the broker itself (Spark's KafkaRDD partition, read on its executor), so records never cross
 * from the driver's heap into a task thread.
 */
export interface KafkaRangeSource extends PartitionSource {
  readonly kind: 'kafkaRange';
  readonly bootstrap: readonly string[];
  /** The group the stream consumes for (Spark reads with `spark-executor-<group.id>`). */
  readonly groupId: string;
  readonly topic: string;
  readonly partition: number;
  readonly fromOffset: number;
  readonly untilOffset: number;
  readonly key: DeserializerName;
  readonly value: DeserializerName;
  /** `spark.streaming.kafka.consumer.poll.ms`: how long to wait for records the range must hold. */
  readonly pollTimeoutMs: number;
  /** `spark.streaming.kafka.badRecords`: what to do with a record that cannot be deserialized. */
  readonly badRecords: BadRecordPolicy;
  readonly deadLetterTopic?: string;
}

/** Bytes asked of the broker per fetch (the broker may return a larger first batch). */
const FETCH_MAX_BYTES = 8 << 20;

/**
 * Fetches the records of `source`'s range, in offset order, and deserializes them under the
 * bad-record policy. A broker that goes away meanwhile (a restart) is waited for, up to the poll
 * timeout: the range is fetched again from its start.
 */
export async function readOffsetRange(
  source: KafkaRangeSource,
): Promise<ConsumerRecord<unknown, unknown>[]> {
  const { topic, partition, fromOffset, untilOffset } = source;
  if (fromOffset > untilOffset) {
    throw new DStreamError(
      'DSTREAM_ERR_KAFKA_OFFSETS',
      `Beginning offset ${fromOffset} is after the ending offset ${untilOffset} for topic ${topic} partition ${partition}. You either provided an invalid fromOffset, or the Kafka topic has been damaged`,
    );
  }
  if (fromOffset === untilOffset) return [];
  const raw = await retryWhileUnreachable(
    source,
    `the records of ${topic}-${partition} from ${fromOffset} to ${untilOffset}`,
    () => fetchRange(source),
  );
  return decodeRecords(source, raw);
}

/** Fetches the records of `source`'s range as bytes, in offset order. */
async function fetchRange(source: KafkaRangeSource): Promise<RawRecord[]> {
  const { topic, partition, fromOffset, untilOffset } = source;
  const { Consumer } = await loadKafka();
  // A consumer per read: it joins no group (fetch only), and one kept open would keep the process
  // alive after the application ends.
  const consumer = new Consumer({
    ...clientOptions([...source.bootstrap], `dstream-executor-${source.groupId}`),
    groupId: `spark-executor-${source.groupId}`,
  });
  try {
    const metadata = await consumer.metadata({ topics: [topic] });
    const t = metadata.topics.get(topic);
    const leader = t?.partitions[partition]?.leader;
    if (t === undefined || leader === undefined) {
      throw new DStreamError(
        'DSTREAM_ERR_KAFKA_TOPIC',
        `Topic '${topic}' has no partition ${partition} at ${source.bootstrap.join(',')}`,
      );
    }
    // Spark polls until its timeout for records that are not there; the end of the partition says
    // at once that they never will be.
    const ends = await consumer.listOffsets({
      topics: [topic],
      partitions: { [topic]: [partition] },
    });
    const end = ends.get(topic)?.[partition];
    if (end !== undefined && end < BigInt(untilOffset)) throw missing(source, end, end);
    const records: RawRecord[] = [];
    const until = BigInt(untilOffset);
    let next = BigInt(fromOffset);
    // A network wait, in real time whatever clock drives the batches.
    const deadline = systemClock.now() + source.pollTimeoutMs;
    while (next < until) {
      const at = next;
      const response = await consumer
        .fetch({
          node: leader,
          topics: [
            {
              topicId: t.id,
              partitions: [
                {
                  partition,
                  fetchOffset: next,
                  partitionMaxBytes: FETCH_MAX_BYTES,
                  currentLeaderEpoch: -1,
                  lastFetchedEpoch: -1,
                },
              ],
            },
          ],
          maxWaitTime: 100,
          minBytes: 1,
          maxBytes: FETCH_MAX_BYTES,
        })
        .catch((e: unknown) => {
          throw fetchThrew(source, e, at);
        });
      // No entry for the partition: nothing arrived within the fetch's wait.
      const part = response.responses[0]?.partitions[0];
      if (part && part.errorCode !== 0) throw fetchFailed(source, part.errorCode, next);
      const before = next;
      for (const batch of part?.records ?? []) {
        for (const r of batch.records) {
          const offset = batch.firstOffset + BigInt(r.offsetDelta);
          // A fetch returns whole record batches: skip what lies before the range or past it.
          if (offset < next || offset >= until) continue;
          if (offset !== next) {
            throw new DStreamError(
              'DSTREAM_ERR_KAFKA_OFFSETS',
              `Got wrong record for spark-executor-${source.groupId} ${topic}-${partition} even after seeking to offset ${next} got offset ${offset} instead. If this is a compacted topic, consider enabling spark.streaming.kafka.allowNonConsecutiveOffsets`,
            );
          }
          records.push({
            offset: Number(offset),
            timestamp: Number(batch.firstTimestamp + r.timestampDelta),
            key: r.key,
            value: r.value,
            headers: r.headers,
          });
          next = offset + 1n;
        }
      }
      if (next === before && systemClock.now() > deadline) {
        throw missing(source, next, part?.highWatermark);
      }
    }
    return records;
  } finally {
    await consumer.close(true);
  }
}

function missing(source: KafkaRangeSource, at: bigint, end: bigint | undefined): DStreamError {
  const { topic, partition } = source;
  return new DStreamError(
    'DSTREAM_ERR_KAFKA_OFFSETS',
    `Failed to get records for spark-executor-${source.groupId} ${topic}-${partition} ${at} after polling for ${source.pollTimeoutMs} (the partition ends at offset ${end ?? 'unknown'}, the range at ${source.untilOffset}): the range asks for records the topic does not hold (offsets of another topic, or a partition recreated)`,
  );
}

registerPartitionReader<KafkaRangeSource, ConsumerRecord<unknown, unknown>>({
  kind: 'kafkaRange',
  read: readOffsetRange,
});
