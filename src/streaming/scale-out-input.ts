import type { OffsetRange } from '../rdd/offset-range.js';
import type { Time } from '../util/time.js';
import type { GraphStream } from './graph-stream.js';

// What a stateful operator needs of an input stream whose partitions move between the processes
// of a consumer group (the Kafka direct stream with spark.streaming.kafka.scaleOut): which input
// partitions a batch read, and a changelog to keep its state where another process can rebuild it.
// Internal: the state operators find it by walking their ancestry, without importing Kafka code.

/** One change of a state, as bytes: the key encoded, the record's value (see scale-out-state). */
export interface ChangelogRecord {
  readonly key: Buffer;
  readonly value: Buffer;
}

/** A compacted topic with one partition per input partition. */
export interface StateChangelog {
  readonly topic: string;
  /** Appends records to partition `partition`; resolves once the broker acknowledged them. */
  append(partition: number, records: readonly ChangelogRecord[]): Promise<void>;
  /** Every record partition `partition` holds now, oldest first. */
  readAll(partition: number): Promise<ChangelogRecord[]>;
}

/** An input stream whose owned partitions change between batches. */
export interface ScaleOutInput extends GraphStream {
  /** True when its partitions move between processes (checked by `isScaleOutInput`). */
  readonly scaleOutInput: boolean;
  /** The ranges batch `time` reads: one per input partition this process owned then. */
  scaleOutRanges(time: Time): readonly OffsetRange[];
  /**
   * The changelog topic `name`, created compacted with one partition per partition of the input
   * topic if missing; fails when the input is not one topic of `numPartitions` partitions.
   */
  openStateChangelog(name: string, numPartitions: number): Promise<StateChangelog>;
}

export function isScaleOutInput(stream: GraphStream): stream is ScaleOutInput {
  return (stream as Partial<ScaleOutInput>).scaleOutInput === true;
}

/** The scale-out inputs among `stream`'s ancestors. */
export function scaleOutInputsOf(stream: GraphStream): ScaleOutInput[] {
  const found = new Set<ScaleOutInput>();
  const seen = new Set<GraphStream>();
  const walk = (s: GraphStream): void => {
    if (seen.has(s)) return;
    seen.add(s);
    if (isScaleOutInput(s)) found.add(s);
    for (const p of s.dependencies) walk(p);
  };
  walk(stream);
  return [...found];
}
