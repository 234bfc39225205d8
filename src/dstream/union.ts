import { requirement } from '../errors.js';
import type { RDD } from '../rdd/index.js';
import type { Duration } from '../util/duration.js';
import type { Time } from '../util/time.js';
import { DStream } from './dstream.js';
import { checkSameContextAndSlide, requireParentRDDs } from './multi-parent-internals.js';

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
    const message = `Could not generate RDD from a parent for unifying at time ${time}`;
    return this.ssc.sparkContext.union(requireParentRDDs(this.parents, time, message));
  }
}
