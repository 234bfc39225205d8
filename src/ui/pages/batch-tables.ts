import type { BatchUIData, StreamingJobProgressListener } from '../progress-listener.js';
import { escapeHtml, formatBatchTime, optionalDuration } from './format.js';
import { pageOf, pagingNav, readPaging, type Paging } from './paging.js';

/** The batch page's address for a batch (Spark's `batch?id=<ms>`). */
export function batchHref(batchTime: number): string {
  return `/streaming/batch/?id=${batchTime}`;
}

/** The first failure of a batch's output operations, by operation id, as Spark's Error column. */
export function failureOf(b: BatchUIData): string | undefined {
  for (const op of [...b.outputOperations.values()].sort((x, y) => x.id - y.id))
    if (op.failureReason !== undefined) return op.failureReason;
  return undefined;
}

/** A failure reason: its first line, the whole text under it (each row's own `<details>`). */
export function errorCell(failure: string | undefined, key: string): string {
  if (failure === undefined) return '<td class="error">-</td>';
  return `<td class="error"><details data-key="${escapeHtml(key)}"><summary class="failed">${escapeHtml(failure.split('\n')[0]!)}</summary><pre>${escapeHtml(failure)}</pre></details></td>`;
}

/** "Output Ops: Succeeded/Total" as Spark's progress bar text: `1/2 (1 failed)`. */
function outputOps(b: BatchUIData): string {
  let succeeded = 0;
  let failed = 0;
  for (const op of b.outputOperations.values()) {
    if (op.failureReason !== undefined) failed++;
    else if (op.endTime !== undefined) succeeded++;
  }
  const text = `${succeeded}/${b.outputOperations.size}`;
  return failed > 0 ? `${text} (${failed} failed)` : text;
}

type Kind = 'running' | 'waiting' | 'completed';

const COLUMNS: Record<Kind, readonly string[]> = {
  running: [
    'Batch Time',
    'Records',
    'Scheduling Delay',
    'Processing Time',
    'Output Ops: Succeeded/Total',
    'Status',
  ],
  waiting: [
    'Batch Time',
    'Records',
    'Scheduling Delay',
    'Processing Time',
    'Output Ops: Succeeded/Total',
    'Status',
  ],
  completed: [
    'Batch Time',
    'Records',
    'Scheduling Delay',
    'Processing Time',
    'Total Delay',
    'Output Ops: Succeeded/Total',
  ],
};

function row(kind: Kind, b: BatchUIData, batchDuration: number, withError: boolean): string {
  const time = formatBatchTime(b.batchTime, batchDuration);
  const cells = [
    `<td><a href="${batchHref(b.batchTime)}">${time}</a></td>`,
    `<td>${b.info.numRecords} records</td>`,
    `<td>${optionalDuration(b.info.schedulingDelay)}</td>`,
    `<td>${optionalDuration(b.info.processingDelay)}</td>`,
  ];
  if (kind === 'completed') cells.push(`<td>${optionalDuration(b.info.totalDelay)}</td>`);
  cells.push(`<td>${outputOps(b)}</td>`);
  if (kind !== 'completed') cells.push(`<td>${kind === 'running' ? 'processing' : 'queued'}</td>`);
  if (withError) cells.push(errorCell(failureOf(b), `error-${b.batchTime}`));
  return `<tr data-batch-time="${b.batchTime}">${cells.join('')}</tr>`;
}

function table(
  kind: Kind,
  title: string,
  batches: readonly BatchUIData[],
  paging: Paging,
  query: URLSearchParams,
  batchDuration: number,
): string {
  const newestFirst = [...batches].sort((a, b) => b.batchTime - a.batchTime);
  const shown = pageOf(newestFirst, paging);
  const withError = batches.some((b) => failureOf(b) !== undefined);
  const headings = [...COLUMNS[kind], ...(withError ? ['Error'] : [])];
  const nav = pagingNav(kind, kind, shown.page, shown.pages, query);
  return `<h2 id="${kind}">${title}</h2>
${nav}<div class="table-wrap" data-key="${kind}-batches">
<table id="${kind}-batches">
<thead><tr>${headings.map((h) => `<th>${h}</th>`).join('')}</tr></thead>
<tbody>
${shown.items.map((b) => row(kind, b, batchDuration, withError)).join('\n')}
</tbody>
</table>
</div>${batches.length === 0 ? `\n<p class="empty">No ${kind} batches.</p>` : ''}`;
}

/**
 * Spark's three batch tables, each newest first and paged (`running.page`, `waiting.page`,
 * `completed.page`, and `.pageSize`, 100 rows by default): every row links to its batch page, and
 * an Error column appears when a batch shown failed. A bad page parameter is a `400` message.
 */
export function batchTables(
  l: StreamingJobProgressListener,
  query: URLSearchParams,
): { readonly html: string } | { readonly badRequest: string } {
  const kinds: Kind[] = ['running', 'waiting', 'completed'];
  const paging = new Map<Kind, Paging>();
  for (const kind of kinds) {
    const read = readPaging(query, kind);
    if (typeof read === 'string') return { badRequest: read };
    paging.set(kind, read);
  }
  const running = l.runningBatches;
  const waiting = l.waitingBatches;
  const completed = l.retainedCompletedBatches;
  const d = l.batchDuration;
  return {
    html: [
      table(
        'running',
        `Running Batches (${running.length})`,
        running,
        paging.get('running')!,
        query,
        d,
      ),
      table(
        'waiting',
        `Waiting Batches (${waiting.length})`,
        waiting,
        paging.get('waiting')!,
        query,
        d,
      ),
      table(
        'completed',
        `Completed Batches (last ${completed.length} out of ${l.totalCompletedBatches})`,
        completed,
        paging.get('completed')!,
        query,
        d,
      ),
    ].join('\n'),
  };
}
