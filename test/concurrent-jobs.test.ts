// spark.streaming.concurrentJobs: the size of Spark's job pool. With more than one, a batch may
// run while an earlier one is still running (Spark: "allows batches to overlap; ordering no longer
// guaranteed"); each batch still computes its own data and state, and its listener events keep
// their order (Submitted → Started → Completed).
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Seconds, setLogLevel, StreamingContext } from 'dstream';
import { TestInputStream } from 'dstream/testing';
import { decodeCheckpoint } from '../src/streaming/checkpoint/checkpoint-data.js';
import { stateDirName } from '../src/streaming/checkpoint/state-keys.js';
import { decodeSnapshot } from '../src/state/snapshot-codec.js';
import { FireAndForgetClock, gate, turns } from './support/fire-and-forget-clock.js';

const contexts: StreamingContext[] = [];
const dirs: string[] = [];
/** Gates opened after each test, so that a failed test does not leave its batch running. */
const gates: (() => void)[] = [];
beforeEach(() => setLogLevel('WARN'));
afterEach(async () => {
  for (const open of gates.splice(0)) open();
  for (const ssc of contexts.splice(0)) await ssc.stop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function context(concurrentJobs: number, checkpointDir?: string) {
  const clock = new FireAndForgetClock();
  const ssc = new StreamingContext({
    master: 'local[2]',
    appName: 'concurrent jobs',
    batchDuration: Seconds(1),
    conf: {
      'spark.streaming.concurrentJobs': String(concurrentJobs),
      'spark.dstream.workers.enabled': 'false',
    },
    clock,
  });
  contexts.push(ssc);
  if (checkpointDir) ssc.checkpoint(checkpointDir);
  return { ssc, clock };
}

/** Waits turn by turn (never on a timer) until `done()` holds. */
async function until(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((resolve) => setImmediate(resolve));
}

/** Records `<event>@<batch ms>` for every batch event, in delivery order. */
function batchEvents(ssc: StreamingContext): string[] {
  const events: string[] = [];
  const at = (type: string) => (e: { batchInfo: { batchTime: { milliseconds: number } } }) =>
    events.push(`${type}@${e.batchInfo.batchTime.milliseconds}`);
  ssc.addStreamingListener({
    onBatchSubmitted: at('submitted'),
    onBatchStarted: at('started'),
    onBatchCompleted: at('completed'),
  });
  return events;
}

describe('spark.streaming.concurrentJobs', () => {
  it('= 2: a batch runs and completes while an earlier one still runs', async () => {
    const { ssc, clock } = context(2);
    const events = batchEvents(ssc);
    const slow = gate();
    gates.push(slow.open);
    const out = new Map<number, number[]>();
    new TestInputStream(ssc, [[1], [2, 2], [3, 3, 3]], 2).foreachRDD(async (rdd, time) => {
      if (time.milliseconds === 1000) await slow.opened;
      out.set(time.milliseconds, await rdd.collect());
    });
    await ssc.start();
    await clock.moveTo(1000);
    await clock.moveTo(2000);
    await clock.moveTo(3000);
    expect(events).toEqual([
      'submitted@1000',
      'started@1000',
      'submitted@2000',
      'started@2000',
      'completed@2000',
      'submitted@3000',
      'started@3000',
      'completed@3000',
    ]);
    slow.open();
    await turns();
    expect(events.at(-1)).toBe('completed@1000');
    expect([...out].sort((a, b) => a[0] - b[0])).toEqual([
      [1000, [1]],
      [2000, [2, 2]],
      [3000, [3, 3, 3]],
    ]);
  });

  it('= 1 (the default): a batch waits for the one before it', async () => {
    const { ssc, clock } = context(1);
    const events = batchEvents(ssc);
    const slow = gate();
    gates.push(slow.open);
    new TestInputStream(ssc, [[1], [2]], 1).foreachRDD(async (_rdd, time) => {
      if (time.milliseconds === 1000) await slow.opened;
    });
    await ssc.start();
    await clock.moveTo(2000);
    expect(events).toEqual(['submitted@1000', 'started@1000', 'submitted@2000']);
    slow.open();
    await turns();
    expect(events.slice(3)).toEqual(['completed@1000', 'started@2000', 'completed@2000']);
  });

  it('= 2: the output operations of one batch run at once; the batch completes after both', async () => {
    const { ssc, clock } = context(2);
    const events: string[] = [];
    ssc.addStreamingListener({
      onOutputOperationStarted: (e) => events.push(`opStarted ${e.outputOperationInfo.id}`),
      onOutputOperationCompleted: (e) => events.push(`opCompleted ${e.outputOperationInfo.id}`),
      onBatchCompleted: () => events.push('completed'),
    });
    const slow = gate();
    gates.push(slow.open);
    const input = new TestInputStream(ssc, [[1]], 1);
    input.foreachRDD(() => slow.opened);
    input.foreachRDD(() => {});
    await ssc.start();
    await clock.moveTo(1000);
    expect(events).toEqual(['opStarted 0', 'opStarted 1', 'opCompleted 1']);
    slow.open();
    await turns();
    expect(events.slice(3)).toEqual(['opCompleted 0', 'completed']);
  });

  it('= 2 with state: each batch sees its own state, checkpoints list the batch still running', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dstream-concurrent-'));
    dirs.push(dir);
    const { ssc, clock } = context(2, dir);
    const slow = gate();
    gates.push(slow.open);
    const out = new Map<number, (readonly [string, number])[]>();
    const input = new TestInputStream<readonly [string, number]>(
      ssc,
      [
        [['a', 1]],
        [
          ['a', 10],
          ['b', 1],
        ],
        [['b', 100]],
      ],
      2,
    );
    const totals = input
      .updateStateByKey((values: number[], total: number | undefined) =>
        values.reduce((x, y) => x + y, total ?? 0),
      )
      .name('totals');
    totals.checkpoint(Seconds(1));
    // Batch 1000 reads its state only after the later batches have run theirs.
    totals.foreachRDD(async (rdd, time) => {
      if (time.milliseconds === 1000) await slow.opened;
      const entries = await rdd.collect();
      out.set(
        time.milliseconds,
        [...entries].sort((x, y) => x[0].localeCompare(y[0])),
      );
    });
    await ssc.start();
    await clock.moveTo(1000);
    await clock.moveTo(2000);
    await clock.moveTo(3000);
    // Generation waits for each batch's checkpoint (file I/O): wait for the outputs themselves.
    await until(() => out.size === 2);
    expect([...out.keys()]).toEqual([2000, 3000]);
    // Batch 3000 has completed, batch 1000 still runs: the completion checkpoint of 3000 lists
    // 1000 as pending, and no snapshot is taken (it would hold batches after one not yet done).
    const checkpoint3000 = join(dir, 'checkpoint-3000');
    const pending = (file: string) => decodeCheckpoint(readFileSync(file)).pendingTimesMs;
    await until(() => existsSync(checkpoint3000) && pending(checkpoint3000).length === 1);
    expect(pending(checkpoint3000)).toEqual([1000]);
    const stateDir = join(dir, 'state', stateDirName('totals'));
    expect(existsSync(stateDir)).toBe(false);

    slow.open();
    await ssc.stop({ stopGracefully: true });
    expect(new Map([...out].sort((a, b) => a[0] - b[0]))).toEqual(
      new Map([
        [1000, [['a', 1]]],
        [
          2000,
          [
            ['a', 11],
            ['b', 1],
          ],
        ],
        [
          3000,
          [
            ['a', 11],
            ['b', 101],
          ],
        ],
      ]),
    );
    // Once 1000 completes, snapshots again: 1000's holds the state as of 1000, although later
    // batches had changed the state before it was written; any later one holds its own batch's.
    const files = readdirSync(stateDir);
    expect(files).toContain('snapshot-1000');
    for (const file of files) {
      const t = Number(file.slice('snapshot-'.length));
      const entries = [...decodeSnapshot(readFileSync(join(stateDir, file))).entries];
      entries.sort((x, y) => String(x[0]).localeCompare(String(y[0])));
      expect([t, entries]).toEqual([t, out.get(t)]);
    }
    expect(pending(checkpoint3000)).toEqual([]);
  });
});
