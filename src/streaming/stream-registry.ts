import type { Duration } from '../util/duration.js';
import type { StreamingConf } from './conf.js';
import type { DStreamGraph } from './dstream-graph.js';
import type { InputStream, OutputStream } from './graph-stream.js';
import type { StreamingListener } from './listener-bus.js';
import { isBackpressureEnabled, RateController } from './rate/rate-controller.js';
import { createRateEstimator } from './rate/rate-estimator.js';

/**
 * The streams a context declares: their ids, the graph they join, and, under backpressure, the
 * rate controller of each input stream that can be limited.
 */
export class StreamRegistry {
  private nextStreamId = 0;
  private nextInputStreamId = 0;

  constructor(
    private readonly graph: DStreamGraph,
    private readonly conf: StreamingConf,
    private readonly batchDuration: Duration,
    private readonly addListener: (listener: StreamingListener) => void,
  ) {}

  newStreamId(): number {
    return this.nextStreamId++;
  }

  /** Adds an input stream to the graph; returns its input stream id. */
  registerInput(stream: InputStream): number {
    // As Spark's input streams make their rate controller when created, a wrong estimator or gain
    // fails the call that declares the stream (and leaves no half-registered stream behind).
    const estimator =
      stream.updateRateLimit && isBackpressureEnabled(this.conf)
        ? createRateEstimator(this.conf, this.batchDuration)
        : undefined;
    this.graph.addInputStream(stream);
    const id = this.nextInputStreamId++;
    if (estimator) {
      this.addListener(new RateController(id, estimator, (rate) => stream.updateRateLimit?.(rate)));
    }
    return id;
  }

  registerOutput(stream: OutputStream): void {
    this.graph.addOutputStream(stream);
  }
}
