// The layer, cycle, package-entry and augmentation guards of eslint.config.js fire, and the tree
// passes them. Each probe is source text linted as if it were a file under src/: nothing is written
// to disk, so a failed run leaves nothing behind.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ESLint, type Linter } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const guards = ['import-x/no-cycle', 'import-x/no-restricted-paths', 'no-restricted-syntax'];

// The repository's own config, with only the guards under test. Type information is off: these
// rules do not use it, and without it a probe may name a file that does not exist.
const eslint = new ESLint({
  cwd: root,
  overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
  ruleFilter: ({ ruleId }) => guards.includes(ruleId),
});

async function lintProbe(filePath: string, code: string): Promise<Linter.LintMessage[]> {
  const [result] = await eslint.lintText(code, { filePath });
  const fatal = result!.messages.filter((m) => m.fatal);
  expect(fatal, 'the probe parses').toEqual([]);
  return result!.messages;
}

/** The rules that reported, one entry per report. */
async function rulesReported(filePath: string, code: string): Promise<(string | null)[]> {
  return (await lintProbe(filePath, code)).map((m) => m.ruleId);
}

describe('lint guards', () => {
  // Linting the tree first also parses the import graph once; the probes then reuse it.
  beforeAll(async () => {
    const results = await eslint.lintFiles(['src']);
    const errors = results.flatMap((r) =>
      r.messages.map((m) => `${r.filePath}:${m.line} ${m.ruleId}: ${m.message}`),
    );
    expect(errors, 'src passes the guards').toEqual([]);
    expect(results.length, 'src was linted').toBeGreaterThan(50);
  });

  it('an upward import (rdd importing streaming) is reported', async () => {
    const code = `import { StreamingContext } from '../streaming/streaming-context.js';
export const probe = StreamingContext;
`;
    expect(await rulesReported('src/rdd/lint-probe.ts', code)).toEqual([
      'import-x/no-restricted-paths',
    ]);
  });

  it('a downward import, and src/errors.ts from any layer, pass', async () => {
    const code = `import { Receiver } from '../receiver/index.js';
import { DStreamError } from '../errors.js';
export const probe = [Receiver, DStreamError];
`;
    expect(await rulesReported('src/dstream/lint-probe.ts', code)).toEqual([]);
  });

  it('a two-file cycle is reported', async () => {
    // rdd/index.ts imports rdd/rdd.ts; the probe stands in for rdd.ts and imports the index back.
    expect(readFileSync(`${root}/src/rdd/index.ts`, 'utf8')).toContain("from './rdd.js'");
    const code = `import { SparkContext } from './index.js';
export const probe = SparkContext;
`;
    expect(await rulesReported('src/rdd/rdd.ts', code)).toEqual(['import-x/no-cycle']);
  });

  it('a type-only import closing a cycle passes: it is erased at runtime', async () => {
    const code = `import type { SparkContext } from './index.js';
export type Probe = SparkContext;
`;
    expect(await rulesReported('src/rdd/rdd.ts', code)).toEqual([]);
  });

  it('a layer importing the package entry src/index.ts is reported; the CLI may', async () => {
    const code = `import { RDD } from '../index.js';
export const probe = RDD;
`;
    expect(await rulesReported('src/dstream/lint-probe.ts', code)).toEqual([
      'import-x/no-restricted-paths',
    ]);
    expect(await rulesReported('src/cli/lint-probe.ts', code)).toEqual([]);
  });

  it('an integration importing another, or a core layer importing one, is reported', async () => {
    const sinkFiles = `import { saveAsPartitionedTextFile } from '../../sinks/files/index.js';
export const probe = saveAsPartitionedTextFile;
`;
    const restricted = ['import-x/no-restricted-paths'];
    expect(await rulesReported('src/sinks/jdbc/lint-probe.ts', sinkFiles)).toEqual(restricted);
    expect(await rulesReported('src/sources/kafka/lint-probe.ts', sinkFiles)).toEqual(restricted);
    expect(await rulesReported('src/sources/queue/lint-probe.ts', sinkFiles)).toEqual(restricted);
  });

  it('a sink importing streaming is reported', async () => {
    const code = `import { StreamingContext } from '../../streaming/streaming-context.js';
export const probe = StreamingContext;
`;
    expect(await rulesReported('src/sinks/files/lint-probe.ts', code)).toEqual([
      'import-x/no-restricted-paths',
    ]);
  });

  it('module augmentation in an integration is reported; in a core source it passes', async () => {
    const code = `declare module '../../rdd/rdd.js' {
  interface RDD<T> {
    probe(): T;
  }
}
export {};
`;
    expect(await rulesReported('src/sinks/files/lint-probe.ts', code)).toEqual([
      'no-restricted-syntax',
    ]);
    expect(await rulesReported('src/sources/kafka/lint-probe.ts', code)).toEqual([
      'no-restricted-syntax',
    ]);
    expect(await rulesReported('src/sources/queue/lint-probe.ts', code)).toEqual([]);
  });
});
