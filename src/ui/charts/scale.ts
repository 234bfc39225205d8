// Axes of the server-drawn charts: linear scales and round ticks, for values and for batch times.

/** Maps `[d0, d1]` linearly onto `[r0, r1]`; an empty domain maps to the middle of the range. */
export function linearScale(d0: number, d1: number, r0: number, r1: number): (x: number) => number {
  if (d1 === d0) return () => (r0 + r1) / 2;
  const k = (r1 - r0) / (d1 - d0);
  return (x) => r0 + (x - d0) * k;
}

/** A value axis from 0: its top (a whole number of steps) and its ticks. */
export interface ValueAxis {
  readonly top: number;
  readonly ticks: readonly number[];
}

/**
 * Round ticks from 0 up to at least `max`, in steps of 1, 2 or 5 × 10^k, at most `count` steps:
 * the axis of a timeline and the value side of its histogram. A max of 0 (nothing yet, or only
 * zeros) gets the axis 0..1.
 */
export function valueAxis(max: number, count = 4): ValueAxis {
  const wanted = max > 0 ? max : 1;
  const raw = wanted / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s * count >= wanted)!;
  const steps = Math.ceil(wanted / step - 1e-9);
  const ticks: number[] = [];
  for (let i = 0; i <= steps; i++) ticks.push(roundNoise(i * step));
  return { top: roundNoise(steps * step), ticks };
}

/** Count ticks: whole numbers from 0 to at least `max`, at most 4 steps of 1, 2 or 5 × 10^k. */
export function countAxis(max: number): ValueAxis {
  const wanted = Math.max(1, Math.ceil(max));
  let step: number | undefined;
  for (let magnitude = 1; step === undefined; magnitude *= 10)
    step = [1, 2, 5].map((m) => m * magnitude).find((s) => wanted / s <= 4);
  const steps = Math.ceil(wanted / step);
  return { top: steps * step, ticks: Array.from({ length: steps + 1 }, (_, i) => i * step) };
}

const TIME_STEPS = [
  100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000,
  900_000, 1_800_000, 3_600_000, 7_200_000, 21_600_000, 43_200_000, 86_400_000,
];

/**
 * Batch-time ticks at round steps (1 s, 5 s, 1 min, ...) within `[min, max]`, at most `count`
 * of them: the x axis of the timelines. One batch gets one tick, at its time; none (`max < min`)
 * gets none.
 */
export function timeTicks(
  min: number,
  max: number,
  count = 5,
): { step: number; ticks: readonly number[] } {
  if (max < min) return { step: 1000, ticks: [] };
  if (max === min) return { step: 1000, ticks: [min] };
  const step = TIME_STEPS.find((s) => (max - min) / s <= count) ?? 86_400_000 * 7;
  const ticks: number[] = [];
  for (let t = Math.ceil(min / step) * step; t <= max; t += step) ticks.push(t);
  return { step, ticks };
}

/** A tick label without floating-point noise: `0.30000000000000004` is `0.3`. */
export function roundNoise(x: number): number {
  return Number(x.toPrecision(12));
}
