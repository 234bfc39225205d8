import type { BatchUIData, StreamingJobProgressListener } from './progress-listener.js';

/**
 * The first page of the streaming UI, `/streaming/`: Spark's statistics header and its completed
 * batches table (newest first, an Error column when a batch failed). Server-rendered, no script:
 * every text that comes from the application (stream names, error messages) goes through
 * {@link escapeHtml}, and the page is served with a Content-Security-Policy that forbids scripts.
 */
export function streamingPage(
  l: StreamingJobProgressListener,
  appName: string,
  now: number,
): string {
  const completed = [...l.retainedCompletedBatches].reverse();
  const started = l.startTime >= 0;
  const header = started
    ? `Running batches of <strong>${formatDurationVerbose(l.batchDuration)}</strong> for ` +
      `<strong>${formatDurationVerbose(now - l.startTime)}</strong> since ` +
      `<strong>${formatBatchTime(l.startTime, 1000)}</strong> ` +
      `(<strong>${l.totalCompletedBatches}</strong> completed batches, ` +
      `<strong>${l.totalReceivedRecords}</strong> records)`
    : 'Not started yet';
  const withError = completed.some((b) => failureOf(b) !== undefined);
  const rows = completed.map((b) => batchRow(b, l.batchDuration, withError)).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(appName)} - Streaming Statistics</title>
<style>
body { font-family: system-ui, sans-serif; margin: 1rem 2rem; color: #222; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
td.error pre { white-space: pre-wrap; margin: 0; font-size: 0.85em; }
/* A narrow window scrolls the table, not the page. */
@media (max-width: 40rem) { body { margin: 0.5rem; } table { display: block; overflow-x: auto; } }
</style>
</head>
<body>
<h1>Streaming Statistics</h1>
<p id="header">${header}</p>
<h2 id="completed">Completed Batches (last ${completed.length} out of ${l.totalCompletedBatches})</h2>
<table id="completed-batches">
<thead><tr><th>Batch Time</th><th>Records</th><th>Scheduling Delay</th><th>Processing Time</th><th>Total Delay</th><th>Output Ops: Succeeded/Total</th>${withError ? '<th>Error</th>' : ''}</tr></thead>
<tbody>
${rows}
</tbody>
</table>
</body>
</html>
`;
}

function failureOf(b: BatchUIData): string | undefined {
  for (const op of [...b.outputOperations.values()].sort((x, y) => x.id - y.id))
    if (op.failureReason !== undefined) return op.failureReason;
  return undefined;
}

function batchRow(b: BatchUIData, batchDuration: number, withError: boolean): string {
  const ops = [...b.outputOperations.values()];
  const succeeded = ops.filter((op) => op.endTime !== undefined && !op.failureReason).length;
  const cells = [
    formatBatchTime(b.batchTime, batchDuration),
    `${b.info.numRecords} records`,
    optionalDuration(b.info.schedulingDelay),
    optionalDuration(b.info.processingDelay),
    optionalDuration(b.info.totalDelay),
    `${succeeded}/${ops.length}`,
  ].map((text) => `<td>${escapeHtml(text)}</td>`);
  if (withError) {
    const failure = failureOf(b);
    cells.push(
      failure === undefined
        ? '<td class="error">-</td>'
        : `<td class="error"><details><summary>${escapeHtml(failure.split('\n')[0]!)}</summary><pre>${escapeHtml(failure)}</pre></details></td>`,
    );
  }
  return `<tr>${cells.join('')}</tr>`;
}

/** Text as HTML text or attribute value: `&`, `<`, `>`, `"` and `'` as entities. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/** Spark's batch time: `yyyy/MM/dd HH:mm:ss` local time, with `.SSS` under a 1 s interval. */
export function formatBatchTime(ms: number, batchDuration: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const base = `${d.getFullYear()}/${p(d.getMonth() + 1)}/${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
  return batchDuration < 1000 ? `${base}.${p(d.getMilliseconds(), 3)}` : base;
}

function optionalDuration(ms: number | undefined): string {
  return ms === undefined ? '-' : formatDuration(ms);
}

/** Spark's `UIUtils.formatDuration`: `35 ms`, `0.4 s`, `12 s`, `2.5 min`, `1.2 h`. */
export function formatDuration(ms: number): string {
  if (ms < 100) return `${ms} ms`;
  const seconds = ms / 1000;
  if (seconds < 1) return `${seconds.toFixed(1)} s`;
  if (seconds < 60) return `${seconds.toFixed(0)} s`;
  const minutes = seconds / 60;
  if (minutes < 10) return `${minutes.toFixed(1)} min`;
  if (minutes < 60) return `${minutes.toFixed(0)} min`;
  return `${(minutes / 60).toFixed(1)} h`;
}

/** A duration in words, as Spark's `formatDurationVerbose`: `1 second`, `2 minutes 5 seconds`. */
export function formatDurationVerbose(ms: number): string {
  const units: [number, string][] = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
    [1000, 'second'],
  ];
  if (ms < 1000) return `${ms} ms`;
  const parts: string[] = [];
  let rest = ms;
  for (const [size, unit] of units) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0) parts.push(`${n} ${unit}${n === 1 ? '' : 's'}`);
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}
