import { describe, expect, it } from 'vitest';
import { runBatches } from 'dstream/testing';

describe('smoke', () => {
  it('maps and reduces by key', async () => {
    const out = await runBatches({
      inputs: [[['a b a'], ['b'], null, []]],
      numBatches: 5,
      build: (_ssc, [lines]) =>
        lines!
          .flatMap((l) => l.split(' '))
          .map((w) => [w, 1] as const)
          .reduceByKey((a, b) => a + b),
    });
    expect(out.map((b) => [...b].sort())).toEqual([
      [
        ['a', 2],
        ['b', 1],
      ],
      [['b', 1]],
      [],
      [],
    ]);
  });

  it('counts', async () => {
    const out = await runBatches({
      inputs: [[[1, 2, 3], [], [4]]],
      numBatches: 3,
      build: (_ssc, [s]) => s!.count(),
    });
    expect(out).toEqual([[3], [0], [1]]);
  });
});
