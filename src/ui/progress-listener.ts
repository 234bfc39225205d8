import type { BatchInfo, OutputOperationInfo } from '../streaming/batch-info.js';
import type { ReceiverInfo, StreamingListener } from '../streaming/listener-bus.js';
import type { UiInputStream } from '../streaming/ui-hook.js';

/** A batch as the UI keeps it: its latest `BatchInfo`, with output operations updated by events. */
export interface BatchUIData {
  /** The batch's time, in ms. */
  readonly batchTime: number;
  /** The batch as the last event about it described it. */
  readonly info: BatchInfo;
  /** Its output operations, by id, as their last events described them. */
  readonly outputOperations: ReadonlyMap<number, OutputOperationInfo>;
}

/** Batches of a status, as Spark's REST API names them. */
export type BatchStatus = 'COMPLETED' | 'QUEUED' | 'PROCESSING';

/** A retained batch and where it stands. */
export interface BatchWithStatus {
  /** Completed, queued (waiting) or processing (running). */
  status: BatchStatus;
  /** The batch. */
  batch: BatchUIData;
}

/**
 * What the UI knows of the application, learnt from listener events only, as Spark's
 * `StreamingJobProgressListener`: waiting, running and the last `retainedBatches` completed
 * batches, the receivers' latest info, and totals over the whole run.
 */
export class StreamingJobProgressListener implements StreamingListener {
  /** Wall-clock ms at which streaming started (`onStreamingStarted`); -1 before. */
  startTime = -1;
  /** Batches completed since the start. */
  totalCompletedBatches = 0;
  /** Completed batches with a failed output operation. */
  totalFailedBatches = 0;
  /** Records the input streams brought into the batches that started. */
  totalReceivedRecords = 0;
  /** Records of the completed batches. */
  totalProcessedRecords = 0;
  private readonly waiting = new Map<number, BatchUIData>();
  private readonly running = new Map<number, BatchUIData>();
  /** Oldest first. */
  private readonly completed: BatchUIData[] = [];
  /** The retained completed batches by batch time, for the batch page and the API. */
  private readonly completedByTime = new Map<number, BatchUIData>();
  private readonly receivers = new Map<number, ReceiverInfo>();
  private readonly completedListeners: ((batch: BatchUIData) => void)[] = [];

  constructor(
    /** The batch interval, in ms. */
    readonly batchDuration: number,
    /** The context's input streams. */
    readonly inputStreams: readonly UiInputStream[],
    private readonly retainedBatches = 1000,
  ) {}

  /** Calls `f` with each batch once it has completed (the metrics count batches with it). */
  onCompleted(f: (batch: BatchUIData) => void): void {
    this.completedListeners.push(f);
  }

  onStreamingStarted(event: { readonly time: number }): void {
    this.startTime = event.time;
  }

  onReceiverStarted(event: { readonly receiverInfo: ReceiverInfo }): void {
    this.receivers.set(event.receiverInfo.streamId, event.receiverInfo);
  }

  onReceiverError(event: { readonly receiverInfo: ReceiverInfo }): void {
    this.receivers.set(event.receiverInfo.streamId, event.receiverInfo);
  }

  onReceiverStopped(event: { readonly receiverInfo: ReceiverInfo }): void {
    this.receivers.set(event.receiverInfo.streamId, event.receiverInfo);
  }

  onBatchSubmitted(event: { readonly batchInfo: BatchInfo }): void {
    const ms = event.batchInfo.batchTime.milliseconds;
    this.waiting.set(ms, uiData(event.batchInfo));
  }

  onBatchStarted(event: { readonly batchInfo: BatchInfo }): void {
    const ms = event.batchInfo.batchTime.milliseconds;
    this.waiting.delete(ms);
    this.running.set(ms, uiData(event.batchInfo));
    this.totalReceivedRecords += event.batchInfo.numRecords;
  }

  onOutputOperationStarted(event: { readonly outputOperationInfo: OutputOperationInfo }): void {
    this.updateOperation(event.outputOperationInfo);
  }

  onOutputOperationCompleted(event: { readonly outputOperationInfo: OutputOperationInfo }): void {
    this.updateOperation(event.outputOperationInfo);
  }

  onBatchCompleted(event: { readonly batchInfo: BatchInfo }): void {
    const info = event.batchInfo;
    const ms = info.batchTime.milliseconds;
    this.waiting.delete(ms);
    this.running.delete(ms);
    const batch = uiData(info);
    this.completed.push(batch);
    this.completedByTime.set(ms, batch);
    if (this.completed.length > this.retainedBatches)
      this.completedByTime.delete(this.completed.shift()!.batchTime);
    this.totalCompletedBatches++;
    if (info.failureReason !== undefined) this.totalFailedBatches++;
    this.totalProcessedRecords += info.numRecords;
    for (const f of this.completedListeners) f(batch);
  }

  /** The retained completed batches, oldest first. */
  get retainedCompletedBatches(): readonly BatchUIData[] {
    return this.completed;
  }

  /** Batches submitted and not started, oldest first. */
  get waitingBatches(): readonly BatchUIData[] {
    return [...this.waiting.values()];
  }

  /** Batches started and not completed, oldest first. */
  get runningBatches(): readonly BatchUIData[] {
    return [...this.running.values()];
  }

  /** Waiting, running and retained completed batches, by batch time (Spark's `retainedBatches`). */
  get allRetainedBatches(): readonly BatchUIData[] {
    return [...this.waiting.values(), ...this.running.values(), ...this.completed].sort(
      (a, b) => a.batchTime - b.batchTime,
    );
  }

  /** Every retained batch with its status, newest first. */
  batchesWithStatus(): BatchWithStatus[] {
    const all = [
      ...this.completed.map((batch) => ({ status: 'COMPLETED' as const, batch })),
      ...this.waitingBatches.map((batch) => ({ status: 'QUEUED' as const, batch })),
      ...this.runningBatches.map((batch) => ({ status: 'PROCESSING' as const, batch })),
    ];
    return all.sort((a, b) => b.batch.batchTime - a.batch.batchTime);
  }

  /** The retained batch of `batchTime` (ms), waiting, running or completed, with its status. */
  batchWithStatus(batchTime: number): BatchWithStatus | undefined {
    const completed = this.completedByTime.get(batchTime);
    if (completed) return { status: 'COMPLETED', batch: completed };
    const running = this.running.get(batchTime);
    if (running) return { status: 'PROCESSING', batch: running };
    const waiting = this.waiting.get(batchTime);
    return waiting && { status: 'QUEUED', batch: waiting };
  }

  /** The latest info on the receiver of stream `streamId`; `undefined` before it started. */
  receiverInfo(streamId: number): ReceiverInfo | undefined {
    return this.receivers.get(streamId);
  }

  /** How many receivers have started at least once. */
  get numReceivers(): number {
    return this.receivers.size;
  }

  /** How many receivers are receiving. */
  get numActiveReceivers(): number {
    let n = 0;
    for (const r of this.receivers.values()) if (r.active) n++;
    return n;
  }

  /** Receiver-based streams whose receiver is not active (Spark counts from the graph). */
  get numInactiveReceivers(): number {
    return this.inputStreams.filter((s) => s.receiverBased).length - this.numActiveReceivers;
  }

  /** Per input stream, the record rate of each retained batch: `[batch ms, records/s]`. */
  receivedRecordRates(streamId: number): [number, number][] {
    return this.allRetainedBatches.map((b) => [
      b.batchTime,
      ((b.info.streamIdToInputInfo.get(streamId)?.numRecords ?? 0) * 1000) / this.batchDuration,
    ]);
  }

  private updateOperation(op: OutputOperationInfo): void {
    const ms = op.batchTime.milliseconds;
    const batch = this.running.get(ms) ?? this.waiting.get(ms);
    if (!batch) return;
    const ops = new Map(batch.outputOperations);
    ops.set(op.id, op);
    const updated = { ...batch, outputOperations: ops };
    if (this.running.has(ms)) this.running.set(ms, updated);
    else this.waiting.set(ms, updated);
  }
}

function uiData(info: BatchInfo): BatchUIData {
  return {
    batchTime: info.batchTime.milliseconds,
    info,
    outputOperations: info.outputOperationInfos,
  };
}
