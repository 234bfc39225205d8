import { timeline } from '../charts/timeline.js';
import type { YAxis } from '../charts/axis.js';
import type { StreamingJobProgressListener } from '../progress-listener.js';
import { average } from '../statistics.js';
import { escapeHtml, formatBatchTime, formatRate } from './format.js';
import { batchHref } from './batch-tables.js';

/**
 * Spark's receiver error cell: `<message> - <error>`, cut to 97 characters and `...` past 100;
 * `-` when the receiver never reported one.
 */
export function receiverErrorText(message: string, error: string): string {
  if (message === '' && error === '') return '-';
  const text = `${message} - ${error}`;
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}

/** What the input rate timelines share: the batch times they span and the rate axis. */
export interface RateCharts {
  readonly from: number;
  readonly to: number;
  readonly y: YAxis;
  readonly tooltip: (batchTime: number, rate: number) => string;
}

/**
 * The per-input-stream table of the input rate row (Spark's expandable receivers table), in a
 * `<details id="receivers">`: every input stream with its receiver's status, where it runs, its
 * last error, its average rate and its own rate timeline on the shared rate axis. A stream
 * without a receiver (queue, file, Kafka direct) shows `-` for what only receivers have.
 */
export function receiversTable(l: StreamingJobProgressListener, charts: RateCharts): string {
  const streams = [...l.inputStreams].sort((a, b) => a.streamId - b.streamId);
  const rows = streams.map((s) => {
    const info = l.receiverInfo(s.streamId);
    const rates = l.receivedRecordRates(s.streamId);
    const avg = average(
      rates.map(([, r]) => r),
      false,
    );
    const name = info?.name ?? s.name;
    const status = info === undefined ? '-' : info.active ? 'ACTIVE' : 'INACTIVE';
    const statusClass = info === undefined ? '' : info.active ? 'active-status' : 'failed';
    const where = info === undefined ? '-' : `${info.executorId} / ${info.location}`;
    const errorTime =
      info !== undefined && info.lastErrorTime >= 0
        ? formatBatchTime(info.lastErrorTime, 1000)
        : '-';
    const full = info === undefined ? '' : `${info.lastErrorMessage} - ${info.lastError}`;
    const error =
      info === undefined ? '-' : receiverErrorText(info.lastErrorMessage, info.lastError);
    const chart = timeline({
      label: `Input rate of ${name}`,
      points: rates,
      from: charts.from,
      to: charts.to,
      y: charts.y,
      tooltip: charts.tooltip,
      link: batchHref,
    });
    return `<tr data-stream-id="${s.streamId}">
<td><strong>${escapeHtml(name)}</strong><div class="avg">Avg: ${avg === undefined ? '-' : formatRate(avg)} events/sec</div></td>
<td class="${statusClass}">${status}</td>
<td>${escapeHtml(where)}</td>
<td>${errorTime}</td>
<td class="error"${error === '-' ? '' : ` title="${escapeHtml(full)}"`}>${escapeHtml(error)}</td>
<td class="chart">${chart}</td>
</tr>`;
  });
  return `<details id="receivers" data-key="receivers">
<summary>Input streams (${streams.length})</summary>
<div class="table-wrap" data-key="receivers-table">
<table>
<thead><tr><th>Input Stream</th><th>Status</th><th>Executor ID / Host</th><th>Last Error Time</th><th>Last Error Message</th><th>Input Rate</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
</div>
</details>`;
}
