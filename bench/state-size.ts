/**
 * What the web UI's state report costs per batch (onStateUpdated: keys and approximate bytes of a
 * state), with 100 K and 1 M keys in a state of 2 partitions: `size` plus the estimate of 16
 * sampled entries per partition: it never walks the keys. Beside
 * it, the estimated bytes per key (compare with `npm run bench -- state`, which measures them).
 *
 *   node bench/run.ts state-size [--rounds 10000]
 */
import { parseArgs } from 'node:util';
import { ensureBuilt } from './lib/machine.ts';

export async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({ args: [...argv], options: { rounds: { type: 'string' } } });
  const rounds = Number(values.rounds ?? 10_000);
  ensureBuilt();
  // The state map is internal (not in the package's exports): read from the build.
  const { StateMap } = (await import(
    new URL('../dist/state/index.js', import.meta.url).href
  )) as typeof import('../src/state/index.ts');
  for (const keys of [100_000, 1_000_000]) {
    const stores = [new StateMap<string, number>(), new StateMap<string, number>()];
    // Keys as `npm run bench -- state` makes them: 'key' + i, flat strings, numeric states.
    for (let i = 0; i < keys; i++) stores[i & 1]!.set('key' + i, i, 0);
    const report = () => {
      let n = 0;
      let bytes = 0;
      for (const s of stores) {
        n += s.size;
        bytes += s.approximateBytes(16);
      }
      return bytes / n;
    };
    for (let i = 0; i < 1000; i++) report(); // warm-up
    const start = performance.now();
    let perKey = 0;
    for (let i = 0; i < rounds; i++) perKey = report();
    const us = ((performance.now() - start) * 1000) / rounds;
    console.log(
      `${keys.toLocaleString('en')} keys: ${us.toFixed(2)} µs per report, estimated ${perKey.toFixed(1)} B/key`,
    );
  }
}
