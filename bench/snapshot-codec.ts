// Encode/decode speed of state snapshots: 1 M string → number entries (the recovery budget for
// 1 M keys is 5 s). Run: npm run build && node_modules/.bin/node bench/snapshot-codec.ts [n]
import { performance } from 'node:perf_hooks';

// The built code (types from the sources, so that this file type-checks before a build).
const built = new URL('../dist/state/snapshot-codec.js', import.meta.url).href;
const { decodeSnapshot, encodeSnapshot } = (await import(
  built
)) as typeof import('../src/state/snapshot-codec.js');

const n = Number(process.argv[2] ?? 1_000_000);
const entries: (readonly [string, number])[] = [];
for (let i = 0; i < n; i++) entries.push([`key-${i}`, i % 3 === 0 ? i : i * 1.25]);

const best = (f: () => void): number => {
  let min = Infinity;
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    f();
    min = Math.min(min, performance.now() - t0);
  }
  return min;
};

let bytes: Buffer = Buffer.alloc(0);
const encodeMs = best(() => {
  bytes = encodeSnapshot({ entries });
});
let decoded = 0;
const decodeMs = best(() => {
  decoded = decodeSnapshot(bytes).entries.length;
});
if (decoded !== n) throw new Error(`decoded ${decoded} entries, expected ${n}`);
console.log(
  `${n} entries, ${(bytes.length / 1e6).toFixed(1)} MB: encode ${encodeMs.toFixed(0)} ms, decode ${decodeMs.toFixed(0)} ms (best of 5)`,
);
