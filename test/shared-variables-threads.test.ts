// Broadcast variables and accumulators with local[N] task threads: an application runs in a child
// process (real threads, the built package). A broadcast value reaches each thread once, from the
// driver, whatever the number of tasks the thread runs; accumulator updates of every thread add
// up on the driver, once per successful task (an attempt lost with its thread counts nothing).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectBuilt } from './support/cli.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..');
const node = join(root, 'node_modules', '.bin', 'node');
const app = join(root, 'test', 'fixtures', 'workers', 'shared-variables-app.ts');

interface AppOutput {
  results: string[][];
  /** One [threadId, copy of the table] per task attempt that read the broadcast. */
  tasks: [number, number][];
  mapped: number;
  mappedCount: number;
  seen: string[];
  error?: string;
}

async function runApp(...args: string[]): Promise<{ out: AppOutput; log: string }> {
  const { stdout, stderr } = await run(node, [app, ...args], {
    cwd: root,
    env: { ...process.env, DSTREAM_LOG_LEVEL: 'DEBUG' },
    maxBuffer: 64 * 1024 * 1024,
  });
  const last = stdout.trim().split('\n').pop()!;
  return { out: JSON.parse(last) as AppOutput, log: stderr };
}

const expectedResults = [
  ['alpha:2', 'bravo:2', 'charlie:1', 'delta:1'],
  ['alpha:1', 'bravo:1', 'charlie:3', 'delta:1'],
  ['alpha:2', 'bravo:1', 'charlie:1', 'delta:2'],
];
/** Every letter of the three batches, sorted. */
const allLetters = [...('abcdab' + 'ccdabc' + 'daabcd')].sort();

describe('shared variables with task threads (local[3])', () => {
  beforeAll(expectBuilt);

  it('a broadcast reaches each thread once, from the driver; accumulators count each successful task once', async () => {
    const [threads, inline] = await Promise.all([runApp('local[3]'), runApp('local[3]', 'inline')]);
    // The fourth batch read the broadcast after destroy(): Spark's error, from a thread too.
    const destroyed =
      /^Attempted to use Broadcast\(0\) after it was destroyed \(destroy at shared-variables-app\.ts:\d+\) $/;
    expect(threads.out.error).toMatch(destroyed);
    expect(inline.out.error).toMatch(destroyed);
    // The table only the driver built reached the threads: no 'missing' names.
    expect(threads.out.results).toEqual(expectedResults);
    expect(inline.out.results).toEqual(expectedResults);

    const { tasks } = threads.out;
    const threadIds = new Set(tasks.map(([t]) => t));
    expect([...threadIds]).not.toContain(0); // the main thread ran no map task
    // 9 map tasks, plus the attempt lost with its thread, over fewer threads: threads ran several
    // tasks each, and every task of a thread read the same copy of the value.
    expect(tasks).toHaveLength(10);
    expect(threadIds.size).toBeLessThan(tasks.length);
    expect(tasks.every(([, copy]) => copy === 0)).toBe(true);
    // The driver sent the value once per thread that read it.
    const beforeDestroy = threads.log.slice(0, threads.log.indexOf('--- destroying'));
    const sends = beforeDestroy.split('\n').filter((l) => l.includes('Sending Broadcast('));
    expect(sends).toHaveLength(threadIds.size);
    expect(new Set(sends.map((l) => /task thread (\d+)/.exec(l)?.[1])).size).toBe(sends.length);

    // The lost attempt added its partition's records before its thread died: not counted.
    expect(threads.log).toMatch(/Task thread \d died while running task \d+ of stage \d+/);
    expect(threads.out.mapped).toBe(18);
    expect(threads.out.mappedCount).toBe(18);
    expect(threads.out.seen).toEqual(allLetters);
    expect(inline.out.mapped).toBe(18);
    expect(inline.out.seen).toEqual(allLetters);
  });
});
