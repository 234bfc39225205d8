// Spark's formats of times and durations (its UIUtils), and HTML escaping: everything the pages
// print goes through one of these.

/** Text as HTML text or attribute value: `&`, `<`, `>`, `"` and `'` as entities. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Spark's batch time: `yyyy/MM/dd HH:mm:ss` local time, with `.SSS` under a 1 s interval. */
export function formatBatchTime(ms: number, batchDuration: number): string {
  const d = new Date(ms);
  const base = `${d.getFullYear()}/${pad(d.getMonth() + 1)}/${pad(d.getDate())} ${clockTime(ms, 1000)}`;
  return batchDuration < 1000 ? `${base}.${pad(d.getMilliseconds(), 3)}` : base;
}

/** `HH:mm:ss` local time (`.SSS` under a 1 s step), as Spark labels its timelines' x axis. */
export function clockTime(ms: number, step: number): string {
  const d = new Date(ms);
  const base = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return step < 1000 ? `${base}.${pad(d.getMilliseconds(), 3)}` : base;
}

/** A duration that may not be known yet (a waiting batch has no delays): `-` then, as Spark. */
export function optionalDuration(ms: number | undefined): string {
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

/** A unit of the delay graphs: its label and how many ms it holds. */
export interface DurationUnit {
  readonly label: 'ms' | 's' | 'min' | 'h' | 'days';
  readonly ms: number;
}

/**
 * The unit in which Spark draws all the delay graphs, chosen from the largest value (its
 * `UIUtils.normalizeDuration`): ms under a second, then s, min, h, days.
 */
export function durationUnitFor(largestMs: number): DurationUnit {
  if (largestMs < 1000) return { label: 'ms', ms: 1 };
  if (largestMs < 60_000) return { label: 's', ms: 1000 };
  if (largestMs < 3_600_000) return { label: 'min', ms: 60_000 };
  if (largestMs < 86_400_000) return { label: 'h', ms: 3_600_000 };
  return { label: 'days', ms: 86_400_000 };
}

/** A duration in a graph's unit: whole ms, or two decimals of a larger unit (`1.25 s`). */
export function inUnit(ms: number, unit: DurationUnit): string {
  return unit.ms === 1 ? `${Math.round(ms)} ms` : `${(ms / unit.ms).toFixed(2)} ${unit.label}`;
}

/** A rate as Spark prints it, two decimals: `1.50`. */
export function formatRate(recordsPerSecond: number): string {
  return recordsPerSecond.toFixed(2);
}
