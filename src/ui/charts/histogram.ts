import { escapeHtml } from '../pages/format.js';
import {
  CHART_HEIGHT,
  PLOT_BOTTOM,
  PLOT_TOP,
  fixed,
  svgOpen,
  yAxisMarkup,
  type Frame,
  type YAxis,
} from './axis.js';
import { countAxis, linearScale } from './scale.js';

export interface HistogramOptions {
  readonly label: string;
  readonly values: readonly number[];
  /** The value axis, the same as the timeline's beside it. */
  readonly y: YAxis;
  /** How a bucket's bounds read in its tooltip: `250 ms`. */
  formatValue(value: number): string;
}

const BUCKETS = 10;

const FRAME: Frame = {
  width: 300,
  height: CHART_HEIGHT,
  left: 56,
  right: 16,
  top: PLOT_TOP,
  bottom: PLOT_BOTTOM,
};

/** How many values fall in each of `buckets` equal buckets of `[0, top]` (`top` in the last). */
export function bucketCounts(values: readonly number[], top: number, buckets = BUCKETS): number[] {
  const counts = new Array<number>(buckets).fill(0);
  const width = top / buckets;
  for (const v of values) counts[Math.min(buckets - 1, Math.max(0, Math.floor(v / width)))]!++;
  return counts;
}

/**
 * A histogram as Spark draws one beside each timeline: the same value axis, upright, and a
 * horizontal bar per bucket (`rect.bar` with `data-count`) as long as the batches in it.
 */
export function histogram(o: HistogramOptions): string {
  const counts = bucketCounts(o.values, o.y.top);
  const countScale = countAxis(Math.max(0, ...counts));
  const x = linearScale(0, countScale.top, FRAME.left, FRAME.width - FRAME.right);
  const y = linearScale(0, o.y.top, FRAME.bottom, FRAME.top);
  const parts = [svgOpen('histogram', FRAME.width, o.label), yAxisMarkup(o.y, FRAME, y)];
  const ticks = countScale.ticks.map((c) => {
    const at = fixed(x(c));
    return `<line x1="${at}" x2="${at}" y1="${FRAME.bottom}" y2="${FRAME.bottom + 4}"/><text x="${at}" y="${FRAME.bottom + 18}" text-anchor="middle">${c}</text>`;
  });
  parts.push(
    `<g class="axis x"><line class="baseline" x1="${FRAME.left}" x2="${FRAME.width - FRAME.right}" y1="${FRAME.bottom}" y2="${FRAME.bottom}"/>${ticks.join('')}</g>`,
  );
  const width = o.y.top / BUCKETS;
  counts.forEach((count, i) => {
    if (count === 0) return;
    const low = i * width;
    const high = low + width;
    const y0 = y(high);
    const batches = count === 1 ? '1 batch' : `${count} batches`;
    parts.push(
      `<rect class="bar" x="${FRAME.left}" y="${fixed(y0 + 1)}" width="${fixed(x(count) - FRAME.left)}" height="${fixed(y(low) - y0 - 2)}" data-count="${count}"><title>${escapeHtml(`${batches}: ${o.formatValue(low)} to ${o.formatValue(high)}`)}</title></rect>`,
    );
  });
  parts.push('</svg>');
  return parts.join('');
}
