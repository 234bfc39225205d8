import {
  cpSync,
  readdirSync,
  readFileSync,
  renameSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  decodeSnapshot,
  DStreamError,
  encodeSnapshot,
  ManualClock,
  Seconds,
  StreamingContext,
  type Time,
} from 'dstream';
import { CheckpointWriter } from '../src/streaming/checkpoint/checkpoint-writer.js';
import { readCheckpoint } from '../src/streaming/checkpoint/recovery.js';
import { stateDirName } from '../src/streaming/checkpoint/state-keys.js';
import { simulateCrash } from 'dstream/testing';
import { LogInputDStream, sortEntries, sums } from './fixtures/checkpoint-streams.js';
import {
  removeTempDirs,
  runUntil,
  startAndCatchUp,
  startApp,
  tempDir,
  warnings,
  type App,
  type Entry,
} from './support/sums-app.js';

afterEach(() => {
  vi.restoreAllMocks();
  removeTempDirs();
});

/**
 * Every output is the sums of a prefix of the log: a record lost or applied twice would give
 * sums that no prefix has (the 'all' key counts records, the others add distinct values).
 */
function expectPrefixSums(app: App, log: Entry[]): void {
  const prefixes = log.map((_, i) => JSON.stringify(sums(log.slice(0, i + 1))));
  prefixes.unshift('[]');
  for (const [t, entries] of app.out) {
    expect(prefixes, `batch ${t}: ${JSON.stringify(entries)}`).toContain(JSON.stringify(entries));
  }
}

describe('getOrCreate', () => {
  it('creates the context with createFn when the directory has no checkpoint', async () => {
    const dir = join(tempDir(), 'not-yet');
    const log: Entry[] = [];
    const app = startApp(dir, log, 0);
    expect(app.created).toBe(true);
    await app.ssc.start();
    await runUntil(app, log, 3000);
    await app.ssc.stop();
    expect(app.out.get(3000)).toEqual(sums(log));
    expect(readdirSync(dir)).toContain('checkpoint-3000');
  });

  it('recovers state, positions and the batches missed while down, exactly once', async () => {
    const dir = tempDir();
    const log: Entry[] = [];
    const first = startApp(dir, log, 0);
    await first.ssc.start();
    await runUntil(first, log, 15_000);
    await simulateCrash(first.ssc);
    const before = first.out.get(15_000)!;
    expect(before).toEqual(sums(log));
    const takenBefore = log.length;

    // Down from 15 s to 18.5 s; records keep arriving in the log meanwhile.
    log.push(['k0', 1000], ['late', 5]);
    const takenWhileDown = log.length;
    const second = startApp(dir, log, 18_500);
    expect(second.created).toBe(true); // Node cannot deserialise functions: createFn rebuilds the graph
    await startAndCatchUp(second);
    await runUntil(second, log, 22_000);
    await second.ssc.stop();
    expect(second.ssc.error).toBeUndefined();

    // The checkpoint batch (15 s) runs again with its own records, then the down times 16..18 s,
    // then the timer resumes at 19 s. The state comes from the snapshot at 10 s, recomputed through
    // 11..14 s from the log positions: nothing is applied twice.
    expect([...second.out.keys()]).toEqual([
      15_000, 16_000, 17_000, 18_000, 19_000, 20_000, 21_000, 22_000,
    ]);
    expect(second.out.get(15_000)).toEqual(before);
    expect(second.out.get(16_000)).toEqual(sums(log.slice(0, takenWhileDown)));
    expect(second.out.get(17_000)).toEqual(sums(log.slice(0, takenWhileDown)));
    expect(second.out.get(22_000)).toEqual(sums(log));
    expect(takenBefore).toBeLessThan(takenWhileDown);
  });

  it('restores the state from its snapshot, not from a recomputation', async () => {
    const dir = tempDir();
    const log: Entry[] = [];
    const first = startApp(dir, log, 0);
    await first.ssc.start();
    await runUntil(first, log, 12_000);
    await simulateCrash(first.ssc);
    // Mark the snapshot the checkpoint of 12 s refers to (10 s): the mark must come back.
    const { record } = readCheckpoint(dir)!;
    expect(record.states).toEqual([
      {
        key: 'totals',
        snapshot: { timeMs: 10_000, file: join('state', stateDirName('totals'), 'snapshot-10000') },
      },
    ]);
    const file = join(dir, record.states[0]!.snapshot!.file);
    const snapshot = decodeSnapshot(readFileSync(file));
    writeFileSync(file, encodeSnapshot({ entries: [...snapshot.entries, ['mark', 1]] }));
    const second = startApp(dir, log, 12_000);
    await startAndCatchUp(second);
    await second.ssc.stop();
    expect(second.out.get(13_000)).toEqual(sortEntries([...sums(log), ['mark', 1]]));
  });

  it('runs a batch that was in flight at the crash again', async () => {
    const dir = tempDir();
    const crashed = tempDir();
    const log: Entry[] = [];
    let release: () => void = () => {};
    let copied: () => void = () => {};
    const copiedNow = new Promise<void>((r) => (copied = r));
    const first = startApp(dir, log, 0, {
      onBatch: async (t) => {
        if (t !== 7000) return;
        // The batch's checkpoint is written while its job runs: copy the directory then, as a
        // crash would leave it.
        await new Promise<void>((r) => (release = r));
      },
    });
    await first.ssc.start();
    const checkpointer = first.ssc.generator.checkpointer!;
    const afterGeneration = checkpointer.afterGeneration.bind(checkpointer);
    checkpointer.afterGeneration = async (time, jobs) => {
      await afterGeneration(time, jobs);
      if (time.milliseconds === 7000) {
        cpSync(dir, crashed, { recursive: true });
        copied();
      }
    };
    await runUntil(first, log, 6000);
    log.push(['k1', 100]);
    const advancing = first.clock.advance(1000);
    await copiedNow;
    release();
    await advancing;
    await simulateCrash(first.ssc);

    const second = startApp(crashed, log, 7_200);
    await startAndCatchUp(second);
    await runUntil(second, log, 9000);
    await second.ssc.stop();
    expect([...second.out.keys()]).toEqual([7000, 8000, 9000]);
    expect(second.out.get(7000)).toEqual(first.out.get(7000));
    expect(second.out.get(9000)).toEqual(sums(log));
  });

  it('does not run again a batch that completed while the next one was checkpointed', async () => {
    // Batches replayed after a recovery complete back to back. A batch is no longer pending once
    // its jobs have succeeded, although its completion checkpoint is still queued behind the
    // writes of the next batches: hold the completion of batch 6 s until the completion
    // checkpoint of batch 7 s is on disk, and copy the directory then, as a crash would leave it.
    const dir = tempDir();
    const crashed = tempDir();
    const log: Entry[] = [];
    const first = startApp(dir, log, 0);
    await first.ssc.start();
    await runUntil(first, log, 5000);
    await simulateCrash(first.ssc);

    log.push(['k0', 1000], ['late', 5]); // taken by batch 6 s
    const takenBy6 = log.length;
    const afterCompletion = CheckpointWriter.prototype.afterCompletion;
    let copied: () => void = () => {};
    const copiedNow = new Promise<void>((r) => (copied = r));
    const held = vi
      .spyOn(CheckpointWriter.prototype, 'afterCompletion')
      .mockImplementation(async function (this: CheckpointWriter, time: Time) {
        await afterCompletion.call(this, time);
        if (time.milliseconds === 6000) await copiedNow;
        if (time.milliseconds === 7000) {
          cpSync(dir, crashed, { recursive: true });
          copied();
        }
      });
    // Down from 5 s to 8.5 s: batches 5, 6, 7 and 8 s run at once, then the timer ticks at 9 s.
    const second = startApp(dir, log, 8500);
    await startAndCatchUp(second);
    await copiedNow;
    await second.ssc.stop();
    held.mockRestore();
    expect([...second.out.keys()]).toEqual([5000, 6000, 7000, 8000, 9000]);

    const { record } = readCheckpoint(crashed)!;
    expect(record.checkpointTimeMs).toBe(7000);
    expect(record.pendingTimesMs.filter((t) => t <= 7000)).toEqual([]);

    // A new version recovering from it with a renamed operator started empty: empty as of 6 s,
    // so batch 6 s and its records are not counted (run again, it would count them).
    warnings();
    const third = startApp(crashed, log, 8500, {
      name: 'province-totals',
      getOrCreate: { startEmpty: ['totals'] },
    });
    await startAndCatchUp(third);
    await runUntil(third, log, 10_000);
    await third.ssc.stop();
    expect(third.ssc.error).toBeUndefined();
    expect([...third.out.keys()]).toEqual([7000, 8000, 9000, 10_000]);
    expect(third.out.get(10_000)).toEqual(sums(log.slice(takenBy6)));
  });

  it('falls back to the previous checkpoint, with a warning, when the newest is corrupt', async () => {
    const dir = tempDir();
    const log: Entry[] = [];
    const first = startApp(dir, log, 0);
    await first.ssc.start();
    await runUntil(first, log, 12_000);
    await simulateCrash(first.ssc);
    truncateSync(join(dir, 'checkpoint-12000'), 30);
    const bad = Buffer.from('not a checkpoint at all, but long enough to have a header');
    writeFileSync(join(dir, 'checkpoint-12000.bk'), bad);

    const lines = warnings();
    const second = startApp(dir, log, 12_000);
    await startAndCatchUp(second);
    await runUntil(second, log, 14_000);
    await second.ssc.stop();
    const text = lines.join('');
    expect(text).toContain(
      `WARN Checkpoint: Error reading checkpoint from file ${join(dir, 'checkpoint-12000')}: Truncated`,
    );
    expect(text).toContain(
      `Error reading checkpoint from file ${join(dir, 'checkpoint-12000.bk')}`,
    );
    expect(text).toContain(
      `Recovering from older checkpoint file ${join(dir, 'checkpoint-11000')}`,
    );
    // From the completion checkpoint of 11 s: 11 and 12 s run again, and the sums stay exact.
    expect([...second.out.keys()]).toEqual([11_000, 12_000, 13_000, 14_000]);
    expect(second.out.get(11_000)).toEqual(first.out.get(11_000));
    expectPrefixSums(second, log);
    expect(second.out.get(14_000)).toEqual(sums(log));
  });

  it("fails with Spark's message when no checkpoint file can be read, unless createOnError", () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'checkpoint-1000'), 'garbage');
    writeFileSync(join(dir, 'checkpoint-2000'), '');
    warnings();
    let error: DStreamError | undefined;
    try {
      startApp(dir, [], 0);
    } catch (e) {
      error = e as DStreamError;
    }
    expect(error).toBeInstanceOf(DStreamError);
    expect(error!.code).toBe('DSTREAM_ERR_CHECKPOINT_READ');
    expect(error!.message).toMatch(
      new RegExp(
        `^Failed to read checkpoint from directory ${dir}: none of its 2 checkpoint files can be read`,
      ),
    );
    expect(error!.message).toContain('createOnError');
    expect(startApp(dir, [], 0, { getOrCreate: { createOnError: true } }).created).toBe(true);
  });

  it('says clearly that a checkpoint path is not a directory', () => {
    const file = join(tempDir(), 'file');
    writeFileSync(file, '');
    expect(() => startApp(file, [], 0)).toThrow(
      expect.objectContaining({
        code: 'DSTREAM_ERR_CHECKPOINT_DIR_UNREADABLE',
        message: `Checkpoint directory ${file} is not a directory. Pass the directory given to StreamingContext.checkpoint().`,
      }),
    );
  });

  it('refuses a checkpoint written with another batch duration', async () => {
    const dir = tempDir();
    const log: Entry[] = [];
    const first = startApp(dir, log, 0);
    await first.ssc.start();
    await runUntil(first, log, 2000);
    await simulateCrash(first.ssc);
    expect(() =>
      StreamingContext.getOrCreate(dir, () => {
        const ssc = new StreamingContext({
          master: 'local[2]',
          appName: 'sums',
          batchDuration: Seconds(2),
        });
        new LogInputDStream(ssc, log).print();
        return ssc;
      }),
    ).toThrow(/written with a batch duration of 1000 ms, and the application now has 2000 ms/);
  });
});

describe('state across versions of an application', () => {
  async function version1(dir: string, log: Entry[]): Promise<App> {
    const v1 = startApp(dir, log, 0);
    await v1.ssc.start();
    await runUntil(v1, log, 12_000);
    await simulateCrash(v1.ssc);
    return v1;
  }

  it('recovers the state of a named operator when an unrelated stateful operator is added', async () => {
    const dir = tempDir();
    const log: Entry[] = [];
    await version1(dir, log);
    const lines = warnings();
    const v2 = startApp(dir, log, 12_000, { extraState: 'key-counts' });
    await startAndCatchUp(v2);
    await runUntil(v2, log, 14_000);
    await v2.ssc.stop();
    expect(v2.ssc.error).toBeUndefined();
    expect(v2.out.get(14_000)).toEqual(sums(log));
    expect(lines.join('')).not.toContain('WARN');
  });

  it('names a renamed stateful operator in a clear error, and can start it empty', async () => {
    const dir = tempDir();
    const log: Entry[] = [];
    await version1(dir, log);
    expect(() => startApp(dir, log, 12_000, { name: 'province-totals' })).toThrow(
      expect.objectContaining({
        code: 'DSTREAM_ERR_STATE_ORPHANED',
        message: expect.stringContaining(
          `The checkpoint in ${dir} holds the state of stateful operator 'totals', which this application does not have (its stateful operators without checkpointed state: 'province-totals'). If an operator was renamed, give it its old name back with .name('totals'); to discard the stored state, recover with StreamingContext.getOrCreate(dir, createFn, { startEmpty: ['totals'] }).`,
        ) as string,
      }),
    );

    const lines = warnings();
    const taken = log.length;
    const v2 = startApp(dir, log, 12_000, {
      name: 'province-totals',
      getOrCreate: { startEmpty: ['totals'] },
    });
    await startAndCatchUp(v2);
    await runUntil(v2, log, 14_000);
    await v2.ssc.stop();
    expect(lines.join('')).toContain("Discarding the checkpointed state of 'totals'");
    // Empty as of 11 s: batch 12 s (re-run) took the records appended before the first run stopped.
    const batch12 = log.slice(taken - 2, taken);
    expect(v2.out.get(12_000)).toEqual(sums(batch12));
    expect(v2.out.get(14_000)).toEqual(sums([...batch12, ...log.slice(taken)]));
  });

  it('names an operator whose state cannot be read, and can start it empty', async () => {
    const dir = tempDir();
    const log: Entry[] = [];
    await version1(dir, log);
    const file = join(dir, 'state', stateDirName('totals'), 'snapshot-10000');
    truncateSync(file, 25);
    // The older snapshot (after the first batch) is damaged too: no fallback is left.
    truncateSync(join(dir, 'state', stateDirName('totals'), 'snapshot-1000'), 25);
    warnings();
    expect(() => startApp(dir, log, 12_000)).toThrow(
      expect.objectContaining({
        code: 'DSTREAM_ERR_STATE_UNREADABLE',
        message: expect.stringMatching(
          new RegExp(
            `^The state of stateful operator 'totals' cannot be read from ${file}: Truncated.*; its one older snapshot cannot be read either\\..*startEmpty: \\['totals'\\]`,
          ),
        ) as string,
      }),
    );
    warnings();
    const v2 = startApp(dir, log, 12_000, { getOrCreate: { startEmpty: ['totals'] } });
    await startAndCatchUp(v2);
    await runUntil(v2, log, 13_000);
    await v2.ssc.stop();
    expect(v2.ssc.error).toBeUndefined();
    // Empty as of 11 s: only the re-run batch of 12 s counts.
    expect(v2.out.get(13_000)!.find(([k]) => k === 'all')).toEqual(['all', 1]);
  });
});

describe('recovery with the file stream and an incremental window', () => {
  /** A file of `lines` renamed into `dir`, with its modification time set (a manual clock's time). */
  function dropFile(dir: string, name: string, lines: string[], mtimeMs: number): void {
    const temp = join(dir, `.${name}.part`);
    writeFileSync(temp, lines.map((l) => `${l}\n`).join(''));
    utimesSync(temp, mtimeMs / 1000, mtimeMs / 1000);
    renameSync(temp, join(dir, name));
  }

  /** Drops the file of second `s`: it falls in the batch at s × 1000. */
  function dropSecond(dir: string, s: number): void {
    dropFile(dir, `s${s}.txt`, [`k${s % 2},${s}`, `all,1`], s * 1000 - 500);
  }

  /** The window ending at `t` (4 s long): the files of seconds t−3 .. t. */
  function expectedWindow(t: number): Entry[] {
    const records: Entry[] = [];
    for (let s = t / 1000 - 3; s <= t / 1000; s++) records.push([`k${s % 2}`, s], ['all', 1]);
    return sums(records);
  }

  function windowApp(dir: string, ckpt: string, now: number, extraOutput = false) {
    const clock = new ManualClock(now);
    const out = new Map<number, Entry[]>();
    const ssc = StreamingContext.getOrCreate(ckpt, () => {
      const ssc = new StreamingContext({
        master: 'local[2]',
        appName: 'windows',
        batchDuration: Seconds(1),
        clock,
      });
      ssc.checkpoint(ckpt);
      const pairs = ssc.textFileStream(dir).map((line) => {
        const [k, v] = line.split(',');
        return [k!, Number(v)] as const;
      });
      if (extraOutput) pairs.count().foreachRDD(() => {});
      pairs
        .reduceByKeyAndWindow(
          (a, b) => a + b,
          (a, b) => a - b,
          Seconds(4),
          Seconds(2),
        )
        .foreachRDD(async (rdd, time) => {
          out.set(time.milliseconds, sortEntries(await rdd.collect()));
        });
      return ssc;
    });
    return { ssc, clock, out };
  }

  it('keeps the zero time and the new files of a run killed before its first batch checkpoint', async () => {
    const dir = tempDir();
    const ckpt = tempDir();
    const crashed = tempDir();
    const v1 = windowApp(dir, ckpt, 100_000);
    await v1.ssc.start();
    // Killed now, before its first batch (whose jobs run while its checkpoint is being written),
    // the application leaves the checkpoint that start() wrote.
    cpSync(ckpt, crashed, { recursive: true });
    await simulateCrash(v1.ssc);
    expect(readdirSync(crashed)).toContain('checkpoint-100000');

    // Files arriving while it is down are new to the first run: the restart counts them, in the
    // batches of the first run's zero time (104 s takes the file of 104 s, from the future now).
    for (let s = 101; s <= 104; s++) dropSecond(dir, s);
    const v2 = windowApp(dir, crashed, 103_300);
    await startAndCatchUp(v2 as App);
    for (let s = 105; s <= 106; s++) {
      dropSecond(dir, s);
      await v2.clock.advance(1000);
    }
    await v2.ssc.stop();
    expect(v2.ssc.error).toBeUndefined();
    expect([...v2.out.keys()]).toEqual([102_000, 104_000, 106_000]);
    for (const t of [104_000, 106_000]) {
      expect(v2.out.get(t), `window ${t}`).toEqual(expectedWindow(t));
    }
  });

  it('gives every window exactly what a run without a crash gives, across a new version', async () => {
    const dir = tempDir();
    const ckpt = tempDir();
    const v1 = windowApp(dir, ckpt, 100_000);
    await v1.ssc.start();
    for (let s = 101; s <= 125; s++) {
      dropSecond(dir, s);
      await v1.clock.advance(1000);
    }
    await simulateCrash(v1.ssc);
    expect(readdirSync(ckpt)).toContain('state');
    for (const [t, w] of v1.out)
      if (t >= 104_000) expect(w, `window ${t}`).toEqual(expectedWindow(t));

    // The window's state key is derived from the graph; its snapshot at 120 s is what v2 starts
    // from: mark it, to see the mark come back.
    const key = 'reduceByKeyAndWindow(reduceByKey(map(FileInput)))';
    const { record } = readCheckpoint(ckpt)!;
    expect(record.states).toEqual([
      {
        key,
        snapshot: { timeMs: 120_000, file: join('state', stateDirName(key), 'snapshot-120000') },
      },
    ]);
    const file = join(ckpt, record.states[0]!.snapshot!.file);
    const snapshot = decodeSnapshot(readFileSync(file));
    expect(sortEntries(snapshot.entries as Entry[])).toEqual(expectedWindow(120_000));
    writeFileSync(
      file,
      encodeSnapshot({ ...snapshot, entries: [...snapshot.entries, ['restored', 1]] }),
    );

    // Files keep arriving while the application is down (its modification-time threshold must be
    // the original one, or they would count as old).
    // (The file of 129 s is from the future at the restart, 128.3 s: batch 129 s takes it.)
    for (let s = 126; s <= 129; s++) dropSecond(dir, s);
    const v2 = windowApp(dir, ckpt, 128_300, true);
    await startAndCatchUp(v2 as App);
    for (let s = 130; s <= 132; s++) {
      dropSecond(dir, s);
      await v2.clock.advance(1000);
    }
    await v2.ssc.stop();
    expect(v2.ssc.error).toBeUndefined();
    expect([...v2.out.keys()]).toEqual([126_000, 128_000, 130_000, 132_000]);
    for (const [t, w] of v2.out) {
      expect(w, `window ${t}`).toEqual(sortEntries([...expectedWindow(t), ['restored', 1]]));
    }
  });
});
