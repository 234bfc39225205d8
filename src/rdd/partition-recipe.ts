// Partitions a task thread can compute by itself from a short description, instead of receiving
// their records from the driver: a slice of a text file is read where it is processed, as an
// executor reads its split of a file.
import { readFileSync } from 'node:fs';

/** Lines `slice` of `slices` equal parts (by line position) of a UTF-8 text file. */
export interface TextFileSlice {
  readonly kind: 'textFile';
  readonly file: string;
  readonly slice: number;
  readonly slices: number;
}

/** What a task thread can compute by itself (plain data: it crosses threads as it is). */
export type PartitionRecipe = TextFileSlice;

/** Computes a partition from its recipe, in whichever thread runs this. */
export function computeRecipe(recipe: PartitionRecipe, emit: (line: string) => void): void {
  readTextFileSlice(recipe, emit);
}

export function readTextFileSlice(
  { file, slice, slices }: TextFileSlice,
  emit: (line: string) => void,
): void {
  const lines = splitLines(readFileSync(file, 'utf8'));
  const n = lines.length;
  const end = Math.floor(((slice + 1) * n) / slices);
  for (let i = Math.floor((slice * n) / slices); i < end; i++) emit(lines[i]!);
}

/** Lines end at `\n`, `\r\n` or `\r`; a final terminator does not make an empty last line. */
export function splitLines(text: string): string[] {
  if (text.length === 0) return [];
  const lines = text.split(/\r\n|\n|\r/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}
