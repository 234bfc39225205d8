import type { StreamingJobProgressListener } from '../progress-listener.js';
import { streamingStatistics } from '../statistics.js';
import { batchTables } from './batch-tables.js';
import { formatBatchTime, formatDurationVerbose } from './format.js';
import { messagePage, pageDocument, type PageAnswer } from './layout.js';
import { statTable } from './stat-table.js';

/** Spark's header line: the batch interval, how long and since when, batches and records. */
function header(l: StreamingJobProgressListener, now: number): string {
  if (l.startTime < 0) return 'Not started yet';
  return (
    `Running batches of <strong>${formatDurationVerbose(l.batchDuration)}</strong> for ` +
    `<strong>${formatDurationVerbose(now - l.startTime)}</strong> since ` +
    `<strong>${formatBatchTime(l.startTime, 1000)}</strong> ` +
    `(<strong>${l.totalCompletedBatches}</strong> completed batches, ` +
    `<strong>${l.totalReceivedRecords}</strong> records)`
  );
}

/** HTML sections of dstream's own, placed around Spark's batch tables. */
export interface BeyondSpark {
  readonly beforeBatches: string;
  readonly afterBatches: string;
}

/**
 * `/streaming/`, Spark's Streaming Statistics page: the header line, the statistics table
 * (timelines and histograms of the input rate and delays, the input streams) and the running,
 * waiting and completed batch tables (paged by the query's `<table>.page`). Server-rendered: the
 * page is whole without its script, which only refreshes it.
 *
 * `beyondSpark` holds what Spark's page lacks (the engine panels): the state and task-thread
 * panels go between the statistics and the batch tables, where a user looks for what the batches
 * cost; the configuration, long and seldom read, after the batch tables.
 */
export function statisticsPage(
  l: StreamingJobProgressListener,
  appName: string,
  query: URLSearchParams,
  now: number,
  beyondSpark: BeyondSpark = { beforeBatches: '', afterBatches: '' },
): PageAnswer {
  const tables = batchTables(l, query);
  if ('badRequest' in tables) return messagePage(l, appName, 400, tables.badRequest);
  const content = `<h1>Streaming Statistics</h1>
<p id="header">${header(l, now)}</p>
${statTable(l, streamingStatistics(l))}
${beyondSpark.beforeBatches}
${tables.html}
${beyondSpark.afterBatches}`;
  return {
    status: 200,
    html: pageDocument({
      appName,
      title: 'Streaming Statistics',
      content,
      batchDuration: l.batchDuration,
    }),
  };
}
