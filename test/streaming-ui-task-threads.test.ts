// The task threads of local[N] in the web UI's data: a real application with two task threads (a
// child process running the built package) counts, per thread, the map tasks it knows it ran,
// including one that failed, and the JSON API and /metrics say the same.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TaskThreadInfo } from 'dstream';
import { expectBuilt } from './support/cli.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..');
const node = join(root, 'node_modules', '.bin', 'node');
const app = join(root, 'test', 'fixtures', 'workers', 'threads-app.ts');
/** PARTITIONS of the fixture: map tasks per batch. */
const PARTITIONS = 4;

interface AppOutput {
  threads: TaskThreadInfo[];
  api: { id: string; completedTasks: number; failedTasks: number; totalTasks: number }[];
  metrics: string[];
}

let out: AppOutput;

beforeAll(async () => {
  // The fixture imports 'dstream', which resolves to dist/ (built by test/global-setup.ts).
  expectBuilt();
  const { stdout } = await run(node, [app], { cwd: root, maxBuffer: 16 * 1024 * 1024 });
  out = JSON.parse(stdout.trim().split('\n').pop()!) as AppOutput;
});

describe('task threads of local[2]', () => {
  it('lists the driver and both threads, with the map tasks they ran and the one that failed', () => {
    expect(out.threads.map((t) => t.thread)).toEqual(['driver', 'task-0', 'task-1']);
    const inThreads = out.threads.filter((t) => t.thread !== 'driver');
    const sum = (f: (t: TaskThreadInfo) => number) => inThreads.reduce((s, t) => s + f(t), 0);
    // Three batches of PARTITIONS map tasks; in batch 2 the task holding `boom` threw.
    expect(sum((t) => t.tasksSucceeded)).toBe(3 * PARTITIONS - 1);
    expect(sum((t) => t.tasksFailed)).toBe(1);
    for (const t of inThreads) expect(t).toMatchObject({ status: 'idle', restarts: 0 });
    // The reduce side and the output's actions run on the driver.
    expect(out.threads[0]!.tasksSucceeded).toBeGreaterThan(0);
    expect(out.threads[0]!.tasksFailed).toBe(0);
  });

  it('serves the same counts in the JSON API and /metrics', () => {
    expect(out.api).toEqual(
      out.threads.map((t) => ({
        id: t.thread,
        status: t.status,
        completedTasks: t.tasksSucceeded,
        failedTasks: t.tasksFailed,
        totalTasks: t.tasksSucceeded + t.tasksFailed,
        restarts: t.restarts,
      })),
    );
    for (const t of out.threads) {
      for (const [result, n] of [
        ['succeeded', t.tasksSucceeded],
        ['failed', t.tasksFailed],
      ] as const) {
        expect(out.metrics).toContain(
          `dstream_streaming_task_threads_tasks_total{thread="${t.thread}",result="${result}"} ${n}`,
        );
      }
    }
  });
});
