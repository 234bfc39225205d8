// The pieces of the page's charts and cells: axes from 0 with round ticks that cover the largest
// value, whole-number count axes, batch-time ticks at round steps, histogram buckets, Spark's
// delay unit and its cut of a receiver's error.
import { describe, expect, it } from 'vitest';
import { countAxis, timeTicks, valueAxis } from '../src/ui/charts/scale.js';
import { bucketCounts } from '../src/ui/charts/histogram.js';
import { durationUnitFor, inUnit } from '../src/ui/pages/format.js';
import { receiverErrorText } from '../src/ui/pages/receivers-table.js';

describe('chart axes', () => {
  it('covers the largest value with at most 4 round steps from 0', () => {
    for (const max of [0, 0.4, 1, 3, 7, 183, 999, 1000, 1234, 86_000]) {
      const { top, ticks } = valueAxis(max);
      expect(top, String(max)).toBeGreaterThanOrEqual(max);
      expect(ticks[0]).toBe(0);
      expect(ticks.at(-1)).toBe(top);
      expect(ticks.length).toBeLessThanOrEqual(5);
      const step = ticks[1]! - ticks[0]!;
      // 1, 2, 2.5 or 5 times a power of ten.
      const mantissa = Number((step / 10 ** Math.floor(Math.log10(step))).toPrecision(6));
      expect([1, 2, 2.5, 5]).toContain(mantissa);
    }
  });

  it('counts in whole numbers', () => {
    for (const max of [0, 1, 4, 5, 14, 35, 1000]) {
      const { top, ticks } = countAxis(max);
      expect(top).toBeGreaterThanOrEqual(max);
      expect(ticks.every((t) => Number.isInteger(t))).toBe(true);
    }
  });

  it('puts batch-time ticks at round steps inside the batches shown', () => {
    const { step, ticks } = timeTicks(1_796_626_991_000, 1_796_627_034_000, 4);
    expect(step).toBe(15_000);
    expect(ticks.every((t) => t % step === 0 && t >= 1_796_626_991_000)).toBe(true);
    expect(timeTicks(5000, 5000).ticks).toEqual([5000]);
    expect(timeTicks(0, -1).ticks).toEqual([]);
  });
});

describe('histogram buckets', () => {
  it('counts every value once, the top of the axis in the last bucket', () => {
    expect(bucketCounts([0, 99, 100, 999, 1000], 1000)).toEqual([2, 1, 0, 0, 0, 0, 0, 0, 0, 2]);
  });
});

describe("Spark's formats", () => {
  it('picks the delay unit from the largest value', () => {
    expect(
      [999, 1000, 59_999, 60_000, 3_600_000, 86_400_000].map((ms) => durationUnitFor(ms).label),
    ).toEqual(['ms', 's', 's', 'min', 'h', 'days']);
    expect(inUnit(325, durationUnitFor(400))).toBe('325 ms');
    expect(inUnit(1250, durationUnitFor(2000))).toBe('1.25 s');
  });

  it("cuts a receiver's error as Spark: message - error, 97 characters and ... past 100", () => {
    expect(receiverErrorText('', '')).toBe('-');
    expect(receiverErrorText('bad', 'Error: x')).toBe('bad - Error: x');
    const long = receiverErrorText('m', 'e'.repeat(200));
    expect(long).toBe(`m - ${'e'.repeat(93)}...`);
    expect(long).toHaveLength(100);
    expect(receiverErrorText('m', 'e'.repeat(96))).toHaveLength(100);
  });
});
