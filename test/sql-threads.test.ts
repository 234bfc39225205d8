// sqlStream under local[2] on task threads: the threads replay the transform and map the query's
// rows, read from the driver, with the results of the same application run inline.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectBuilt } from './support/cli.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..');
const node = join(root, 'node_modules', '.bin', 'node');
const app = join(root, 'test', 'fixtures', 'workers', 'sql-stream-app.ts');

interface AppOutput {
  results: string[][];
  mappers: number[];
  error?: string;
}

async function runApp(...args: string[]): Promise<AppOutput> {
  const { stdout } = await run(node, [app, ...args], { cwd: root });
  return JSON.parse(stdout.trim().split('\n').pop()!) as AppOutput;
}

describe('sqlStream on task threads', () => {
  // The fixture imports 'dstream', which resolves to dist/ (built by test/global-setup.ts).
  beforeAll(expectBuilt);

  it('maps the rows of each batch query in the threads, as inline', async () => {
    const [two, inline] = await Promise.all([runApp('local[2]'), runApp('local[2]', 'inline')]);
    expect(two.error).toBeUndefined();
    expect(two.results).toEqual([
      ['bj:10', 'gd:101'],
      ['bj:20', 'gd:102'],
      ['bj:30', 'gd:103'],
    ]);
    expect(inline.results).toEqual(two.results);
    // The map over the query's rows ran in task threads (not the main thread, id 0).
    expect(two.mappers.length).toBeGreaterThan(0);
    expect(two.mappers).not.toContain(0);
    expect(inline.mappers).toEqual([0]);
  });
});
