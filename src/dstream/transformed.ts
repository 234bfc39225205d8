import { DStreamError, requirement } from '../errors.js';
import type { RDD } from '../rdd/index.js';
import type { Duration } from '../util/duration.js';
import type { Time } from '../util/time.js';
import { DStream } from './dstream.js';
import { checkSameContextAndSlide, requireParentRDDs } from './multi-parent-internals.js';

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
    const rdds = requireParentRDDs(
      this.parents,
      time,
      `Couldn't generate RDD from parent at time ${time}`,
    );
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
