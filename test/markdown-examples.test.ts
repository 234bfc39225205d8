// The `ts` examples of the docs compile: each block is written out as a module and type-checked
// against the sources, with the project's compiler options, importing 'dstream' as users do.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { root } from './support/cli.js';

const documents = [
  'docs/extending.md',
  'docs/kafka.md',
  'docs/rdd.md',
  'docs/sinks.md',
  'docs/sql.md',
  'docs/flume.md',
];

/** The ```ts blocks of a markdown file, with the line each starts on. */
function tsBlocks(markdown: string): { line: number; code: string }[] {
  const blocks: { line: number; code: string }[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== '```ts') continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end] !== '```') end++;
    blocks.push({ line: start + 1, code: lines.slice(start, end).join('\n') + '\n' });
    i = end;
  }
  return blocks;
}

let tmp: string | undefined;
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('markdown examples', () => {
  it.each(documents)('every ts block of %s compiles', async (document) => {
    const blocks = tsBlocks(readFileSync(join(root, document), 'utf8'));
    expect(blocks.length).toBeGreaterThan(0);
    await mkdir(join(root, '.tmp'), { recursive: true });
    tmp = await mkdtemp(join(root, '.tmp', 'markdown-examples-'));
    const files = await Promise.all(
      blocks.map(async ({ line, code }) => {
        const file = join(tmp!, `line-${line}.ts`);
        await writeFile(file, code);
        return file;
      }),
    );
    await writeFile(
      join(tmp, 'tsconfig.json'),
      JSON.stringify({
        extends: relative(tmp, join(root, 'tsconfig.json')),
        compilerOptions: { noEmit: true, noUnusedLocals: false },
        include: [],
        files: files.map((f) => relative(tmp!, f)),
      }),
    );
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const output = await promisify(execFile)(process.execPath, [tsc, '-p', tmp]).then(
      () => '',
      (e: Error & { stdout?: string }) => e.stdout || e.message,
    );
    // Errors name the block by the line of the markdown file it starts on.
    expect(output.replaceAll(relative(root, tmp) + '/', `${document}: `)).toBe('');
  });
});
