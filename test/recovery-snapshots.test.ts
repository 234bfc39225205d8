import { truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ManualClock, Seconds, StreamingContext } from 'dstream';
import { readCheckpoint } from '../src/streaming/checkpoint/recovery.js';
import { stateDirName } from '../src/streaming/checkpoint/state-keys.js';
import { simulateCrash } from 'dstream/testing';
import { LogInputDStream, sortEntries, sums } from './fixtures/checkpoint-streams.js';
import {
  removeTempDirs,
  runUntil,
  startApp,
  tempDir,
  warnings,
  type App,
  type Entry,
} from './support/sums-app.js';

// A damaged newest state snapshot falls back to the previous intact one, as the metadata
// checkpoint does, when the batches after it can still be recomputed from the input's position.

afterEach(() => {
  vi.restoreAllMocks();
  removeTempDirs();
});

const snapshotFile = (dir: string, t: number) =>
  join(dir, 'state', stateDirName('totals'), `snapshot-${t}`);

/**
 * Runs to 25 s (snapshots at 1, 10 and 20 s; the checkpoint names the one of 20 s), lets `damage`
 * act on the stopped directory, then recovers at 25 s and runs to 30 s.
 */
async function crashAndRecover(
  dir: string,
  damage: () => void,
  o: { rememberMs?: number } = {},
): Promise<{ first: App; second: App; log: Entry[] }> {
  const log: Entry[] = [];
  const first = startApp(dir, log, 0, o);
  await first.ssc.start();
  await runUntil(first, log, 25_000);
  await simulateCrash(first.ssc);
  expect(readCheckpoint(dir)!.record.states[0]!.snapshot!.timeMs).toBe(20_000);
  damage();
  const second = startApp(dir, log, 25_000, o);
  await second.ssc.start();
  await second.clock.setTime(26_000);
  await runUntil(second, log, 30_000);
  await second.ssc.stop();
  return { first, second, log };
}

describe('a damaged newest state snapshot', () => {
  it('falls back to the previous intact snapshot and recomputes the batches after it', async () => {
    const intact = await crashAndRecover(tempDir(), () => {});

    const dir = tempDir();
    const damaged = snapshotFile(dir, 20_000);
    let lines: string[] = [];
    const faulty = await crashAndRecover(dir, () => {
      truncateSync(damaged, 25);
      lines = warnings();
    });
    expect(faulty.second.ssc.error).toBeUndefined();
    // Exactly the outputs of the run whose snapshot was intact: state as of 10 s, then 11..24 s
    // recomputed from the log positions, nothing lost or applied twice.
    expect([...faulty.second.out]).toEqual([...intact.second.out]);
    expect(faulty.second.out.get(30_000)).toEqual(sums(faulty.log));
    const text = lines.join('');
    expect(text).toMatch(
      new RegExp(
        `WARN.*Error reading the state of 'totals' from snapshot file ${damaged}: Truncated`,
      ),
    );
    expect(text).toMatch(
      new RegExp(
        `WARN.*Recovering the state of 'totals' from the older snapshot file ${join('state', stateDirName('totals'), 'snapshot-10000')} \\(as of 10000 ms\\), since ${damaged} cannot be read`,
      ),
    );
    // The next checkpoints name the intact snapshot (or a newer one), never the damaged file.
    expect(readCheckpoint(dir)!.record.states[0]!.snapshot!.timeMs).not.toBe(20_000);
  });

  it('falls back past several damaged snapshots to the newest intact one', async () => {
    const intact = await crashAndRecover(tempDir(), () => {});
    const dir = tempDir();
    const faulty = await crashAndRecover(dir, () => {
      truncateSync(snapshotFile(dir, 20_000), 0);
      writeFileSync(snapshotFile(dir, 10_000), 'not a snapshot');
      warnings();
    });
    expect(faulty.second.ssc.error).toBeUndefined();
    expect([...faulty.second.out]).toEqual([...intact.second.out]);
  });

  it('refuses the fallback with a clear error when the input no longer records the batches after it', async () => {
    const dir = tempDir();
    const log: Entry[] = [];
    // The position keeps the last 5 s only: the batches 11..19 s after the snapshot of 10 s are gone.
    const first = startApp(dir, log, 0, { rememberMs: 5000 });
    await first.ssc.start();
    await runUntil(first, log, 25_000);
    await simulateCrash(first.ssc);
    const damaged = snapshotFile(dir, 20_000);
    truncateSync(damaged, 25);
    warnings();
    expect(() => startApp(dir, log, 25_000, { rememberMs: 5000 })).toThrow(
      expect.objectContaining({
        code: 'DSTREAM_ERR_STATE_UNREADABLE',
        message: expect.stringMatching(
          new RegExp(
            `^The state of stateful operator 'totals' cannot be read from ${damaged}: Truncated.*Its older snapshot .*snapshot-10000 \\(as of 10000 ms\\) cannot be brought up to date: input 'LogInput' no longer records the data of batch 11000 ms.*startEmpty: \\['totals'\\]`,
          ),
        ) as string,
      }),
    );
    // startEmpty still gets the application going.
    const second = startApp(dir, log, 25_000, {
      rememberMs: 5000,
      getOrCreate: { startEmpty: ['totals'] },
    });
    await second.ssc.start();
    await second.clock.setTime(26_000);
    await second.ssc.stop();
    expect(second.ssc.error).toBeUndefined();
  });
});

describe('a damaged snapshot in a chain of stateful operators', () => {
  /** 'counts' (running sums) feeds 'maxima' (the largest sum each key reached). */
  function startChain(dir: string, log: Entry[], now: number): App {
    const clock = new ManualClock(now);
    const out = new Map<number, Entry[]>();
    let created = false;
    const ssc = StreamingContext.getOrCreate(dir, () => {
      created = true;
      const ssc = new StreamingContext({
        master: 'local[2]',
        appName: 'chain',
        batchDuration: Seconds(1),
        clock,
      });
      ssc.checkpoint(dir);
      const add = (values: number[], s: number | undefined) =>
        values.reduce((a, b) => a + b, s ?? 0);
      const max = (values: number[], s: number | undefined) => Math.max(s ?? 0, ...values);
      new LogInputDStream(ssc, log)
        .updateStateByKey(add)
        .name('counts')
        .updateStateByKey(max)
        .name('maxima')
        .foreachRDD(async (rdd, time) => {
          out.set(time.milliseconds, sortEntries(await rdd.collect()));
        });
      return ssc;
    });
    return { ssc, clock, out, created };
  }

  async function firstRun(dir: string, log: Entry[]): Promise<void> {
    const first = startChain(dir, log, 0);
    await first.ssc.start();
    await runUntil(first, log, 25_000);
    await simulateCrash(first.ssc);
  }

  const file = (dir: string, key: string, t: number) =>
    join(dir, 'state', stateDirName(key), `snapshot-${t}`);

  it('lets the upstream operator restore older than the downstream one', async () => {
    const dir = tempDir();
    const log: Entry[] = [];
    await firstRun(dir, log);
    truncateSync(file(dir, 'counts', 20_000), 25);
    warnings();
    const second = startChain(dir, log, 25_000);
    await second.ssc.start();
    await second.clock.setTime(26_000);
    await runUntil(second, log, 28_000);
    await second.ssc.stop();
    expect(second.ssc.error).toBeUndefined();
    // Sums only grow: each key's maximum is its sum over the whole log.
    expect(second.out.get(28_000)).toEqual(sums(log));
  });

  it('refuses to restore the downstream operator older than the operator it reads', async () => {
    const dir = tempDir();
    const log: Entry[] = [];
    await firstRun(dir, log);
    truncateSync(file(dir, 'maxima', 20_000), 25);
    warnings();
    expect(() => startChain(dir, log, 25_000)).toThrow(
      expect.objectContaining({
        code: 'DSTREAM_ERR_STATE_UNREADABLE',
        message: expect.stringContaining(
          "cannot be brought up to date: it reads stateful operator 'counts', whose state is restored as of 20000 ms",
        ) as string,
      }),
    );
  });
});
