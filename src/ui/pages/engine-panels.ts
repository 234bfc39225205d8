// What dstream's page shows beyond Spark's streaming tab: three sections the page includes,
// built from plain data (the engine listener's rows, the settings), every application text escaped.
import type { StateOperatorRow, TaskThreadRow } from '../engine-listener.js';
import { escapeHtml, formatBatchTime } from './format.js';

/**
 * Bytes as Spark's `Utils.bytesToString` writes them: the largest binary unit of which the size
 * is at least two, one decimal (`1500.0 B`, `2.9 KiB`, `61.0 MiB`).
 */
export function formatBytes(bytes: number): string {
  const units: [string, number][] = [
    ['EiB', 2 ** 60],
    ['PiB', 2 ** 50],
    ['TiB', 2 ** 40],
    ['GiB', 2 ** 30],
    ['MiB', 2 ** 20],
    ['KiB', 2 ** 10],
  ];
  for (const [unit, size] of units) {
    if (bytes >= 2 * size) return `${(bytes / size).toFixed(1)} ${unit}`;
  }
  return `${bytes.toFixed(1)} B`;
}

/** A table, or a line saying why there is none. */
function table(head: readonly string[], rows: readonly (readonly string[])[], empty: string) {
  if (rows.length === 0) return `<p>${escapeHtml(empty)}</p>`;
  const th = head.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((cells) => `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`);
  return `<table>\n<thead><tr>${th}</tr></thead>\n<tbody>\n${body.join('\n')}\n</tbody>\n</table>`;
}

function section(id: string, title: string, content: string): string {
  return `<section id="${id}">\n<h2>${escapeHtml(title)}</h2>\n${content}\n</section>`;
}

/**
 * `#state-operators`: every `updateStateByKey` and `mapWithState` with its keys, approximate bytes
 * and the last batch applied to all its partitions (a link to the batch page).
 */
export function stateOperatorsPanel(
  operators: readonly StateOperatorRow[],
  batchDuration: number,
): string {
  const rows = operators.map((op) => [
    `<span title="${escapeHtml(op.id)}">${escapeHtml(op.name)}</span>`,
    String(op.numKeys),
    escapeHtml(formatBytes(op.approximateBytes)),
    op.lastUpdatedBatch === undefined
      ? '-'
      : `<a href="batch/?id=${op.lastUpdatedBatch}">${escapeHtml(formatBatchTime(op.lastUpdatedBatch, batchDuration))}</a>`,
  ]);
  return section(
    'state-operators',
    `State (${operators.length} stateful operators)`,
    table(
      ['Operator', 'Keys', 'Approximate Size', 'Last Updated Batch'],
      rows,
      'No stateful operator (updateStateByKey, mapWithState) has reported its state yet.',
    ),
  );
}

/** `#task-threads`: the driver and the task threads of `local[N]`, with the tasks each ran. */
export function taskThreadsPanel(threads: readonly TaskThreadRow[]): string {
  const rows = threads.map((t) => [
    escapeHtml(t.thread),
    String(t.tasksSucceeded + t.tasksFailed),
    String(t.tasksFailed),
    escapeHtml(t.restarts > 0 ? `${t.status} (restarted ${t.restarts}×)` : t.status),
  ]);
  return section(
    'task-threads',
    'Task Threads',
    table(['Thread', 'Tasks Run', 'Tasks Failed', 'Status'], rows, 'No batch has completed yet.'),
  );
}

/** `#configuration`: every setting in force, sorted by key, values as given. */
export function configurationPanel(settings: readonly (readonly [string, string])[]): string {
  const rows = [...settings]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => [escapeHtml(key), escapeHtml(value)]);
  return section(
    'configuration',
    'Configuration',
    table(['Name', 'Value'], rows, 'No setting given.'),
  );
}
