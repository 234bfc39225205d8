import type { InputStream } from '../streaming/graph-stream.js';
import type { StreamingContext } from '../streaming/streaming-context.js';
import type { Duration } from '../util/duration.js';
import { DStream } from './dstream.js';

/**
 * A stream with no parent that brings data into the graph. It registers itself with the context
 * when created, gets an input stream id (0, 1, 2...) and a name like Spark's (`Socket stream [0]`).
 */
export abstract class InputDStream<T> extends DStream<T> implements InputStream {
  readonly inputStreamId: number;

  constructor(ssc: StreamingContext) {
    super(ssc);
    this.inputStreamId = ssc.registerInputStream(this);
  }

  /** A display name such as `Queue stream [2]`. */
  get displayName(): string {
    const words = this.constructor.name
      .replace(/InputDStream$/, 'Stream')
      .replace(/([a-z])([A-Z])/g, '$1 $2')
      .toLowerCase();
    return `${words.charAt(0).toUpperCase()}${words.slice(1)} [${this.inputStreamId}]`;
  }

  get slideDuration(): Duration {
    return this.ssc.graph.batchDuration;
  }

  get dependencies(): readonly DStream<unknown>[] {
    return [];
  }

  start(): void | Promise<void> {}

  stop(): void | Promise<void> {}
}
