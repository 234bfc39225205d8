// The benchmark's input must be the same lines in TypeScript and in Java, or the comparison with
// Spark compares different work: the generators are checked against the specified test vectors
// and checksums, and against each other.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  fnv1a,
  FNV_OFFSET,
  generateBatches,
  hex,
  KNOWN_CHECKSUMS,
  WordGenerator,
} from '../bench/lib/word-data.ts';
import { summarize } from '../bench/profile.ts';
import { measuredWindow, median, spread } from '../bench/lib/stats.ts';

describe('bench data generator', () => {
  it('follows xorshift32 from seed 42, one step per word', () => {
    const g = new WordGenerator();
    const words = Array.from({ length: 5 }, () => g.nextWordIndex());
    expect(words).toEqual([5432, 8348, 7059, 6016, 3556]); // 11355432, 2836018348, ... mod 10000
  });

  it('makes the specified first lines', () => {
    const g = new WordGenerator();
    expect(g.nextLine()).toBe('w5432 w8348 w7059 w6016 w3556 w8134 w6840 w4334 w6979 w7639');
    expect(g.nextLine()).toBe('w7562 w8227 w788 w5632 w9241 w3001 w5520 w5860 w6947 w3522');
  });

  it('gives the known checksums for small runs', () => {
    for (const [batches, lines, want] of KNOWN_CHECKSUMS.filter(([, n]) => n <= 1000)) {
      expect(generateBatches(batches, lines).fnv1a, `${batches} × ${lines}`).toBe(want);
    }
    expect(hex(fnv1a(FNV_OFFSET, ''))).toBe(hex(Math.imul(FNV_OFFSET ^ 10, 0x01000193)));
  });

  const javac = spawnSync('javac', ['-version']).status === 0;
  const ci = process.env.CI === 'true';
  if (!javac && !ci) console.warn('skipped: the Java generator check needs a JDK (javac) on PATH');
  const work = mkdtempSync(join(tmpdir(), 'dstream-bench-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it.runIf(javac || ci)('is the same in Java (bench/spark/src/WordData.java)', () => {
    const src = join(import.meta.dirname, '..', 'bench', 'spark', 'src', 'WordData.java');
    const compiled = spawnSync('javac', ['-d', work, src], { encoding: 'utf8' });
    expect(compiled.status, compiled.stderr).toBe(0);
    for (const [batches, lines] of [
      [5, 1000],
      [3, 0],
      [2, 777],
    ] as const) {
      const run = spawnSync('java', ['-cp', work, 'WordData', String(batches), String(lines)], {
        encoding: 'utf8',
      });
      expect(run.status, run.stderr).toBe(0);
      const java = (JSON.parse(run.stdout) as { fnv1a: string }).fnv1a;
      expect(java, `${batches} × ${lines}`).toBe(generateBatches(batches, lines).fnv1a);
    }
  });
});

describe('bench figures', () => {
  it('takes medians and ranges', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(spread([5, 1, 3])).toEqual({ median: 3, min: 1, max: 5, n: 3 });
  });

  it('ranks self time inside the measured window only, leaving idle time out', () => {
    const frame = (functionName: string) => ({
      functionName,
      url: '',
      lineNumber: -1,
      columnNumber: -1,
    });
    const profile = {
      nodes: [
        { id: 1, callFrame: frame('(idle)') },
        { id: 2, callFrame: frame('hot') },
        { id: 3, callFrame: frame('cold') },
        { id: 4, callFrame: frame('before') },
      ],
      startTime: 0,
      endTime: 60,
      // samples at t = 10, 20, ..., 60; each stands for the 10 µs until the next one
      samples: [4, 2, 2, 1, 3, 2],
      timeDeltas: [10, 10, 10, 10, 10, 10],
    };
    const s = summarize(profile, 15, 55, 10);
    expect(s.windowMs * 1000).toBe(40); // samples at 20, 30, 40, 50
    expect(s.busyMs * 1000).toBe(30);
    expect(s.top.map((l) => [l.name, Math.round(l.selfMs * 1000)])).toEqual([
      ['hot', 20],
      ['cold', 10],
    ]);
  });

  it('measures a Kafka run from the first batch after the warm-up records to the last batch', () => {
    const batch = (records: number, startMs: number, endMs: number) => ({
      records,
      startMs,
      endMs,
      processingMs: endMs - startMs,
    });
    // 2 warm-up batches' worth of records (200), then three measured batches with a 5 ms gap.
    const w = measuredWindow(
      [
        batch(100, 0, 50),
        batch(100, 50, 90),
        batch(100, 90, 120),
        batch(100, 125, 155),
        batch(40, 155, 170),
      ],
      200,
    );
    expect(w).toEqual({ records: 240, windowMs: 80, processingMs: 75, batches: 3, medianMs: 30 });
    // Batches of other sizes than the warm-up's: the window starts after the batch that completes it.
    expect(
      measuredWindow([batch(150, 0, 10), batch(150, 10, 20), batch(150, 20, 30)], 200).records,
    ).toBe(150);
    expect(measuredWindow([batch(100, 0, 10)], 200).batches).toBe(0);
  });
});
