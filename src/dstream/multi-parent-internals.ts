import { DStreamError, requirement } from '../errors.js';
import type { RDD } from '../rdd/index.js';
import type { Time } from '../util/time.js';
import type { DStream } from './dstream.js';

/** Spark's checks for operations over several streams: one context, one slide. */
export function checkSameContextAndSlide(streams: readonly DStream<unknown>[]): void {
  const first = streams[0]!;
  requirement(
    streams.every((s) => s.ssc === first.ssc),
    'DSTREAM_ERR_DIFFERENT_CONTEXTS',
    'Some of the DStreams have different contexts',
  );
  requirement(
    streams.every((s) => s.slideDuration.equals(first.slideDuration)),
    'DSTREAM_ERR_DIFFERENT_SLIDES',
    'Some of the DStreams have different slide durations',
  );
}

/** Every parent's RDD at `time`; a parent without one fails the batch with `missingMessage`. */
export function requireParentRDDs<T>(
  parents: readonly DStream<T>[],
  time: Time,
  missingMessage: string,
): RDD<T>[] {
  return parents.map((p) => {
    const rdd = p.getOrCompute(time);
    if (!rdd) {
      throw new DStreamError('DSTREAM_ERR_PARENT_RDD_MISSING', missingMessage, { batchTime: time });
    }
    return rdd;
  });
}
