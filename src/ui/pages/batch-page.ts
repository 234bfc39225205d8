import type { OutputOperationInfo } from '../../streaming/batch-info.js';
import type {
  BatchStatus,
  BatchUIData,
  StreamingJobProgressListener,
} from '../progress-listener.js';
import { errorCell } from './batch-tables.js';
import { escapeHtml, formatBatchTime, formatDuration, optionalDuration } from './format.js';
import { messagePage, pageDocument, type PageAnswer } from './layout.js';

/** Spark's name of a stream: its receiver's, else the stream's own, else `Stream-<id>`. */
function streamName(l: StreamingJobProgressListener, streamId: number): string {
  return (
    l.receiverInfo(streamId)?.name ??
    l.inputStreams.find((s) => s.streamId === streamId)?.name ??
    `Stream-${streamId}`
  );
}

/** What an input stream said of its part of a batch (`metadata.Description`), if anything. */
function descriptionOf(metadata: Readonly<Record<string, unknown>>): string | undefined {
  const d = metadata.Description;
  if (d === undefined || d === null) return undefined;
  const text = typeof d === 'string' ? d : JSON.stringify(d);
  return text === '' ? undefined : text;
}

/** Spark's Input Metadata table: only when some stream described its input (files, offsets). */
function inputMetadata(l: StreamingJobProgressListener, b: BatchUIData): string {
  const rows = [...b.info.streamIdToInputInfo.values()]
    .sort((x, y) => x.inputStreamId - y.inputStreamId)
    .flatMap((info) => {
      const text = descriptionOf(info.metadata);
      return text === undefined
        ? []
        : [
            `<tr data-stream-id="${info.inputStreamId}"><td>${escapeHtml(streamName(l, info.inputStreamId))}</td><td class="metadata"><pre>${escapeHtml(text)}</pre></td></tr>`,
          ];
    });
  if (rows.length === 0) return '';
  return `<h2>Input Metadata</h2>
<div class="table-wrap" data-key="input-metadata">
<table id="input-metadata">
<thead><tr><th>Input</th><th>Metadata</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
</div>`;
}

/** An output operation's status: Failed, Succeeded, Running (started) or Queued. */
export function operationStatus(
  op: OutputOperationInfo,
): 'Failed' | 'Succeeded' | 'Running' | 'Queued' {
  if (op.failureReason !== undefined) return 'Failed';
  if (op.endTime !== undefined) return 'Succeeded';
  return op.startTime !== undefined ? 'Running' : 'Queued';
}

function operationRow(op: OutputOperationInfo): string {
  const status = operationStatus(op);
  const callSite =
    op.description === ''
      ? ''
      : `<details data-key="call-site-${op.id}"><summary class="muted">call site</summary><pre>${escapeHtml(op.description)}</pre></details>`;
  return `<tr data-output-op-id="${op.id}">
<td>${op.id}</td>
<td class="description">${escapeHtml(op.name)}${callSite}</td>
<td>${optionalDuration(op.duration)}</td>
<td${status === 'Failed' ? ' class="failed"' : ''}>${status}</td>
${errorCell(op.failureReason, `op-error-${op.id}`)}
</tr>`;
}

const STATUS_TEXT: Record<BatchStatus, string> = {
  COMPLETED: 'Completed',
  PROCESSING: 'Processing',
  QUEUED: 'Queued',
};

/**
 * `/streaming/batch/?id=<batch ms>`, Spark's batch page: the batch's durations and records, what
 * its input streams described (Kafka offset ranges, file names) and its output operations with
 * their durations, status and errors. dstream runs an output operation as one job, so there are
 * no Spark job or stage columns. No id is a `400`, a batch not retained a `404`, as Spark says.
 */
export function batchPage(
  l: StreamingJobProgressListener,
  appName: string,
  query: URLSearchParams,
): PageAnswer {
  const id = query.get('id');
  if (id === null || id === '') return messagePage(l, appName, 400, 'Missing id parameter');
  if (!/^\d+$/.test(id)) {
    return messagePage(l, appName, 400, `Invalid id parameter "${id}": give the batch time in ms`);
  }
  const batchTime = Number(id);
  const found = l.batchWithStatus(batchTime);
  const formatted = formatBatchTime(batchTime, l.batchDuration);
  if (!found) return messagePage(l, appName, 404, `Batch ${formatted} does not exist`);
  const { batch: b, status } = found;
  const ops = [...b.outputOperations.values()].sort((x, y) => x.id - y.id);
  const title = `Details of batch at ${formatted}`;
  const content = `<h1>${title}</h1>
<ul id="batch-summary">
<li><strong>Batch Duration:</strong> ${formatDuration(l.batchDuration)}</li>
<li><strong>Input data size:</strong> ${b.info.numRecords} records</li>
<li><strong>Scheduling delay:</strong> ${optionalDuration(b.info.schedulingDelay)}</li>
<li><strong>Processing time:</strong> ${optionalDuration(b.info.processingDelay)}</li>
<li><strong>Total delay:</strong> ${optionalDuration(b.info.totalDelay)}</li>
<li><strong>Status:</strong> ${STATUS_TEXT[status]}</li>
</ul>
${inputMetadata(l, b)}
<h2>Output Operations (${ops.length})</h2>
<div class="table-wrap" data-key="output-operations">
<table id="output-operations">
<thead><tr><th>Output Op Id</th><th>Description</th><th>Output Op Duration</th><th>Status</th><th>Error</th></tr></thead>
<tbody>
${ops.map(operationRow).join('\n')}
</tbody>
</table>
</div>
<p><a href="/streaming/">Back to Streaming Statistics</a></p>`;
  return {
    status: 200,
    html: pageDocument({ appName, title, content, batchDuration: l.batchDuration }),
  };
}
