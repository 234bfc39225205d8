/** Small statistics for benchmark figures: medians with their ranges. */

export interface Spread {
  median: number;
  min: number;
  max: number;
  n: number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function spread(values: readonly number[]): Spread {
  if (values.length === 0) return { median: NaN, min: NaN, max: NaN, n: 0 };
  return {
    median: median(values),
    min: Math.min(...values),
    max: Math.max(...values),
    n: values.length,
  };
}

/** `1.23 (1.10–1.40)` with the given number of decimals. */
export function formatSpread(s: Spread, decimals = 2, scale = 1): string {
  const f = (x: number): string => (x * scale).toFixed(decimals);
  return s.n <= 1 ? f(s.median) : `${f(s.median)} (${f(s.min)}–${f(s.max)})`;
}

/** Lines per second as `1.23 M` or `456 k`. */
export function formatRate(linesPerSec: number): string {
  if (!Number.isFinite(linesPerSec)) return '–';
  return linesPerSec >= 1e6
    ? `${(linesPerSec / 1e6).toFixed(2)} M`
    : `${Math.round(linesPerSec / 1e3)} k`;
}

/** The nearest-rank percentile `p` (0–100) of `values`: a value that occurred, never interpolated. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * s.length));
  return s[Math.min(rank, s.length) - 1]!;
}

/** The least-squares slope of `ys` over `xs` (NaN with fewer than two distinct xs). */
export function slope(xs: readonly number[], ys: readonly number[]): number {
  const n = Math.min(xs.length, ys.length);
  if (n < 2) return NaN;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += xs[i]!;
    sy += ys[i]!;
  }
  const mx = sx / n;
  const my = sy / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? NaN : num / den;
}

/**
 * The measured window of a run's batches (bench/kafka.ts): the batches after the first
 * `warmupRecords` records, from the start of the first of them to the end of the last; their
 * records, the window's length, and their processing times added up.
 */
export function measuredWindow(
  batches: readonly { records: number; startMs: number; endMs: number; processingMs: number }[],
  warmupRecords: number,
): { records: number; windowMs: number; processingMs: number; batches: number; medianMs: number } {
  let before = 0;
  let k = 0;
  while (k < batches.length && before < warmupRecords) before += batches[k++]!.records;
  const measured = batches.slice(k);
  if (measured.length === 0)
    return { records: 0, windowMs: NaN, processingMs: NaN, batches: 0, medianMs: NaN };
  const records = measured.reduce((n, b) => n + b.records, 0);
  const windowMs = measured[measured.length - 1]!.endMs - measured[0]!.startMs;
  const processingMs = measured.reduce((n, b) => n + b.processingMs, 0);
  return {
    records,
    windowMs,
    processingMs,
    batches: measured.length,
    medianMs: median(measured.map((b) => b.processingMs)),
  };
}
