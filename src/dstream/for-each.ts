import type { RDD } from '../rdd/index.js';
import type { OutputStream } from '../streaming/graph-stream.js';
import { Job } from '../streaming/job.js';
import type { Duration } from '../util/duration.js';
import type { Time } from '../util/time.js';
import { DStream } from './dstream.js';

/** How listeners and the UI name an output operation (Spark's short and long call site). */
export interface OutputCallSite {
  /** `print at app.ts:12`. */
  readonly name: string;
  /** The user's stack frames where the operation was declared, one per line. */
  readonly description: string;
}

/**
 * An output operation: each batch its parent has an RDD for becomes a job that calls the function
 * with that RDD and the batch time (`foreachRDD`, `print`, `saveAsTextFiles`).
 */
export class ForEachDStream<T> extends DStream<never> implements OutputStream {
  constructor(
    private readonly parent: DStream<T>,
    private readonly f: (rdd: RDD<T>, time: Time) => void | Promise<unknown>,
    readonly callSite: OutputCallSite,
  ) {
    super(parent.ssc);
    parent.ssc.registerOutputStream(this);
  }

  get slideDuration(): Duration {
    return this.parent.slideDuration;
  }

  get dependencies(): readonly DStream<unknown>[] {
    return [this.parent];
  }

  compute(): undefined {
    return undefined;
  }

  generateJob(time: Time): Job | undefined {
    const rdd = this.parent.getOrCompute(time);
    if (!rdd) return undefined;
    return new Job(time, this.callSite.name, this.callSite.description, async () => {
      await this.f(rdd, time);
    });
  }
}
