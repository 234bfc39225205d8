// The identity of a batch for a transactional sink: the positions its results were computed from.
// A sink stores them in the same transaction as the results, and the next batch must start where
// they end (Spark's "your own data store" recipe in its Kafka integration guide). Store-agnostic:
// each sink reads and writes the positions its own way and asks `verdictFor` what to do.
import { DStreamError } from '../../errors.js';
import { hasOffsetRanges, OffsetRange, type HasOffsetRanges } from '../../rdd/offset-range.js';
import type { TopicPartition } from '../../rdd/offset-range.js';
import type { Time } from '../../util/time.js';

/**
 * What a user passes as a batch's positions: the offset ranges of the Kafka stream's RDD of the
 * batch (the RDD itself, or its `offsetRanges`), or, for any other source, the batch time.
 */
export type PositionsInput = HasOffsetRanges | readonly OffsetRange[] | Time;

/** A batch's positions, one of the two kinds. */
export type BatchPositions =
  | { readonly kind: 'offsets'; readonly ranges: readonly OffsetRange[] }
  | { readonly kind: 'time'; readonly milliseconds: number };

/** What a sink does with a batch: write it, or skip it because its commit already happened. */
export type Verdict = 'apply' | 'applied';

/**
 * The positions of a batch: `given` when the user passed them, else those of `rdd` when it is a
 * Kafka RDD itself. An RDD derived from a Kafka RDD (a map, a reduceByKey) has no offsets of its
 * own, as in Spark: then the user must pass them.
 */
export function batchPositions(
  rdd: object,
  given: PositionsInput | undefined,
  who: string,
): BatchPositions {
  const input = given ?? (hasOffsetRanges(rdd) ? rdd : undefined);
  if (input === undefined) {
    throw new DStreamError(
      'DSTREAM_ERR_INVALID_ARGUMENT',
      `${who} needs the batch's positions: pass { positions: rdd.offsetRanges } taken from the Kafka stream's RDD of this batch, or { positions: time } (the batch time of foreachRDD) for other sources`,
    );
  }
  if (Array.isArray(input)) return { kind: 'offsets', ranges: checkRanges(input, who) };
  if (hasOffsetRanges(input))
    return { kind: 'offsets', ranges: checkRanges(input.offsetRanges, who) };
  const { milliseconds } = input as Partial<Time>;
  if (typeof milliseconds !== 'number' || !Number.isSafeInteger(milliseconds)) {
    // Typically an RDD derived from the Kafka RDD (a map, a reduceByKey): it has no offsets.
    throw new DStreamError(
      'DSTREAM_ERR_INVALID_ARGUMENT',
      `${who}: positions must be the Kafka stream's RDD of the batch, its offsetRanges, or the batch time; got an object without offset ranges (an RDD derived from the Kafka RDD has none: pass the Kafka RDD itself)`,
    );
  }
  return { kind: 'time', milliseconds };
}

function checkRanges(ranges: readonly OffsetRange[], who: string): readonly OffsetRange[] {
  const seen = new Set<string>();
  for (const r of ranges) {
    if (!(r instanceof OffsetRange)) {
      throw new DStreamError(
        'DSTREAM_ERR_INVALID_ARGUMENT',
        `${who}: positions must be OffsetRanges`,
      );
    }
    const key = positionKey(r);
    if (seen.has(key)) {
      throw new DStreamError(
        'DSTREAM_ERR_INVALID_ARGUMENT',
        `${who}: two offset ranges of ${r.topic}-${r.partition} in one batch`,
      );
    }
    seen.add(key);
  }
  return ranges;
}

/** The key of a topic partition in a map of stored offsets. */
export function positionKey({ topic, partition }: TopicPartition): string {
  return `${topic}\u0000${partition}`;
}

/** One partition whose stored end is neither the batch's start nor (already applied) its end. */
export interface OffsetMismatch {
  /** The topic. */
  readonly topic: string;
  /** The partition. */
  readonly partition: number;
  /** The offset the store holds for it: where its last written batch ended. */
  readonly stored: number;
  /** Where the refused batch starts. */
  readonly fromOffset: number;
  /** Where the refused batch ends (exclusive). */
  readonly untilOffset: number;
}

/** A batch refused because its positions do not follow those the store holds. */
export class OffsetsMismatchError extends DStreamError {
  constructor(
    /** The store that refused it, such as `MySQL`. */
    readonly store: string,
    /** The id of the sink whose positions did not follow. */
    readonly sinkId: string,
    /** Every partition that did not follow. */
    readonly mismatches: readonly OffsetMismatch[],
  ) {
    const list = mismatches
      .map(
        (m) =>
          `${m.topic}-${m.partition} [${m.fromOffset} -> ${m.untilOffset}) but ${m.stored} stored`,
      )
      .join(', ');
    super(
      'DSTREAM_ERR_SINK_OFFSETS_MISMATCH',
      `${store} sink '${sinkId}' refused the batch: its offsets do not start where the stored ones end (${list}); nothing was written. Another writer moved them, or the stream did not start from the sink's offsets: start it with ConsumerStrategies.Assign(partitions, kafkaParams, await sink.storedOffsets(topics)).`,
    );
    this.name = 'OffsetsMismatchError';
  }
}

/**
 * Spark's recipe 3 as a rule. With `stored` the ends the store holds (by {@link positionKey}):
 * - the batch follows when every range starts at its partition's stored end, or its partition has
 *   none stored yet: `apply` (results and new ends in one transaction);
 * - the batch was already applied when every range ends at or before its stored end (a batch run
 *   again after a crash that came after its commit, or a commit whose answer was lost; or an
 *   earlier pending batch of a recovered application, run again after later ones): `applied`;
 * - anything else (a gap, an overlap, another writer): {@link OffsetsMismatchError}.
 * A batch whose ranges are all empty follows (it moves nothing).
 */
export function offsetsVerdict(
  store: string,
  sinkId: string,
  stored: ReadonlyMap<string, number>,
  ranges: readonly OffsetRange[],
): Verdict {
  const storedOf = (r: OffsetRange) => stored.get(positionKey(r));
  if (ranges.every((r) => storedOf(r) === undefined || storedOf(r) === r.fromOffset)) {
    return 'apply';
  }
  // At or behind the stored ends: this batch, or an earlier one that a recovered application runs
  // again among its pending batches after later ones were written (offsets only move forward).
  if (ranges.every((r) => storedOf(r) !== undefined && r.untilOffset <= storedOf(r)!)) {
    return 'applied';
  }
  const mismatches = ranges
    .filter((r) => storedOf(r) !== undefined && storedOf(r) !== r.fromOffset)
    .map((r) => ({
      topic: r.topic,
      partition: r.partition,
      stored: storedOf(r)!,
      fromOffset: r.fromOffset,
      untilOffset: r.untilOffset,
    }));
  throw new OffsetsMismatchError(store, sinkId, mismatches);
}

/**
 * For a source without offsets, batch times: a batch later than the stored time applies; one at or
 * before it was committed already (batches of a context run in time order), and is skipped.
 */
export function timeVerdict(stored: number | undefined, milliseconds: number): Verdict {
  return stored === undefined || milliseconds > stored ? 'apply' : 'applied';
}
