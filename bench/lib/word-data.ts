/**
 * The benchmark's input, identical to bench/spark/src/WordData.java (README.md, "Data"):
 * xorshift32 (shifts 13, 17, 5) from seed 42, one step per word, word = `w` + (state mod 10000)
 * read unsigned, ten words per line joined by single spaces. One generator per process, never
 * re-seeded: batch k of B lines is lines kB .. kB+B-1 of the run, warm-up batches first.
 */

/** FNV-1a 32-bit offset basis: the checksum of no lines at all. */
export const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const VOCABULARY = 10_000;
const WORDS_PER_LINE = 10;

export class WordGenerator {
  private state = 42;
  private readonly words: string[] = new Array<string>(WORDS_PER_LINE);

  /** The next word's index in the vocabulary (int32 arithmetic gives xorshift32's bits). */
  nextWordIndex(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x;
    return (x >>> 0) % VOCABULARY;
  }

  /**
   * The next line. `join` builds a flat string; `a + ' ' + b` would build a rope that the first
   * timed `split` would have to flatten, charging generation work to the measured batch.
   */
  nextLine(): string {
    const words = this.words;
    for (let j = 0; j < WORDS_PER_LINE; j++) words[j] = 'w' + this.nextWordIndex();
    return words.join(' ');
  }
}

/** Folds one line and its terminating `\n` into a running FNV-1a checksum (lines are ASCII). */
export function fnv1a(hash: number, line: string): number {
  let h = hash;
  for (let i = 0; i < line.length; i++) h = Math.imul(h ^ line.charCodeAt(i), FNV_PRIME);
  return Math.imul(h ^ 10, FNV_PRIME) >>> 0;
}

/** The checksum as every program of the benchmark prints it: 8 lowercase hex digits. */
export function hex(hash: number): string {
  return (hash >>> 0).toString(16).padStart(8, '0');
}

export interface GeneratedBatches {
  batches: string[][];
  fnv1a: string;
  genMs: number;
}

/** `count` batches of `linesPerBatch` lines, from a fresh generator, with their checksum. */
export function generateBatches(count: number, linesPerBatch: number): GeneratedBatches {
  const t0 = performance.now();
  const gen = new WordGenerator();
  let h = FNV_OFFSET;
  const batches: string[][] = [];
  for (let b = 0; b < count; b++) {
    const lines = new Array<string>(linesPerBatch);
    for (let i = 0; i < linesPerBatch; i++) {
      const line = gen.nextLine();
      h = fnv1a(h, line);
      lines[i] = line;
    }
    batches.push(lines);
  }
  return { batches, fnv1a: hex(h), genMs: Math.round(performance.now() - t0) };
}

/**
 * Checksums of known runs (batches × lines per batch), seen identical from the Spark driver, the
 * Java generator and this one; `npm run bench -- check` verifies them.
 */
export const KNOWN_CHECKSUMS: readonly (readonly [number, number, string])[] = [
  [5, 1_000, '00ac4908'],
  [25, 1_000, '39db41a3'],
  [40, 1_000, 'd2da318e'],
  [20, 100_000, 'd90d6fc1'],
  [40, 100_000, '442d09fb'],
  [13, 1_000_000, 'eefb9422'],
  [3, 0, '811c9dc5'],
];
