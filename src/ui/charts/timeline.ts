import type { Series } from '../statistics.js';
import { clockTime, escapeHtml } from '../pages/format.js';
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
import { linearScale, timeTicks } from './scale.js';

export interface TimelineOptions {
  /** What the chart shows, for screen readers: `Input rate timeline`. */
  readonly label: string;
  readonly points: Series;
  /** The batch times the x axis spans (shared by every timeline of the page). */
  readonly from: number;
  readonly to: number;
  readonly y: YAxis;
  /** A point's tooltip, plain text (escaped here). */
  tooltip(batchTime: number, value: number): string;
  /** Where a click on a point leads (its batch page), if anywhere. */
  link?(batchTime: number): string;
  /** A horizontal reference line (the batch interval on the processing-time timeline). */
  readonly reference?: {
    readonly className: string;
    readonly value: number;
    readonly label: string;
  };
}

const FRAME: Frame = {
  width: 560,
  height: CHART_HEIGHT,
  left: 56,
  right: 16,
  top: PLOT_TOP,
  bottom: PLOT_BOTTOM,
};

/**
 * A timeline as Spark's streaming page draws one, in plain SVG: x is the batch time, one point
 * per batch (`circle` with `data-batch-time` and `data-value` in the base unit, and a `<title>`
 * tooltip), joined by a line, over a value axis shared with the other graphs of the metric.
 */
export function timeline(o: TimelineOptions): string {
  const x = linearScale(o.from, o.to, FRAME.left + 6, FRAME.width - FRAME.right - 6);
  const y = linearScale(0, o.y.top, FRAME.bottom, FRAME.top);
  const parts = [svgOpen('timeline', FRAME.width, o.label), yAxisMarkup(o.y, FRAME, y)];
  parts.push(xAxis(o.from, o.to, x));
  if (o.reference) {
    const at = fixed(y(o.reference.value));
    parts.push(
      `<line class="${o.reference.className}" x1="${FRAME.left}" x2="${FRAME.width - FRAME.right}" y1="${at}" y2="${at}"><title>${escapeHtml(o.reference.label)}</title></line>`,
      `<text class="reference-label" x="${FRAME.width - FRAME.right}" y="${fixed(y(o.reference.value) - 4)}" text-anchor="end">${escapeHtml(o.reference.label)}</text>`,
    );
  }
  const n = o.points.length;
  const cx = new Array<string>(n);
  const cy = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const [t, v] = o.points[i]!;
    cx[i] = fixed(x(t));
    cy[i] = fixed(y(v));
  }
  if (n > 1)
    parts.push(
      `<polyline class="series" points="${cx.map((c, i) => `${c},${cy[i]}`).join(' ')}"/>`,
    );
  // Hundreds of batches side by side: smaller points, so that the line stays readable.
  const r = n > 120 ? 1.6 : 3;
  for (let i = 0; i < n; i++) {
    const [t, v] = o.points[i]!;
    const circle = `<circle cx="${cx[i]}" cy="${cy[i]}" r="${r}" data-batch-time="${t}" data-value="${v}"><title>${escapeHtml(o.tooltip(t, v))}</title></circle>`;
    parts.push(o.link ? `<a href="${escapeHtml(o.link(t))}">${circle}</a>` : circle);
  }
  parts.push('</svg>');
  return parts.join('');
}

function xAxis(from: number, to: number, x: (t: number) => number): string {
  const { step, ticks } = timeTicks(from, to, 4);
  const baseline = `<line class="baseline" x1="${FRAME.left}" x2="${FRAME.width - FRAME.right}" y1="${FRAME.bottom}" y2="${FRAME.bottom}"/>`;
  const labels = ticks.map((t) => {
    const at = fixed(x(t));
    return `<line x1="${at}" x2="${at}" y1="${FRAME.bottom}" y2="${FRAME.bottom + 4}"/><text x="${at}" y="${FRAME.bottom + 18}" text-anchor="middle">${clockTime(t, step)}</text>`;
  });
  return `<g class="axis x">${baseline}${labels.join('')}</g>`;
}
