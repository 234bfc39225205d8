// Calibration for local[N] measurements on a shared machine: how much faster do two threads do the
// same CPU-bound work than one, right now? Each thread generates its own 500k lines (the
// benchmarks' WordCount data) and counts words with a Map, 6 times; the
// median of the last 4 is reported, for one thread alone and for two at once.
// Usage: node scripts/thread-scaling.ts [lines=500000] [rounds=3]
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

function generate(n: number, seed: number): string[] {
  let x = seed;
  const words = new Array<string>(10);
  const lines = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 10; j++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      words[j] = 'w' + ((x >>> 0) % 10000);
    }
    lines[i] = words.join(' ');
  }
  return lines;
}

function countWords(lines: string[]): number {
  const counts = new Map<string, number>();
  for (const line of lines) {
    const ws = line.split(' ');
    for (const w of ws) counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  return counts.size;
}

if (isMainThread) {
  const lines = Number(process.argv[2] ?? 500_000);
  const rounds = Number(process.argv[3] ?? 3);
  const run = (threads: number) =>
    new Promise<{ wallMs: number }[]>((resolve) => {
      const results: { wallMs: number }[] = [];
      for (let i = 0; i < threads; i++) {
        const w = new Worker(new URL(import.meta.url), { workerData: { lines, seed: 42 + i } });
        w.on('message', (m: { wallMs: number }) => {
          results.push(m);
          void w.terminate();
          if (results.length === threads) resolve(results);
        });
      }
    });
  for (let r = 0; r < rounds; r++) {
    const [alone] = await run(1);
    const together = await run(2);
    const slowest = Math.max(...together.map((m) => m.wallMs));
    console.log(
      JSON.stringify({
        aloneMs: alone!.wallMs,
        togetherMs: together.map((m) => m.wallMs),
        // Throughput of two threads over one: 2.0 on two free cores.
        scaling: +((2 * alone!.wallMs) / slowest).toFixed(2),
      }),
    );
  }
} else {
  const data = workerData as { lines: number; seed: number };
  const lines = generate(data.lines, data.seed);
  const walls: number[] = [];
  for (let r = 0; r < 6; r++) {
    const t0 = performance.now();
    countWords(lines);
    walls.push(performance.now() - t0);
  }
  const last = walls.slice(2).sort((a, b) => a - b);
  parentPort!.postMessage({ wallMs: Math.round((last[1]! + last[2]!) / 2) });
}
