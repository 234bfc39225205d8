import { InputDStream } from '../../dstream/input.js';
import type { RDD } from '../../rdd/index.js';
import type { StreamingContext } from '../../streaming/streaming-context.js';
import { Logger } from '../../util/logging.js';

const log = new Logger('QueueInputDStream');

/**
 * Each batch takes the next RDD of a queue (or, with `oneAtATime = false`, all queued RDDs as one),
 * else the default RDD. Handy to test an application; its data is not recoverable from a
 * checkpoint.
 */
export class QueueInputDStream<T> extends InputDStream<T> {
  constructor(
    ssc: StreamingContext,
    private readonly queue: RDD<T>[],
    private readonly oneAtATime: boolean,
    private readonly defaultRDD: RDD<T> | null,
  ) {
    super(ssc);
  }

  override start(): void {
    if (this.ssc.checkpointDir) {
      log.warn("queueStream doesn't support checkpointing: its data is lost on recovery");
    }
  }

  compute(): RDD<T> | undefined {
    const sc = this.ssc.sparkContext;
    if (this.queue.length > 0) {
      if (this.oneAtATime) return this.queue.shift();
      return sc.union(this.queue.splice(0));
    }
    return this.defaultRDD ?? sc.emptyRDD<T>();
  }
}
