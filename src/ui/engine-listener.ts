import type { BatchInfo } from '../streaming/batch-info.js';
import type { StateOperatorInfo, TaskThreadInfo } from '../streaming/engine-info.js';
import type { StreamingListener } from '../streaming/listener-bus.js';
import type { Time } from '../util/time.js';

/** A stateful operator as the UI shows it: its latest report. */
export type StateOperatorRow = StateOperatorInfo;

/** A task thread as the UI shows it: its latest report. */
export type TaskThreadRow = TaskThreadInfo;

/** How far one Kafka partition's latest batch stopped short of its end. */
export interface KafkaLagRow {
  /** The Kafka stream's input id. */
  readonly streamId: number;
  /** The topic. */
  readonly topic: string;
  /** The partition. */
  readonly partition: number;
  /** Records in Kafka past the batch's `untilOffset` when its ranges were fixed. */
  readonly lag: number;
  /** The batch whose ranges were fixed, in ms. */
  readonly batchTime: number;
}

/**
 * What dstream shows beyond Spark's streaming tab, learnt from events like the rest of the UI:
 * each stateful operator's size (`onStateUpdated`), the task threads' counts
 * (`onTaskThreadsUpdated`), and the lag of each Kafka partition from the `lag` the direct stream
 * puts in each batch's input metadata (`onBatchSubmitted`: known as soon as the batch is fixed).
 */
export class EngineStatusListener implements StreamingListener {
  private readonly operators = new Map<string, StateOperatorRow>();
  private threadRows: readonly TaskThreadRow[] = [];
  private readonly lags = new Map<string, KafkaLagRow>();

  onStateUpdated(event: {
    readonly batchTime: Time;
    readonly operators: readonly StateOperatorInfo[];
  }): void {
    for (const op of event.operators) this.operators.set(op.id, op);
  }

  onTaskThreadsUpdated(event: {
    readonly batchTime: Time;
    readonly threads: readonly TaskThreadInfo[];
  }): void {
    this.threadRows = event.threads;
  }

  onBatchSubmitted(event: { readonly batchInfo: BatchInfo }): void {
    const batchTime = event.batchInfo.batchTime.milliseconds;
    for (const [streamId, info] of event.batchInfo.streamIdToInputInfo) {
      const lag = info.metadata['lag'];
      if (!Array.isArray(lag)) continue;
      for (const entry of lag as unknown[]) {
        const row = lagRow(streamId, batchTime, entry);
        if (row) this.lags.set(`${streamId}\0${row.topic}\0${row.partition}`, row);
      }
    }
  }

  /** Every stateful operator, by stream id (declaration order). */
  get stateOperators(): readonly StateOperatorRow[] {
    return [...this.operators.values()].sort((a, b) => a.streamId - b.streamId);
  }

  /** The driver, then the task threads (none before the first batch ends). */
  get taskThreads(): readonly TaskThreadRow[] {
    return this.threadRows;
  }

  /** The latest lag of every Kafka partition of every direct stream. */
  get kafkaLags(): readonly KafkaLagRow[] {
    return [...this.lags.values()].sort(
      (a, b) =>
        a.streamId - b.streamId ||
        (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition),
    );
  }
}

/** One entry of an input's `lag` metadata, when it has the direct stream's shape. */
function lagRow(streamId: number, batchTime: number, entry: unknown): KafkaLagRow | undefined {
  if (typeof entry !== 'object' || entry === null) return undefined;
  const { topic, partition, lag } = entry as Record<string, unknown>;
  if (typeof topic !== 'string' || typeof partition !== 'number' || typeof lag !== 'number') {
    return undefined;
  }
  return { streamId, topic, partition, lag, batchTime };
}
