import { Logger } from '../util/logging.js';
import type { TaskThreadInfo } from '../rdd/index.js';
import type { Time } from '../util/time.js';
import type { BatchInfo, OutputOperationInfo } from './batch-info.js';
import type { StateOperatorInfo } from './engine-info.js';

/** A receiver as listeners see it, as Spark's `ReceiverInfo` (frozen). */
export interface ReceiverInfo {
  /** The id of the receiver's input stream. */
  readonly streamId: number;
  /** The receiver's name (its class name, such as `SocketReceiver`). */
  readonly name: string;
  /** Whether it is receiving. */
  readonly active: boolean;
  /** The host the receiver runs on. */
  readonly location: string;
  /** Receivers run on the driver's event loop: always `driver`, as Spark's local mode says. */
  readonly executorId: string;
  /** The message of the last error it reported (`''` when none). */
  readonly lastErrorMessage: string;
  /** The stack of the last error it reported (`''` when none). */
  readonly lastError: string;
  /** When it reported the last error, in ms of the context's clock (-1 when none). */
  readonly lastErrorTime: number;
}

/**
 * Receives the life of a streaming application, as Spark's `StreamingListener`: every method is
 * optional. Events arrive asynchronously, in order: per batch Submitted → Started →
 * (OutputOperationStarted → OutputOperationCompleted)* → Completed. The web UI and metrics are
 * built on these events only. Since they arrive later, each event carries a frozen snapshot, as
 * Spark's immutable case classes: its `BatchInfo` or `OutputOperationInfo` says what was true when
 * the event was posted, and never changes (a listener may keep it).
 */
export interface StreamingListener {
  /** The context started, at `time` (ms of the context's clock). */
  onStreamingStarted?(event: { readonly time: number }): void;
  /** A receiver started. */
  onReceiverStarted?(event: { readonly receiverInfo: ReceiverInfo }): void;
  /** A receiver reported an error (`reportError`, or a restart); it goes on. */
  onReceiverError?(event: { readonly receiverInfo: ReceiverInfo }): void;
  /** A receiver stopped, for good or to restart. */
  onReceiverStopped?(event: { readonly receiverInfo: ReceiverInfo }): void;
  /** A batch's jobs were generated and queued. */
  onBatchSubmitted?(event: { readonly batchInfo: BatchInfo }): void;
  /** A batch's first job started. */
  onBatchStarted?(event: { readonly batchInfo: BatchInfo }): void;
  /** A batch's jobs all ended (some may have failed: see its output operations). */
  onBatchCompleted?(event: { readonly batchInfo: BatchInfo }): void;
  /** An output operation of a batch started. */
  onOutputOperationStarted?(event: { readonly outputOperationInfo: OutputOperationInfo }): void;
  /** An output operation of a batch ended; `failureReason` says why when it failed. */
  onOutputOperationCompleted?(event: { readonly outputOperationInfo: OutputOperationInfo }): void;
  /**
   * dstream beyond Spark: the size of every `updateStateByKey` and `mapWithState` state, at the
   * end of each batch (just before its `onBatchCompleted`), as the web UI shows it.
   */
  onStateUpdated?(event: {
    readonly batchTime: Time;
    readonly operators: readonly StateOperatorInfo[];
  }): void;
  /**
   * dstream beyond Spark: the threads that run tasks (the driver, and the task threads of
   * `local[N]`) with the tasks each ran and failed so far, at the end of each batch (just before
   * its `onBatchCompleted`).
   */
  onTaskThreadsUpdated?(event: {
    readonly batchTime: Time;
    readonly threads: readonly TaskThreadInfo[];
  }): void;
}

export type StreamingListenerEvent = {
  [M in keyof StreamingListener]-?: {
    type: M;
    event: Parameters<NonNullable<StreamingListener[M]>>[0];
  };
}[keyof StreamingListener];

const log = new Logger('StreamingListenerBus');

/**
 * Delivers events to listeners off the scheduler's path (on a later turn of the event loop), in
 * the order they were posted; every listener gets the same frozen event. A listener that throws is
 * logged and keeps receiving events.
 */
export class StreamingListenerBus {
  /**
   * Replaced, never changed in place (copy on write, as Spark's listener list): a listener that
   * removes itself (or another) from a callback must not make the loop delivering that event skip
   * the next listener.
   */
  private listeners: readonly StreamingListener[] = [];
  private queue: StreamingListenerEvent[] = [];
  private scheduled = false;
  private delivering = false;

  addListener(listener: StreamingListener): void {
    this.listeners = [...this.listeners, listener];
  }

  removeListener(listener: StreamingListener): void {
    const i = this.listeners.indexOf(listener);
    if (i >= 0) this.listeners = this.listeners.toSpliced(i, 1);
  }

  /** Whether anyone listens (events nobody hears are not worth computing). */
  get hasListeners(): boolean {
    return this.listeners.length > 0;
  }

  /** True while a listener callback runs (stopping the context from there is refused). */
  get isDelivering(): boolean {
    return this.delivering;
  }

  post(e: StreamingListenerEvent): void {
    if (this.listeners.length === 0) return;
    Object.freeze(e.event);
    this.queue.push(e);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.drain());
    }
  }

  /** Delivers everything posted so far. */
  drain(): void {
    this.scheduled = false;
    const events = this.queue;
    this.queue = [];
    this.delivering = true;
    try {
      for (const e of events) {
        for (const l of this.listeners) {
          try {
            (l as Record<string, ((ev: unknown) => void) | undefined>)[e.type]?.(e.event);
          } catch (err) {
            log.warn(`Listener ${l.constructor.name} threw an exception`, err);
          }
        }
      }
    } finally {
      this.delivering = false;
    }
  }
}
