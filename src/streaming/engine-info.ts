// What the engine tells listeners beyond Spark's events (docs/architecture.md, "The web UI"): the
// size of each stateful operator's state and the tasks each thread ran, posted at every batch's
// end just before its `onBatchCompleted`, so that the UI learns them from events as it learns
// everything else.
import type { TaskRunner, TaskThreadInfo } from '../rdd/index.js';
import { Logger } from '../util/logging.js';
import type { Time } from '../util/time.js';
import type { DStreamGraph } from './dstream-graph.js';
import type { GraphStream } from './graph-stream.js';
import type { StreamingListenerBus } from './listener-bus.js';

export type { TaskThreadInfo };

const log = new Logger('StreamingContext');

/** One stateful operator (`updateStateByKey`, `mapWithState`) after a batch: dstream beyond Spark. */
export interface StateOperatorInfo {
  /**
   * Stable across runs and versions of the application: the key its state is checkpointed under
   * (the user's `.name(...)`, else derived from the graph; docs/checkpoint-format.md).
   */
  readonly id: string;
  /** The id of the operator's stream (`stream.id`). */
  readonly streamId: number;
  /** `updateStateByKey at app.ts:12`, as Spark names output operations after their call site. */
  readonly name: string;
  /** How many keys have a state. */
  readonly numKeys: number;
  /** Heap bytes the entries take, estimated from a sample of them (not a measure). */
  readonly approximateBytes: number;
  /** The last batch (ms) applied to every partition of the state; none before the first. */
  readonly lastUpdatedBatch: number | undefined;
}

/** The size of a state, as a stateful stream reports it. */
export interface StateSize {
  readonly numKeys: number;
  readonly approximateBytes: number;
  readonly lastUpdatedBatch: number | undefined;
}

/** A stream whose state has a size to report (updateStateByKey's and mapWithState's). */
export interface SizedStateStream extends GraphStream {
  readonly stateKey: string;
  /** `updateStateByKey at app.ts:12`. */
  readonly stateOperatorName: string;
  /** Costs a few lookups per partition, never a walk over every key. */
  stateSize(): StateSize;
}

function isSizedStateStream(s: GraphStream): s is SizedStateStream {
  return typeof (s as Partial<SizedStateStream>).stateSize === 'function';
}

/**
 * The context's hook for the end of each batch (success or failure): posts `onStateUpdated`
 * (when the graph holds state) and `onTaskThreadsUpdated` (when the runner counts its threads).
 * Nothing is computed while no listener listens.
 */
export function engineReporter(
  graph: DStreamGraph,
  runner: TaskRunner | undefined,
  bus: StreamingListenerBus,
): (time: Time) => void {
  // The graph no longer changes once started, and deriving a state key walks the graph: once.
  let operators: { stream: SizedStateStream; id: string }[] | undefined;
  return (batchTime) => {
    if (!bus.hasListeners) return;
    try {
      operators ??= graph
        .allStreams()
        .filter(isSizedStateStream)
        .map((stream) => ({ stream, id: stream.stateKey }));
      if (operators.length > 0) {
        const infos = operators.map(({ stream, id }) =>
          Object.freeze({
            id,
            streamId: stream.id,
            name: stream.stateOperatorName,
            ...stream.stateSize(),
          }),
        );
        bus.post({ type: 'onStateUpdated', event: { batchTime, operators: Object.freeze(infos) } });
      }
      const threads = runner?.threadInfo?.();
      if (threads !== undefined) {
        const frozen = Object.freeze(threads.map((t) => Object.freeze({ ...t })));
        bus.post({ type: 'onTaskThreadsUpdated', event: { batchTime, threads: frozen } });
      }
    } catch (e) {
      // What the UI shows must never fail a batch.
      log.warn(`Could not report the state sizes and task threads of ${batchTime}`, e);
    }
  };
}
