import { DStreamError, requirement } from '../errors.js';
import type { RDD } from '../rdd/index.js';
import type { Duration } from '../util/duration.js';
import type { Time } from '../util/time.js';
import { DStream } from './dstream.js';
import { checkSameContextAndSlide } from './transformed.js';

/** The union of several streams' RDDs at each time; every parent must have one. */
export class UnionDStream<T> extends DStream<T> {
  constructor(private readonly parents: readonly DStream<T>[]) {
    requirement(
      parents.length > 0,
      'DSTREAM_ERR_EMPTY_STREAM_LIST',
      'List of DStreams to union is empty',
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

  compute(time: Time): RDD<T> | undefined {
    const rdds = this.parents.map((p) => {
      const rdd = p.getOrCompute(time);
      if (!rdd) {
        throw new DStreamError(
          'DSTREAM_ERR_PARENT_RDD_MISSING',
          `Could not generate RDD from a parent for unifying at time ${time}`,
          { batchTime: time },
        );
      }
      return rdd;
    });
    return this.ssc.sparkContext.union(rdds);
  }
}
