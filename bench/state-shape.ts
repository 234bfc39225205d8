// What the shape check of a restored state costs (docs/checkpoint-format.md, "A state that no
// longer matches the code"): summarising a sample of 1,000 of N restored states, and comparing
// 1,000 states with that summary, for numeric states and for nested objects. Both run once per
// restore, beside a restore of N entries (about 0.6 s for 1 M, bench/RESULTS.md "Recovery").
// Run: npm run build && node_modules/.bin/node bench/state-shape.ts [n]
import { performance } from 'node:perf_hooks';

// The built code (types from the sources, so that this file type-checks before a build).
const built = new URL('../dist/state/index.js', import.meta.url).href;
const { sampleShape } = (await import(built)) as typeof import('../src/state/index.js');

const n = Number(process.argv[2] ?? 1_000_000);

/** The median of 21 runs of `f`, in ms. */
function median(f: () => void): number {
  const times: number[] = [];
  for (let r = 0; r < 21; r++) {
    const t0 = performance.now();
    f();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[10]!;
}

const kinds: Record<string, (i: number) => unknown> = {
  number: (i) => i,
  object: (i) => ({ total: i, n: 1, last: { at: i, tags: ['a', 'b'] } }),
};
for (const [kind, make] of Object.entries(kinds)) {
  const states = Array.from({ length: n }, (_, i) => make(i));
  const shape = sampleShape(n, (i) => states[i]);
  const sampleMs = median(() => sampleShape(n, (i) => states[i]));
  let mismatches = 0;
  const checkMs = median(() => {
    for (let i = 0; i < 1000; i++) if (shape.mismatch(states[i]) !== undefined) mismatches++;
  });
  if (mismatches > 0) throw new Error(`${mismatches} states do not match their own shape`);
  console.log(
    `${kind} states (${shape.toString()}): summary of 1,000 of ${n} ${sampleMs.toFixed(3)} ms, 1,000 checks ${checkMs.toFixed(3)} ms (medians of 21)`,
  );
}
