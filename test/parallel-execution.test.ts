// local[N] on worker threads: an application file runs in a child process (real threads, the built
// package) and must produce what local[1] produces; failures in task threads reach the batch.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { isDriver, ManualClock, onDriver, Seconds, StreamingContext } from 'dstream';
import { runBatches } from 'dstream/testing';
import { expectBuilt } from './support/cli.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..');
const node = join(root, 'node_modules', '.bin', 'node');
const app = join(root, 'test', 'fixtures', 'workers', 'word-app.ts');

interface AppOutput {
  results?: Record<string, string[][]>;
  errors?: { code: string; message: string; cause?: { name: string; message: string } }[];
  threads?: number[];
  startError?: { code: string; message: string };
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

describe('parallel execution (local[N] on worker threads)', () => {
  // The fixture imports 'dstream', which resolves to dist/ (built by test/global-setup.ts).
  beforeAll(expectBuilt);

  it('runs an application in two task threads with the results of local[1]', async () => {
    const [two, one, inline] = await Promise.all([
      runApp('local[2]', 'ok'),
      runApp('local[1]', 'ok'),
      runApp('local[2]', 'ok', 'inline'),
    ]);
    expect(two.out.errors).toEqual([]);
    expect(Object.keys(two.out.results!)).toHaveLength(16);
    for (const series of Object.values(two.out.results!)) expect(series).toHaveLength(5);
    expect(two.out.results).toEqual(one.out.results);
    // Same partitioning as local[2] on the main thread: even the order within groups is equal.
    expect(two.out.results).toEqual(inline.out.results);
    // The map side of the shuffles ran in two threads other than the main thread (id 0).
    expect(two.out.threads).toHaveLength(2);
    expect(two.out.threads).not.toContain(0);
    expect(one.out.threads).toEqual([0]);
    expect(inline.out.threads).toEqual([0]);
    // On the driver: the stage whose combiners are class instances, and those over state the
    // driver holds (an incremental window, mapWithState); their input shuffles ran in threads.
    const reasons = new Set(
      two.log
        .split('\n')
        .filter((l) => l.includes('Running a stage on the driver'))
        .map((l) => l.slice(l.indexOf('driver: ') + 8)),
    );
    const shape =
      /^a task thread could not run a stage: this thread's lineage .* is not the driver's /;
    expect([...reasons].filter((r) => !shape.test(r)).sort()).toEqual([
      'a MapWithStateRDD of stream 33 reads state of the driver',
      'a ReducedWindowRDD of stream 27 reads state of the driver',
      'a task thread could not run a stage: its keys or values are of a kind that cannot cross threads',
      'task threads could not run this stage in an earlier batch',
    ]);
    // The threads read the files of the file stream themselves, one per batch.
    const reads = (rdd: RegExp) =>
      two.log.split('\n').filter((l) => /reads partition 0 of /.test(l) && rdd.test(l));
    expect(reads(/UnionRDD.* at union itself/)).toHaveLength(5);
    expect(two.out.results!.fromFiles!.every((batch) => batch.length > 0)).toBe(true);
    // And those of fileStream's built-in input formats, with the same records.
    expect(reads(/FileRecordsRDD.* at TextInputFormat itself/)).toHaveLength(5);
    expect(two.out.results!.fromRecords).toEqual(two.out.results!.fromFiles);
    // The transform that builds another lineage in threads was caught by its shape.
    expect([...reasons].filter((r) => shape.test(r))).toHaveLength(1);
  });

  it('task threads read partition sources themselves (waiting for asynchronous ones) and read fromAsync RDDs from the driver', async () => {
    const sourceApp = join(root, 'test', 'fixtures', 'workers', 'async-source-app.ts');
    const runSourceApp = async (...args: string[]) =>
      JSON.parse((await run(node, [sourceApp, ...args], { cwd: root })).stdout.trim()) as {
        results: string[][];
        readers: number[];
        reads: number;
        lookedResults: string[][];
        fromAsyncRuns: number[];
        mappers: number[];
        error?: string;
      };
    const [two, inline] = await Promise.all([
      runSourceApp('local[2]'),
      runSourceApp('local[2]', 'inline'),
    ]);
    expect(two.error).toBeUndefined();
    expect(two.results).toEqual([
      ['b1:2', 'p0:1', 'p1:1', 'same:2'],
      ['b2:2', 'p0:1', 'p1:1', 'same:4'],
      ['b3:2', 'p0:1', 'p1:1', 'same:6'],
    ]);
    expect(inline.results).toEqual(two.results);
    // Each partition was read once (a task that waited ran again with the records it had).
    expect(two.reads).toBe(6);
    expect(inline.reads).toBe(6);
    // By the task threads, not the main thread (id 0) that holds the input batches.
    expect(two.readers).not.toContain(0);
    expect(new Set(inline.readers)).toEqual(new Set([0]));
    // A transform's asynchronous work (fromAsync) ran once per batch on the driver, and task
    // threads mapped its records, read from the driver.
    expect(two.lookedResults).toEqual([
      ['X@1000:1', 'Y@1000:1', 'Z1@1000:1'],
      ['X@2000:1', 'Y@2000:1', 'Z2@2000:1'],
      ['X@3000:1', 'Y@3000:1', 'Z3@3000:1'],
    ]);
    expect(inline.lookedResults).toEqual(two.lookedResults);
    expect(two.fromAsyncRuns).toEqual([0, 0, 0]);
    expect(two.mappers.length).toBeGreaterThan(0);
    expect(two.mappers).not.toContain(0);
    expect(inline.mappers).toEqual([0]);
  });

  it('reads RDDs created outside streams from the driver', async () => {
    const { out } = await runApp('local[2]', 'ok');
    const mixed = out.results!.mixed!.flat();
    expect(mixed).toContain('["from-driver",1]');
    expect(mixed.some((x) => x.includes('from-task-thread'))).toBe(false);
  });

  it("fails the batch with the user's error when a function throws in a task thread", async () => {
    const { out } = await runApp('local[2]', 'fail');
    const [error] = out.errors!;
    expect(error!.code).toBe('DSTREAM_ERR_BATCH_FAILED');
    expect(error!.message).toContain('bad word w7 (on the driver: false)');
    expect(error!.cause).toEqual({ name: 'Error', message: 'bad word w7 (on the driver: false)' });
  });

  it('runs the task of a task thread that dies again on its replacement, with the results of local[1]', async () => {
    const marker = join(mkdtempSync(join(tmpdir(), 'dstream-crash-')), 'crashed');
    const [crashed, one] = await Promise.all([
      runApp('local[2]', 'crash', marker),
      runApp('local[1]', 'ok'),
    ]);
    expect(crashed.log).toMatch(
      /Task thread \d died while running task \d+ of stage \d+: exited with code 7; running the task again \(attempt 2 of 4\)/,
    );
    expect(crashed.log).toMatch(/Task thread \d exited with code 7; starting a new one/);
    // No batch failed, and every output (state and windows included) is local[1]'s.
    expect(crashed.out.errors).toEqual([]);
    expect(crashed.out.results).toEqual(one.out.results);
    expect(crashed.out.threads).not.toContain(0);
  });

  it('fails the batch when its task lost a thread spark.task.maxFailures times', async () => {
    const { out, log } = await runApp('local[2]', 'crashAlways');
    const [error] = out.errors!;
    expect(error!.code).toBe('DSTREAM_ERR_WORKER_FAILED');
    expect(error!.message).toMatch(
      /^Task \d+ in stage \d+ failed 4 times, most recent failure: Task thread \d died while running task \d+ of stage \d+: exited with code 7$/,
    );
    expect(log).toMatch(/running the task again \(attempt 4 of 4\)/);
  });

  it('rejects start() when a task thread cannot load the application', async () => {
    const { out } = await runApp('local[2]', 'boot');
    expect(out.startError?.code).toBe('DSTREAM_ERR_WORKER_FAILED');
    expect(out.startError?.message).toContain('no database in this thread');
    expect(out.startError?.message).toContain('isDriver()');
  });

  it('rejects start() when a task thread builds another stream graph', async () => {
    const { out } = await runApp('local[2]', 'graph');
    expect(out.startError?.code).toBe('DSTREAM_ERR_WORKER_FAILED');
    expect(out.startError?.message).toContain('another stream graph');
  });
});

describe('the inline runner', () => {
  it('runs the test kit on the main thread whatever the master', async () => {
    const seen: number[] = [];
    const out = await runBatches({
      master: 'local[4]',
      inputs: [[[1, 2, 3], [4]]],
      numBatches: 2,
      build: (_ssc, [s]) =>
        s!
          .map((x) => {
            seen.push(x); // a closure over a test variable: only possible on this thread
            return [x % 2, x] as const;
          })
          .reduceByKey((a, b) => a + b),
    });
    expect(out.map((b) => [...b].sort())).toEqual([
      [
        [0, 2],
        [1, 4],
      ],
      [[0, 4]],
    ]);
    expect(seen.sort()).toEqual([1, 2, 3, 4]);
  });

  it('keeps a context created under a test runner on the main thread', async () => {
    // Under vitest the script Node runs lies in node_modules: no application module to load in
    // task threads, so local[2] runs inline and functions may close over test variables.
    const clock = new ManualClock(0);
    const ssc = new StreamingContext({
      master: 'local[2]',
      appName: 'inline',
      batchDuration: Seconds(1),
      clock,
    });
    const seen: string[] = [];
    ssc
      .queueStream([ssc.sparkContext.parallelize(['a b', 'b'], 2)])
      .flatMap((l) => l.split(' '))
      .map((w) => {
        seen.push(w);
        return [w, 1] as const;
      })
      .reduceByKey((a, b) => a + b)
      .foreachRDD(async (rdd) => {
        await rdd.count();
      });
    await ssc.start();
    await clock.advance(1000);
    await ssc.stop();
    expect(seen.sort()).toEqual(['a', 'b', 'b']);
  });

  it('is the driver in tests: isDriver() and onDriver()', () => {
    expect(isDriver()).toBe(true);
    expect(onDriver(() => 42)).toBe(42);
  });
});
