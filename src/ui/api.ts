import type { OutputOperationInfo } from '../streaming/batch-info.js';
import { systemClock } from '../util/clock.js';
import type {
  BatchStatus,
  BatchUIData,
  StreamingJobProgressListener,
} from './progress-listener.js';
import { average, streamingStatistics } from './statistics.js';

/** What the application is, for `/api/v1/applications` (Spark's `ApplicationInfo`). */
export interface ApplicationIdentity {
  /** The application's id, as Spark's in local mode: `local-<start time in ms>`. */
  readonly id: string;
  /** The application's name (`appName`). */
  readonly name: string;
  /** Wall-clock ms the UI started (Spark: the SparkContext). */
  readonly startTime: number;
  /** `SPARK_USER` if set, else the user the process runs as (as Spark). */
  readonly sparkUser: string;
  /** dstream's version (where Spark gives its own). */
  readonly version: string;
}

/** An answer of the API: a status and a JSON body, or a plain-text message (Spark's 404s). */
export type ApiAnswer =
  | {
      /** Found. */
      readonly status: 200;
      /** The body, to serialize as JSON. */
      readonly json: unknown;
    }
  | {
      /** A bad parameter (400) or nothing at that path (404). */
      readonly status: 400 | 404;
      /** Spark's message, sent as plain text. */
      readonly text: string;
    };

/**
 * Dates as Spark's REST API writes them: `yyyy-MM-dd'T'HH:mm:ss.SSS'GMT'`, in UTC
 * (`2026-12-07T04:05:06.789GMT`).
 */
export function sparkDate(ms: number): string {
  return new Date(ms).toISOString().replace('Z', 'GMT');
}

const STATUSES: readonly BatchStatus[] = ['COMPLETED', 'QUEUED', 'PROCESSING'];

/**
 * Answers Spark's REST API paths, `/api/v1/applications` and everything under
 * `/api/v1/applications/{appId}/streaming/`, with Spark's field names and conventions: optional
 * values left out (Spark's JSON writer omits `None`), dates as {@link sparkDate}, batches newest
 * first, an unknown id answered 404 with Spark's message. Read-only: nothing here changes the
 * application.
 */
export function answerApi(
  path: string,
  query: URLSearchParams,
  app: ApplicationIdentity,
  listener: StreamingJobProgressListener,
): ApiAnswer | undefined {
  const parts = path.split('/').filter((p) => p !== '');
  if (parts[0] !== 'api' || parts[1] !== 'v1' || parts[2] !== 'applications') return undefined;
  if (parts.length === 3) return ok([applicationInfo(app)]);
  if (parts[3] !== app.id) return notFound(`no such app: ${parts[3]}`);
  if (parts.length === 4) return ok(applicationInfo(app));
  if (parts[4] !== 'streaming') return undefined;
  const [resource, id, sub, subId, ...rest] = parts.slice(5);
  if (rest.length > 0) return undefined;
  switch (resource) {
    case 'statistics':
      return id === undefined ? ok(statistics(listener)) : undefined;
    case 'receivers':
      return receivers(listener, id, sub);
    case 'batches':
      return batches(listener, query, id, sub, subId);
    default:
      return undefined;
  }
}

function ok(json: unknown): ApiAnswer {
  return { status: 200, json };
}

function notFound(text: string): ApiAnswer {
  return { status: 404, text };
}

function applicationInfo(app: ApplicationIdentity) {
  return {
    id: app.id,
    name: app.name,
    attempts: [
      {
        startTime: sparkDate(app.startTime),
        // A running application's end is Spark's -1: the epoch minus one millisecond.
        endTime: sparkDate(-1),
        lastUpdated: sparkDate(app.startTime),
        // As Spark's live UI: how long the application has run so far.
        duration: systemClock.now() - app.startTime,
        sparkUser: app.sparkUser,
        completed: false,
        appSparkVersion: app.version,
        startTimeEpoch: app.startTime,
        endTimeEpoch: -1,
        lastUpdatedEpoch: app.startTime,
      },
    ],
  };
}

function statistics(l: StreamingJobProgressListener) {
  const stats = streamingStatistics(l);
  return {
    startTime: sparkDate(l.startTime),
    batchDuration: l.batchDuration,
    numReceivers: l.numReceivers,
    numActiveReceivers: l.numActiveReceivers,
    numInactiveReceivers: l.numInactiveReceivers,
    numTotalCompletedBatches: l.totalCompletedBatches,
    numRetainedCompletedBatches: l.retainedCompletedBatches.length,
    numActiveBatches: l.waitingBatches.length + l.runningBatches.length,
    numProcessedRecords: l.totalProcessedRecords,
    numReceivedRecords: l.totalReceivedRecords,
    avgInputRate: stats.avgInputRate,
    avgSchedulingDelay: stats.avgSchedulingDelay,
    avgProcessingTime: stats.avgProcessingTime,
    avgTotalDelay: stats.avgTotalDelay,
  };
}

function receivers(
  l: StreamingJobProgressListener,
  id: string | undefined,
  sub: string | undefined,
): ApiAnswer | undefined {
  if (sub !== undefined) return undefined;
  const all = [...l.inputStreams]
    .sort((a, b) => a.streamId - b.streamId)
    .map((s) => receiverInfo(l, s.streamId, s.name));
  if (id === undefined) return ok(all);
  const found = all.find((r) => String(r.streamId) === id);
  return found ? ok(found) : notFound(`no receiver info for stream ${id}`);
}

function receiverInfo(l: StreamingJobProgressListener, streamId: number, name: string) {
  const info = l.receiverInfo(streamId);
  const eventRates = l.receivedRecordRates(streamId);
  const hasError = info !== undefined && info.lastErrorMessage.length > 0;
  return {
    streamId,
    streamName: info?.name ?? name,
    isActive: info?.active,
    executorId: info?.executorId,
    executorHost: info?.location,
    lastErrorTime:
      info !== undefined && info.lastErrorTime >= 0 ? sparkDate(info.lastErrorTime) : undefined,
    lastErrorMessage: hasError ? info.lastErrorMessage : undefined,
    lastError: hasError ? info.lastError : undefined,
    avgEventRate: average(
      eventRates.map(([, rate]) => rate),
      false,
    ),
    eventRates,
  };
}

function batches(
  l: StreamingJobProgressListener,
  query: URLSearchParams,
  id: string | undefined,
  sub: string | undefined,
  subId: string | undefined,
): ApiAnswer | undefined {
  if (id === undefined) {
    const all = l.batchesWithStatus();
    const wanted = query.getAll('status');
    const bad = wanted.find((s) => !STATUSES.includes(s as BatchStatus));
    if (bad !== undefined) {
      return {
        status: 400,
        text: `status must be one of ${STATUSES.join(', ')}; got ${bad}`,
      };
    }
    const statuses = wanted.length === 0 ? STATUSES : wanted;
    return ok(
      all.filter((b) => statuses.includes(b.status)).map((b) => batchInfo(l, b.status, b.batch)),
    );
  }
  const found = /^\d+$/.test(id) ? l.batchWithStatus(Number(id)) : undefined;
  if (!found) return notFound(`unknown batch: ${id}`);
  if (sub === undefined) return ok(batchInfo(l, found.status, found.batch));
  if (sub !== 'operations') return undefined;
  const ops = [...found.batch.outputOperations.values()].sort((a, b) => a.id - b.id);
  if (subId === undefined) return ok(ops.map(operationInfo));
  const op = ops.find((o) => String(o.id) === subId);
  return op ? ok(operationInfo(op)) : notFound(`unknown output operation: ${subId}`);
}

function batchInfo(l: StreamingJobProgressListener, status: BatchStatus, batch: BatchUIData) {
  const ops = [...batch.outputOperations.values()].sort((a, b) => a.id - b.id);
  const failures = ops.flatMap((op) => op.failureReason ?? []);
  return {
    batchId: batch.batchTime,
    batchTime: sparkDate(batch.batchTime),
    status,
    batchDuration: l.batchDuration,
    inputSize: batch.info.numRecords,
    schedulingDelay: batch.info.schedulingDelay,
    processingTime: batch.info.processingDelay,
    totalDelay: batch.info.totalDelay,
    numActiveOutputOps: ops.filter((op) => op.endTime === undefined).length,
    numCompletedOutputOps: ops.filter(
      (op) => op.endTime !== undefined && op.failureReason === undefined,
    ).length,
    numFailedOutputOps: failures.length,
    numTotalOutputOps: ops.length,
    firstFailureReason: failures[0],
  };
}

function operationInfo(op: OutputOperationInfo) {
  return {
    outputOpId: op.id,
    name: op.name,
    description: op.description,
    startTime: op.startTime === undefined ? undefined : sparkDate(op.startTime),
    endTime: op.endTime === undefined ? undefined : sparkDate(op.endTime),
    duration: op.duration,
    failureReason: op.failureReason,
    // Spark lists the Spark jobs the operation launched; dstream runs an operation as one job
    // without a Spark job id of its own.
    jobIds: [] as number[],
  };
}
