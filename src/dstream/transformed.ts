import { DStreamError, requirement } from '../errors.js';
import type { RDD } from '../rdd/index.js';
import type { Duration } from '../util/duration.js';
import type { Time } from '../util/time.js';
import { DStream } from './dstream.js';

/**
 * A stream computed on the driver each batch by a function of its parents' RDDs and the batch time
 * (`transform`, `transformWith`, `ssc.transform`, and the joins and cogroup built on them). Every
 * parent must have an RDD for the time, and the function must return one.
 */
export class TransformedDStream<U> extends DStream<U> {
  constructor(
    private readonly parents: readonly DStream<unknown>[],
    private readonly f: (rdds: RDD<unknown>[], time: Time) => RDD<U> | null | undefined,
  ) {
    requirement(
      parents.length > 0,
      'DSTREAM_ERR_EMPTY_STREAM_LIST',
      'List of DStreams to transform is empty',
    );
    super(parents[0]!.ssc);
    checkSameContextAndSlide(parents);
  }

  get slideDuration(): Duration {
    return this.parents[0]!.slideDuration;
  }

  get dependencies(): readonly DStream<unknown>[] {
    return this.parents;
  }

  compute(time: Time): RDD<U> | undefined {
    const rdds = this.parents.map((p) => {
      const rdd = p.getOrCompute(time);
      if (!rdd) {
        throw new DStreamError(
          'DSTREAM_ERR_PARENT_RDD_MISSING',
          `Couldn't generate RDD from parent at time ${time}`,
          { batchTime: time },
        );
      }
      return rdd;
    });
    const out = this.f(rdds, time);
    if (out === null || out === undefined) {
      throw new DStreamError(
        'DSTREAM_ERR_TRANSFORM_RETURNED_NULL',
        'Transform function must not return null. Return sparkContext.emptyRDD() instead to represent no element as the result of transformation.',
        { batchTime: time },
      );
    }
    return out;
  }
}

/** Spark's checks for operations over several streams. */
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
