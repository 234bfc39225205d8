import { escapeHtml } from '../pages/format.js';

/**
 * The value axis a timeline and its histogram share: its top and ticks in the metric's base unit
 * (records/s, or ms), and how a tick is labelled in the unit shown (`250`, `1.5`).
 */
export interface YAxis {
  readonly top: number;
  readonly ticks: readonly number[];
  readonly unit: string;
  tickLabel(value: number): string;
}

/** The plot area of a chart inside its `viewBox`. */
export interface Frame {
  readonly width: number;
  readonly height: number;
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

/** Timelines and histograms share the heights, so that their value axes line up side by side. */
export const CHART_HEIGHT = 180;
export const PLOT_TOP = 28;
export const PLOT_BOTTOM = CHART_HEIGHT - 28;

/** `<svg>` opening tag: scales to its container's width through `viewBox` (styled by class). */
export function svgOpen(className: string, width: number, label: string): string {
  return `<svg class="${className}" viewBox="0 0 ${width} ${CHART_HEIGHT}" role="img" aria-label="${escapeHtml(label)}">`;
}

/** Horizontal grid lines and labels of a value axis on the left of `frame`. */
export function yAxisMarkup(axis: YAxis, frame: Frame, y: (v: number) => number): string {
  const parts = [`<text class="unit" x="2" y="${PLOT_TOP - 12}">${escapeHtml(axis.unit)}</text>`];
  for (const tick of axis.ticks) {
    const at = fixed(y(tick));
    parts.push(
      `<line class="grid" x1="${frame.left}" x2="${frame.width - frame.right}" y1="${at}" y2="${at}"/>`,
      `<text x="${frame.left - 6}" y="${fixed(y(tick) + 4)}" text-anchor="end">${escapeHtml(axis.tickLabel(tick))}</text>`,
    );
  }
  return `<g class="axis y">${parts.join('')}</g>`;
}

/** A coordinate with at most one decimal: enough for a 600-unit-wide drawing, and short. */
export function fixed(x: number): string {
  return String(Math.round(x * 10) / 10);
}
