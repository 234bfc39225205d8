import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { RDD } from '../rdd.js';
import type { SparkContext } from '../spark-context.js';
import type { Emit, TaskContext } from '../task-context.js';

/**
 * The lines of a UTF-8 text file, or of every visible file in a directory (one partition per file;
 * a single file is cut into `minPartitions` partitions by line position). Lines end at `\n`,
 * `\r\n` or `\r`; a final line terminator does not make an empty last line.
 */
export class TextFileRDD extends RDD<string> {
  private readonly files: string[];
  private readonly slices: number;

  constructor(context: SparkContext, path: string, minPartitions: number) {
    super(context, []);
    this.files = listInputFiles(path);
    this.slices = this.files.length === 1 ? Math.max(1, minPartitions) : 1;
  }

  get numPartitions(): number {
    return this.files.length * this.slices;
  }

  protected get kind(): string {
    return 'textFile';
  }

  protected compute(split: number, _task: TaskContext, emit: Emit<string>): void {
    const file = this.files[Math.floor(split / this.slices)]!;
    const lines = splitLines(readFileSync(file, 'utf8'));
    const slice = split % this.slices;
    const n = lines.length;
    const end = Math.floor(((slice + 1) * n) / this.slices);
    for (let i = Math.floor((slice * n) / this.slices); i < end; i++) emit(lines[i]!);
  }
}

export function splitLines(text: string): string[] {
  if (text.length === 0) return [];
  const lines = text.split(/\r\n|\n|\r/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function listInputFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .filter((name) => !name.startsWith('.') && !name.startsWith('_'))
    .sort()
    .map((name) => join(path, name))
    .filter((file) => statSync(file).isFile());
}
