// Memory and per-batch cost of the state maps (src/state), measured in one process.
//
//   npm run build
//   node_modules/.bin/node --expose-gc scripts/state-footprint.ts memory 1000000
//   node_modules/.bin/node --expose-gc --max-old-space-size=8192 scripts/state-footprint.ts batch 100000 10000000
//
// `memory N`: heap bytes per key of N string keys (`key<i>`) with a numeric state, for a plain
// `Map<string, number>` and for StateMap without and with last-updated times; the key strings
// themselves are reported apart (they exist whatever holds them).
// `batch N...`: for each N, maps of N keys, then batches of 100 000 records on random keys
// applied as mapWithState does (lookup, update or insert, undo log, trim after the batch), next to
// a plain Map; prints the fastest warm batch (ms) and the ratio to the first N.

/** What this script uses of `StateMap` (loaded from the build: src/state is not public API). */
interface StateMapLike<K, S> {
  lookup(key: K): number;
  valueAt(slot: number): S;
  insert(key: K, value: S, time: number): void;
  update(slot: number, key: K, value: S, time: number): void;
  beginVersion(time: number): void;
  endVersion(): void;
  trim(oldestReadable: number): void;
}
type StateMapClass = new <K, S>(options?: { trackTimes?: boolean }) => StateMapLike<K, S>;
const { StateMap } = (await import(new URL('../dist/state/index.js', import.meta.url).href)) as {
  StateMap: StateMapClass;
};

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

function heap(): number {
  gc!();
  gc!();
  // Typed arrays (the times column) live outside the heap, in array buffers.
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

function keys(n: number): string[] {
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) out[i] = `key${i}`;
  return out;
}

function memory(n: number): void {
  const h0 = heap();
  const ks = keys(n);
  const h1 = heap();
  const keyBytes = (h1 - h0) / n - 8; // minus the array slot holding each key
  const per = (build: () => unknown): number => {
    const before = heap();
    const held = build();
    const after = heap();
    if (!held) throw new Error('unreachable');
    return (after - before) / n;
  };
  const plain = per(() => {
    const m = new Map<string, number>();
    for (let i = 0; i < n; i++) m.set(ks[i]!, 1 + (i % 100));
    return m;
  });
  const noTimes = per(() => {
    const m = new StateMap<string, number>();
    for (let i = 0; i < n; i++) m.insert(ks[i]!, 1 + (i % 100), 0);
    return m;
  });
  const withTimes = per(() => {
    const m = new StateMap<string, number>({ trackTimes: true });
    for (let i = 0; i < n; i++) m.insert(ks[i]!, 1 + (i % 100), 1_700_000_000_000 + i);
    return m;
  });
  const f = (x: number) => x.toFixed(1).padStart(6);
  console.log(`keys: ${n}; key string itself: ${f(keyBytes)} B/key`);
  console.log(`Map<string, number>        ${f(plain)} B/key  (+ key: ${f(plain + keyBytes)})`);
  console.log(`StateMap                   ${f(noTimes)} B/key  (+ key: ${f(noTimes + keyBytes)})`);
  console.log(
    `StateMap with times        ${f(withTimes)} B/key  (+ key: ${f(withTimes + keyBytes)})`,
  );
  if (ks.length !== n) throw new Error('unreachable');
}

function batches(sizes: number[]): void {
  const records = 100_000;
  const rounds = 15;
  const first = new Map<string, number>();
  for (const n of sizes) {
    const ks = keys(n);
    // Three stores of the same N keys: a plain Map (the ceiling: one lookup, one set), and
    // StateMap without and with last-updated times (lookup, update or insert, undo log, trim).
    const plain = new Map<string, number>();
    const bare = new StateMap<string, number>();
    const timed = new StateMap<string, number>({ trackTimes: true });
    for (let i = 0; i < n; i++) {
      plain.set(ks[i]!, 0);
      bare.insert(ks[i]!, 0, 0);
      timed.insert(ks[i]!, 0, 0);
    }
    let next = n;
    let seed = 42;
    const rand = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 4294967296;
    };
    const runs: Record<string, number[]> = { plain: [], bare: [], timed: [] };
    for (let b = 1; b <= rounds; b++) {
      // Each batch: 95 % existing keys at random, 5 % new ones.
      const batch = new Array<string>(records);
      for (let i = 0; i < records; i++) {
        batch[i] = rand() < 0.95 ? ks[Math.floor(rand() * n)]! : `key${next++}`;
      }
      const now = b * 1000;
      let t0 = performance.now();
      for (let i = 0; i < records; i++) {
        const key = batch[i]!;
        plain.set(key, (plain.get(key) ?? 0) + 1);
      }
      runs['plain']!.push(performance.now() - t0);
      for (const [name, m] of [
        ['bare', bare],
        ['timed', timed],
      ] as const) {
        t0 = performance.now();
        m.beginVersion(now);
        for (let i = 0; i < records; i++) {
          const key = batch[i]!;
          const slot = m.lookup(key);
          if (slot >= 0) m.update(slot, key, m.valueAt(slot) + 1, now);
          else m.insert(key, 1, now);
        }
        m.endVersion();
        m.trim(now);
        runs[name]!.push(performance.now() - t0);
      }
    }
    const line = Object.entries(runs).map(([name, times]) => {
      // The fastest warm batch: on a shared machine the minimum is what the code costs.
      const best = Math.min(...times.slice(3));
      if (!first.has(name)) first.set(name, best);
      return `${name} ${best.toFixed(1).padStart(6)} ms (${(best / first.get(name)!).toFixed(2)}x)`;
    });
    console.log(`${String(n).padStart(9)} keys, ${records} records/batch: ${line.join('  ')}`);
  }
}

const [mode, ...args] = process.argv.slice(2);
const sizes = args.map(Number);
if (mode === 'memory') memory(sizes[0] ?? 1_000_000);
else if (mode === 'batch') batches(sizes.length > 0 ? sizes : [100_000, 10_000_000]);
else throw new Error('usage: state-footprint.ts memory N | batch N...');
