import { DStreamError } from '../errors.js';

/**
 * What a receiver talks to once it runs: its supervisor. Kept as an interface so that the
 * receiver does not depend on how it is supervised.
 */
export interface ReceiverHost<T> {
  pushSingle(item: T): void;
  isBackpressured(): boolean;
  pushBlock(items: T[]): void;
  pushBlockReliably(items: T[]): Promise<void>;
  restartReceiver(message: string, error: unknown, delayMs: number | undefined): void;
  stop(message: string, error: unknown): void;
  reportError(message: string, error: unknown): void;
  isReceiverStarted(): boolean;
  isReceiverStopped(): boolean;
}

/**
 * A custom source of data, as Spark's `Receiver`: implement `onStart()` to open a connection or
 * start polling and hand every record you get to `store`, and `onStop()` to release what
 * `onStart()` opened. Neither may block: both run on the driver's event loop, so receive with
 * events and callbacks, never with a busy loop. Use it with `ssc.receiverStream(new MyReceiver())`.
 *
 * - `store(record)` buffers one record; every `spark.streaming.blockInterval` (200 ms) the buffered
 *   records become one block, and each block is one partition of the batch that takes it
 *   (rate-limited by `spark.streaming.receiver.maxRate` and backpressure).
 * - Over the rate limit, records wait in memory (Spark's `store` would block instead). A receiver
 *   that can stop reading should do so while `isBackpressured()` is true and start again in
 *   `onDrain()`, as the socket receiver pauses its socket: memory then stays bounded.
 * - `store(records)` (an array or an iterator) stores the records as one block at once.
 * - `storeReliably(records)` does too, and returns a promise that resolves once the block is
 *   stored: with `spark.streaming.receiver.writeAheadLog.enable`, once it is in the write-ahead
 *   log, so a crash can no longer lose it (at once without the log, as the block is then in
 *   memory). A reliable receiver acknowledges its source only then (Spark's `store(ArrayBuffer)`,
 *   which blocks until the block is stored); if it rejects, the block was not kept: store it
 *   again or stop. Blocks stored this way are not rate-limited.
 * - `restart(message, error?)` stops the receiver, waits `spark.streaming.receiverRestartDelay`
 *   (2 s) and starts it again: do this when the connection is lost.
 * - `stop(message, error?)` stops it for good; `reportError(message, error)` reports a problem
 *   (to listeners and the log) and goes on receiving.
 *
 * @example
 * ```ts
 * import { Receiver } from 'dstream';
 * class Counter extends Receiver<number> {
 *   private timer?: NodeJS.Timeout;
 *   onStart() {
 *     let n = 0;
 *     this.timer = setInterval(() => this.store(n++), 10);
 *   }
 *   onStop() {
 *     clearInterval(this.timer);
 *   }
 * }
 * ssc.receiverStream(new Counter()).count().print();
 * ```
 */
export abstract class Receiver<T> {
  // ES private fields: subclasses are free to have their own `host` or `id`.
  #host: ReceiverHost<T> | undefined;
  #id = -1;

  /** Starts receiving: open connections, register callbacks that call `store`. Must not block. */
  abstract onStart(): void;

  /**
   * Releases everything `onStart()` opened. Must not block; it may return a promise of work that
   * has to finish before the process may end (a last acknowledgement to the source, leaving a
   * consumer group): the context's `stop()` waits for it.
   */
  abstract onStop(): void | Promise<void>;

  /**
   * Called when the records waiting for the rate limit fall back under the bound after
   * `isBackpressured()` returned true: resume reading here. Does nothing by default.
   */
  onDrain(): void {}

  /** The host this receiver would rather run on (Spark's `preferredLocation`); informational. */
  get preferredLocation(): string | undefined {
    return undefined;
  }

  /**
   * Stores data received. One record is buffered into the current block (a plain push); an
   * array or an iterator of records is stored as one block immediately. When the records are
   * themselves arrays (pairs), store a single one with {@link storeRecord}.
   */
  store(records: readonly T[] | Iterator<T>): void;
  store(record: T): void;
  store(data: T | readonly T[] | Iterator<T>): void {
    const host = this.#host ?? notAttached();
    if (typeof data === 'object' && data !== null) {
      if (Array.isArray(data)) {
        host.pushBlock((data as readonly T[]).slice());
        return;
      }
      if (typeof (data as Partial<Iterator<T>>).next === 'function') {
        const items: T[] = [];
        const it = data as Iterator<T>;
        for (let r = it.next(); r.done !== true; r = it.next()) items.push(r.value);
        host.pushBlock(items);
        return;
      }
    }
    host.pushSingle(data as T);
  }

  /**
   * Stores `records` as one block and resolves once the block is stored: in the write-ahead log
   * when `spark.streaming.receiver.writeAheadLog.enable` is on, so that the receiver may then
   * acknowledge the records to its source (commit a Kafka offset, ack a message) without a crash
   * being able to lose them. Rejects, with the block not kept, when the log cannot write it (after
   * `spark.streaming.receiver.writeAheadLog.maxFailures` attempts) or the receiver has stopped.
   *
   * @example
   * ```ts
   * import { Receiver } from 'dstream';
   * interface Queue {
   *   take(n: number): Promise<{ id: string; records: string[] }>;
   *   ack(id: string): Promise<void>;
   * }
   * class QueueReceiver extends Receiver<string> {
   *   constructor(private readonly source: Queue) {
   *     super();
   *   }
   *   onStart() {
   *     void this.receive();
   *   }
   *   onStop() {}
   *   private async receive() {
   *     while (!this.isStopped()) {
   *       const batch = await this.source.take(100);
   *       await this.storeReliably(batch.records);
   *       await this.source.ack(batch.id); // only now: the records are safe in the log
   *     }
   *   }
   * }
   * ```
   */
  storeReliably(records: readonly T[] | Iterable<T>): Promise<void> {
    const host = this.#host;
    if (host === undefined) return Promise.reject(notAttachedError());
    const items: T[] = Array.isArray(records)
      ? (records as readonly T[]).slice()
      : [...(records as Iterable<T>)];
    return host.pushBlockReliably(items);
  }

  /** Stores exactly one record, whatever it is (an array or a pair included). */
  storeRecord(record: T): void {
    (this.#host ?? notAttached()).pushSingle(record);
  }

  /**
   * Restarts the receiver asynchronously: `onStop()`, a wait of `delayMs` (default
   * `spark.streaming.receiverRestartDelay`, 2000 ms) on the context's clock, then `onStart()`.
   * Calls while a restart is under way are ignored.
   */
  restart(message: string, error?: unknown, delayMs?: number): void {
    (this.#host ?? notAttached()).restartReceiver(message, error, delayMs);
  }

  /** Stops the receiver for good (calls `onStop()`); the stream then brings no more data. */
  stop(message: string, error?: unknown): void {
    (this.#host ?? notAttached()).stop(message, error);
  }

  /** Reports an error to listeners (`onReceiverError`) and the log; receiving goes on. */
  reportError(message: string, error?: unknown): void {
    (this.#host ?? notAttached()).reportError(message, error);
  }

  /**
   * True while the records stored one by one and waiting for the rate limit
   * (`spark.streaming.receiver.maxRate` or backpressure) hold at least one second of the current
   * rate. Stores still succeed, but memory grows: stop reading from the source, and resume in
   * {@link onDrain}. Always false without a rate limit. Cheap enough to ask once per read.
   *
   * @example
   * ```ts
   * import { connect, type Socket } from 'node:net';
   * import { Receiver } from 'dstream';
   * class LineReceiver extends Receiver<string> {
   *   private socket?: Socket;
   *   onStart() {
   *     const socket = (this.socket = connect(9999, 'localhost'));
   *     socket.setEncoding('utf8').on('data', (chunk: string) => {
   *       for (const line of chunk.split('\n')) this.store(line);
   *       if (this.isBackpressured()) socket.pause(); // resumed in onDrain()
   *     });
   *   }
   *   override onDrain() {
   *     this.socket?.resume();
   *   }
   *   onStop() {
   *     this.socket?.destroy();
   *   }
   * }
   * ```
   */
  isBackpressured(): boolean {
    return this.#host?.isBackpressured() ?? false;
  }

  /** True once `onStart()` has been called, until the receiver stops or restarts. */
  isStarted(): boolean {
    return this.#host?.isReceiverStarted() ?? false;
  }

  /** True after `onStop()` was called (also during the delay of a restart). */
  isStopped(): boolean {
    return this.#host?.isReceiverStopped() ?? false;
  }

  /** The id of the input stream this receiver feeds (-1 before it starts). */
  get streamId(): number {
    return this.#id;
  }

  /** @internal Called by the supervisor before `onStart()`. */
  attachHost(host: ReceiverHost<T>, streamId: number): void {
    if (this.#host !== undefined && this.#host !== host && !this.#host.isReceiverStopped()) {
      throw new DStreamError(
        'DSTREAM_ERR_RECEIVER',
        `Receiver ${this.constructor.name} is already running for stream ${this.#id}: create one receiver per stream`,
      );
    }
    this.#host = host;
    this.#id = streamId;
  }
}

function notAttached(): never {
  throw notAttachedError();
}

function notAttachedError(): DStreamError {
  return new DStreamError(
    'DSTREAM_ERR_RECEIVER',
    'assertion failed: A ReceiverSupervisor has not been attached to the receiver yet. Maybe you are starting some computation in the receiver before the Receiver.onStart() has been called.',
  );
}
