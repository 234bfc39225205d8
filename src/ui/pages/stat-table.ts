import type { YAxis } from '../charts/axis.js';
import { histogram } from '../charts/histogram.js';
import { roundNoise, valueAxis } from '../charts/scale.js';
import { timeline } from '../charts/timeline.js';
import type { StreamingJobProgressListener } from '../progress-listener.js';
import type { Series, StreamingStatistics } from '../statistics.js';
import { batchHref } from './batch-tables.js';
import {
  durationUnitFor,
  escapeHtml,
  formatBatchTime,
  formatDuration,
  formatRate,
  inUnit,
} from './format.js';
import { receiversTable, type RateCharts } from './receivers-table.js';

const maxOf = (s: Series): number => s.reduce((m, [, v]) => Math.max(m, v), 0);

/**
 * The value axis of the three delay graphs, as Spark's: one unit for all (ms, s, min, h or days,
 * from the largest delay) and one range, which reaches the batch interval too so that the
 * processing time is always seen against it.
 */
function delayAxis(stats: StreamingStatistics, batchDuration: number) {
  const largest = Math.max(
    maxOf(stats.schedulingDelay),
    maxOf(stats.processingTime),
    maxOf(stats.totalDelay),
  );
  const unit = durationUnitFor(largest);
  const inUnits = valueAxis(Math.max(largest, batchDuration) / unit.ms);
  const y: YAxis = {
    top: inUnits.top * unit.ms,
    ticks: inUnits.ticks.map((t) => t * unit.ms),
    unit: unit.label,
    tickLabel: (ms) => String(roundNoise(ms / unit.ms)),
  };
  return { unit, y };
}

interface Row {
  readonly metric: string;
  readonly title: string;
  readonly hint: string;
  readonly avg: string;
  readonly extra?: string;
  readonly timeline: string;
  readonly histogram: string;
  /** A cell across the whole table under the charts (the input rate's per-stream table). */
  readonly below?: string;
}

function rowMarkup(r: Row): string {
  return `<tr data-metric="${r.metric}">
<td class="metric"><strong>${r.title}</strong><p class="hint">${r.hint}</p>${r.extra ?? ''}<div class="avg">${escapeHtml(r.avg)}</div></td>
<td class="chart">${r.timeline}</td>
<td class="chart">${r.histogram}</td>
${r.below === undefined ? '' : `<td class="receivers-cell">${r.below}</td>\n`}</tr>`;
}

/**
 * Spark's statistics table: input rate, scheduling delay, processing time and total delay, each
 * a timeline of the retained batches beside a histogram of the same values and Spark's average;
 * the input rate row holds the per-input-stream table. Delay graphs share one axis, rate graphs
 * one maximum, and every timeline spans the same batch times.
 */
export function statTable(l: StreamingJobProgressListener, stats: StreamingStatistics): string {
  const d = l.batchDuration;
  const from = stats.batches[0]?.batchTime ?? 0;
  const to = stats.batches.at(-1)?.batchTime ?? -1;
  const rates: number[] = [maxOf(stats.inputRate)];
  for (const s of l.inputStreams) rates.push(maxOf(l.receivedRecordRates(s.streamId)));
  const rateAxis = valueAxis(Math.max(...rates));
  const rateY: YAxis = { ...rateAxis, unit: 'records/sec', tickLabel: (v) => String(v) };
  const rateCharts: RateCharts = {
    from,
    to,
    y: rateY,
    tooltip: (t, r) => `${formatBatchTime(t, d)}: ${formatRate(r)} records/sec`,
  };
  const { unit, y } = delayAxis(stats, d);
  const delayRow = (
    metric: string,
    title: string,
    hint: string,
    series: Series,
    avg: number | undefined,
    withInterval = false,
  ): Row => ({
    metric,
    title,
    hint,
    avg: `Avg: ${avg === undefined ? '-' : inUnit(avg, unit)}`,
    timeline: timeline({
      label: `${title} timeline`,
      points: series,
      from,
      to,
      y,
      tooltip: (t, ms) => `${formatBatchTime(t, d)}: ${inUnit(ms, unit)}`,
      link: batchHref,
      reference: withInterval
        ? { className: 'batch-interval', value: d, label: `batch interval ${formatDuration(d)}` }
        : undefined,
    }),
    histogram: histogram({
      label: `${title} histogram`,
      values: series.map(([, v]) => v),
      y,
      formatValue: (ms) => inUnit(ms, unit),
    }),
  });
  const receiverBased = l.inputStreams.filter((s) => s.receiverBased).length;
  const rows: Row[] = [
    {
      metric: 'input-rate',
      title: 'Input Rate',
      hint: 'Records per second of each batch, over all input streams',
      avg: `Avg: ${stats.avgInputRate === undefined ? '-' : formatRate(stats.avgInputRate)} events/sec`,
      extra:
        receiverBased > 0
          ? `<div>Receivers: ${l.numActiveReceivers} / ${receiverBased} active</div>`
          : undefined,
      timeline: timeline({
        label: 'Input rate timeline',
        points: stats.inputRate,
        ...rateCharts,
        link: batchHref,
      }),
      histogram: histogram({
        label: 'Input rate histogram',
        values: stats.inputRate.map(([, v]) => v),
        y: rateY,
        formatValue: (r) => `${formatRate(r)} records/sec`,
      }),
      below: receiversTable(l, rateCharts),
    },
    delayRow(
      'scheduling-delay',
      'Scheduling Delay',
      'Time taken by Streaming scheduler to submit jobs of a batch',
      stats.schedulingDelay,
      stats.avgSchedulingDelay,
    ),
    delayRow(
      'processing-time',
      'Processing Time',
      'Time taken to process all jobs of a batch',
      stats.processingTime,
      stats.avgProcessingTime,
      true,
    ),
    delayRow(
      'total-delay',
      'Total Delay',
      'Total time taken to handle a batch',
      stats.totalDelay,
      stats.avgTotalDelay,
    ),
  ];
  const active = l.waitingBatches.length + l.runningBatches.length;
  const completed = l.retainedCompletedBatches.length;
  return `<table id="stat-table">
<caption>Timelines (Last ${stats.batches.length} batches, ${active} active, ${completed} completed)</caption>
<thead><tr><th>Metric</th><th>Timeline</th><th>Histogram</th></tr></thead>
<tbody>
${rows.map(rowMarkup).join('\n')}
</tbody>
</table>`;
}
