import type { WireEvent } from './protocols.js';

/**
 * A Flume event as the Flume streams give it, as Spark's `SparkFlumeEvent` (whose `event` held
 * Flume's `AvroFlumeEvent`): its headers and its body. A plain object, so that it is written to
 * the receiver write-ahead log and read back as it was; the body's text is
 * {@link SparkFlumeEvent.text} (PySpark's default body decoder, UTF-8).
 *
 * `body` comes first: a partition of events then runs its tasks on the driver rather than being
 * cloned to task threads, whose structured clone would turn the Buffer into a plain Uint8Array.
 */
export interface SparkFlumeEvent {
  /** The event's bytes (Flume's `body`). */
  readonly body: Buffer;
  /** Flume's headers: the source's, and those its interceptors added (`timestamp`, `host`...). */
  readonly headers: Readonly<Record<string, string>>;
}

/** Helpers for {@link SparkFlumeEvent}s. */
export const SparkFlumeEvent = {
  /**
   * The body decoded as UTF-8 text (PySpark's `utf8_decoder`, what its Flume streams give).
   *
   * @example
   * ```ts
   * import { FlumeUtils, SparkFlumeEvent } from 'dstream/flume';
   *
   * const lines = FlumeUtils.createStream(ssc, '127.0.0.1', 41414).map(SparkFlumeEvent.text);
   * ```
   */
  text(this: void, event: SparkFlumeEvent): string {
    return event.body.toString('utf8');
  },
};

/** The event of a decoded Avro record (an instance of avsc's record class) as a plain object. */
export function fromWire(e: WireEvent): SparkFlumeEvent {
  return { body: e.body, headers: e.headers };
}
