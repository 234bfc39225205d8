// A new version of an application whose state no longer has the shape of the stored one (issue
// #16): recovery fails with an error naming the operator and both shapes, before any output of the
// first batch is written, unless getOrCreate's `migrate` converts the stored states.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  decodeSnapshot,
  encodeSnapshot,
  ManualClock,
  Seconds,
  StateSpec,
  StreamingContext,
  type DStream,
  type GetOrCreateOptions,
  type Partitioner,
  type State,
} from 'dstream';
import { simulateCrash } from 'dstream/testing';
import { readCheckpoint } from '../src/streaming/checkpoint/recovery.js';
import { LogInputDStream, sums } from './fixtures/checkpoint-streams.js';
import { removeTempDirs, tempDir, warnings, type Entry } from './support/sums-app.js';
import { captureStderr, errorLines } from './support/capture-stderr.js';

afterEach(() => {
  vi.restoreAllMocks();
  removeTempDirs();
});

type Totals = { total: number; n: number };
type Row = readonly [string, unknown];

/** A version of the application: its stateful operator, named `name`, and what it outputs. */
type Version = (input: DStream<Entry>, name: string) => DStream<Row>;

const add = (values: number[], from: number) => values.reduce((a, b) => a + b, from);

/** updateStateByKey versions: the running sum (v1), then the sum and count (v2), then a total. */
const update = {
  sum: (input, name) =>
    input
      .updateStateByKey((values: number[], sum: number | undefined) => add(values, sum ?? 0))
      .name(name),
  totals: (input, name) =>
    input
      .updateStateByKey((values: number[], s: Totals | undefined) => ({
        total: add(values, s?.total ?? 0),
        n: (s?.n ?? 0) + values.length,
      }))
      .name(name),
  totalOnly: (input, name) =>
    input
      .updateStateByKey((values: number[], s: { total: number } | undefined) => ({
        total: add(values, s?.total ?? 0),
      }))
      .name(name),
} satisfies Record<string, Version>;

/** mapWithState versions: the running sum, then the sum and count; the output is the state. */
const mapping = {
  sum: (input, name) =>
    input
      .mapWithState(
        StateSpec.function((key: string, v: number | undefined, state: State<number>) => {
          state.update((state.getOption() ?? 0) + (v ?? 0));
        }),
      )
      .name(name)
      .stateSnapshots(),
  totals: (input, name) =>
    input
      .mapWithState(
        StateSpec.function((key: string, v: number | undefined, state: State<Totals>) => {
          const s = state.getOption();
          state.update({ total: (s?.total ?? 0) + (v ?? 0), n: (s?.n ?? 0) + 1 });
        }),
      )
      .name(name)
      .stateSnapshots(),
} satisfies Record<string, Version>;

interface App {
  ssc: StreamingContext;
  clock: ManualClock;
  out: Map<number, Row[]>;
}

/** `take`: the output reads only that many states (as print does), else all of them. */
function startApp(
  dir: string,
  log: Entry[],
  now: number,
  version: Version,
  o?: GetOrCreateOptions,
  take?: number,
) {
  const clock = new ManualClock(now);
  const out = new Map<number, Row[]>();
  const create = () => {
    const ssc = new StreamingContext({
      master: 'local[2]',
      appName: 'shapes',
      batchDuration: Seconds(1),
      clock,
    });
    ssc.checkpoint(dir);
    version(new LogInputDStream(ssc, log), 'totals').foreachRDD(async (rdd, time) => {
      const rows = take === undefined ? await rdd.collect() : await rdd.take(take);
      out.set(
        time.milliseconds,
        rows.sort((a, b) => (a[0] < b[0] ? -1 : 1)),
      );
    });
    return ssc;
  };
  return { ssc: StreamingContext.getOrCreate(dir, create, o), clock, out } satisfies App;
}

/** Appends two records per second of clock time and advances to `until`. */
async function runUntil(app: App, log: Entry[], until: number): Promise<void> {
  while (app.clock.now() + 1000 <= until) {
    const i = log.length;
    log.push([`k${i % 3}`, i], ['all', 1]);
    await app.clock.advance(1000);
  }
}

/**
 * Runs `version` from zero to 12 s and crashes: snapshots at 1 s and 10 s, the checkpoint at 12 s
 * (a stop would also snapshot the last batch).
 */
async function version1(dir: string, log: Entry[], version: Version, until = 12_000) {
  const v1 = startApp(dir, log, 0, version);
  await v1.ssc.start();
  await runUntil(v1, log, until);
  await simulateCrash(v1.ssc);
  expect(v1.ssc.error).toBeUndefined();
}

/** Restarts at 12 s with `version` and runs to 14 s (batch 12 s again, then 13 s and 14 s). */
async function version2(
  dir: string,
  log: Entry[],
  version: Version,
  o?: GetOrCreateOptions,
  take?: number,
) {
  const v2 = startApp(dir, log, 12_000, version, o, take);
  await v2.ssc.start();
  await runUntil(v2, log, 14_000);
  await v2.ssc.stop();
  return v2;
}

/** The 10 s snapshot holds the first 20 records: the totals, and the count since, of each key. */
function totalsSince10s(log: readonly Entry[]): [string, Totals][] {
  const counts = new Map<string, number>();
  for (const [k] of log.slice(20)) counts.set(k, (counts.get(k) ?? 0) + 1);
  return sums(log).map(([k, total]) => [k, { total, n: counts.get(k) ?? 0 }]);
}

const REMEDIES =
  "Convert the stored states as they are restored with StreamingContext.getOrCreate(dir, createFn, { migrate: { 'totals': (state, key) => newState } }), discard them with { startEmpty: ['totals'] }, or give the operator a new name; if the code does take states of both shapes, recover with { skipShapeCheck: ['totals'] }.";

function mismatch(stored: string, now: string, what = ''): RegExp {
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(
    `^The checkpointed state of 'totals' no longer matches the code: stored states are ${escape(stored)}, and ${escape(now)} for key (all|k[012])${escape(what)}\\. ${escape(REMEDIES)}$`,
  );
}

describe('updateStateByKey state that changed shape', () => {
  it('recovers when the shape is the same', async () => {
    const dir = tempDir();
    const log: Entry[] = [];
    await version1(dir, log, update.totals);
    const v2 = await version2(dir, log, update.totals);
    expect(v2.ssc.error).toBeUndefined();
    expect(v2.out.get(14_000)).toEqual(
      sums(log).map(([k, total]) => [k, { total, n: log.filter(([j]) => j === k).length }]),
    );
  });

  it('fails the first batch, before its output, naming the operator and both shapes (number → object)', async () => {
    const logged = captureStderr();
    const dir = tempDir();
    const log: Entry[] = [];
    await version1(dir, log, update.sum);
    const v2 = await version2(dir, log, update.totals);
    expect(v2.ssc.error).toMatchObject({
      code: 'DSTREAM_ERR_STATE_MISMATCH',
      message: expect.stringMatching(
        mismatch('number', 'the update function now returns { n: number, total: number }'),
      ) as string,
    });
    // Batch 12 s is the first to run: it computes 11 s and 12 s from the 10 s snapshot, and fails.
    expect(v2.ssc.error!.batchTime?.milliseconds).toBe(12_000);
    expect(v2.out.size).toBe(0);
    expect(errorLines(logged)).toEqual([
      'ERROR JobScheduler: Error running job streaming job 12000 ms.0',
      'ERROR JobScheduler: Error running job streaming job 13000 ms.0',
      'ERROR JobScheduler: Error running job streaming job 14000 ms.0',
    ]);
  });

  it('previews the update function before the outputs of the restored batch read the stored states', async () => {
    const logged = captureStderr();
    const dir = tempDir();
    const log: Entry[] = [];
    // Stopped at the snapshot's time: batch 10 s runs again and outputs the restored state.
    await version1(dir, log, update.sum, 10_000);
    const v2 = startApp(dir, log, 10_000, update.totals);
    await v2.ssc.start();
    await runUntil(v2, log, 12_000);
    await v2.ssc.stop();
    expect(v2.ssc.error?.message).toMatch(
      mismatch('number', 'the update function now returns { n: number, total: number }'),
    );
    expect(v2.ssc.error!.batchTime?.milliseconds).toBe(10_000);
    expect(v2.out.size).toBe(0);
    expect(errorLines(logged)).toEqual([
      'ERROR JobScheduler: Error running job streaming job 10000 ms.0',
      'ERROR JobScheduler: Error running job streaming job 11000 ms.0',
      'ERROR JobScheduler: Error running job streaming job 12000 ms.0',
    ]);
  });

  it('says what the stored states are when the new function throws on one', async () => {
    const logged = captureStderr();
    const dir = tempDir();
    const log: Entry[] = [];
    await version1(dir, log, update.sum);
    // Trusts its state to be an object: on a stored number, s.total is undefined.
    const strict: Version = (input, name) =>
      input
        .updateStateByKey((values: number[], s: Totals | undefined) => ({
          total: add(values, s === undefined ? 0 : s.total.valueOf()),
          n: (s?.n ?? 0) + values.length,
        }))
        .name(name);
    const v2 = await version2(dir, log, strict);
    const error = v2.ssc.error!;
    expect(error.code).toBe('DSTREAM_ERR_BATCH_FAILED');
    expect(error.batchTime?.milliseconds).toBe(12_000);
    expect(error.cause).toBeInstanceOf(TypeError);
    expect(error.message).toBe(
      `${(error.cause as Error).message} (applying batch 11000 ms to the state of 'totals', the first batch since that state was restored from its checkpoint; stored states are number: if the code now expects states of another shape, convert them with StreamingContext.getOrCreate(dir, createFn, { migrate: { 'totals': (state, key) => newState } }) or discard them with { startEmpty: ['totals'] })`,
    );
    expect(v2.out.size).toBe(0);

    // The same when the restored batch runs again, and the function is previewed on its states.
    const atSnapshot = tempDir();
    const log2: Entry[] = [];
    await version1(atSnapshot, log2, update.sum, 10_000);
    const v3 = startApp(atSnapshot, log2, 10_000, strict);
    await v3.ssc.start();
    await runUntil(v3, log2, 11_000);
    await v3.ssc.stop();
    expect(v3.ssc.error?.message).toContain(
      "(applying batch 10000 ms to the state of 'totals', the first batch since that state was restored from its checkpoint; stored states are number:",
    );
    expect(v3.out.size).toBe(0);
    expect(errorLines(logged)).toEqual([
      'ERROR JobScheduler: Error running job streaming job 12000 ms.0',
      'ERROR JobScheduler: Error running job streaming job 13000 ms.0',
      'ERROR JobScheduler: Error running job streaming job 14000 ms.0',
      'ERROR JobScheduler: Error running job streaming job 10000 ms.0',
      'ERROR JobScheduler: Error running job streaming job 11000 ms.0',
    ]);
  });

  it('names the object keys added or removed', async () => {
    const logged = captureStderr();
    const added = tempDir();
    const log: Entry[] = [];
    await version1(added, log, update.totalOnly);
    const v2 = await version2(added, log, update.totals);
    expect(v2.ssc.error?.message).toMatch(
      mismatch(
        '{ total: number }',
        'the update function now returns { n: number, total: number }',
        ': it has key n that none of the stored states has',
      ),
    );

    const removed = tempDir();
    const log2: Entry[] = [];
    await version1(removed, log2, update.totals);
    const v3 = await version2(removed, log2, update.totalOnly);
    expect(v3.ssc.error?.message).toMatch(
      mismatch(
        '{ n: number, total: number }',
        'the update function now returns { total: number }',
        ': it lacks key n that every stored state has',
      ),
    );
    expect(v3.out.size).toBe(0);
    expect(errorLines(logged)).toEqual([
      'ERROR JobScheduler: Error running job streaming job 12000 ms.0',
      'ERROR JobScheduler: Error running job streaming job 13000 ms.0',
      'ERROR JobScheduler: Error running job streaming job 14000 ms.0',
      'ERROR JobScheduler: Error running job streaming job 12000 ms.0',
      'ERROR JobScheduler: Error running job streaming job 13000 ms.0',
      'ERROR JobScheduler: Error running job streaming job 14000 ms.0',
    ]);
  });

  it('recovers the exact totals with migrate, which converts every stored state', async () => {
    const dir = tempDir();
    const log: Entry[] = [];
    await version1(dir, log, update.sum);
    const keys: unknown[] = [];
    const v2 = await version2(dir, log, update.totals, {
      migrate: {
        totals: (total: number, key: string) => {
          keys.push(key);
          return { total, n: 0 };
        },
      },
    });
    expect(v2.ssc.error).toBeUndefined();
    expect(keys.sort()).toEqual(['all', 'k0', 'k1', 'k2']);
    expect(v2.out.get(14_000)).toEqual(totalsSince10s(log));
  });

  it('checks the migrated states: a migration of the wrong shape fails too', async () => {
    const logged = captureStderr();
    const dir = tempDir();
    const log: Entry[] = [];
    await version1(dir, log, update.sum);
    const v2 = await version2(dir, log, update.totals, {
      migrate: { totals: (total: number) => ({ totl: total, n: 0 }) },
    });
    expect(v2.ssc.error?.message).toMatch(
      mismatch(
        '{ n: number, totl: number }',
        'the update function now returns { n: number, total: number }',
        ': it has key total that none of the stored states has; lacks key totl that every stored state has',
      ),
    );
    expect(errorLines(logged)).toEqual([
      'ERROR JobScheduler: Error running job streaming job 12000 ms.0',
      'ERROR JobScheduler: Error running job streaming job 13000 ms.0',
      'ERROR JobScheduler: Error running job streaming job 14000 ms.0',
    ]);
  });

  it('drops the keys a migration returns undefined for', async () => {
    const dir = tempDir();
    const log: Entry[] = [];
    await version1(dir, log, update.sum, 10_000);
    const v2 = startApp(dir, log, 10_000, update.sum, {
      migrate: { totals: (sum, key) => (key === 'all' ? undefined : sum) },
    });
    await v2.ssc.start();
    await runUntil(v2, log, 12_000);
    await v2.ssc.stop();
    expect(v2.ssc.error).toBeUndefined();
    // Batch 10 s runs again and gives the restored state itself: without the dropped key.
    expect(v2.out.get(10_000)).toEqual(sums(log.slice(0, 20)).filter(([k]) => k !== 'all'));
    const since10s = sums(log.slice(20)).find(([k]) => k === 'all');
    expect(v2.out.get(12_000)).toEqual(sums(log).map((e) => (e[0] === 'all' ? since10s : e)));
  });

  it('names the key whose migration threw', async () => {
    const logged = captureStderr();
    const dir = tempDir();
    const log: Entry[] = [];
    await version1(dir, log, update.sum);
    const v2 = startApp(dir, log, 12_000, update.totals, {
      migrate: {
        totals: (total: number, key: string) => {
          if (key === 'k1') throw new Error('no rate for k1');
          return { total, n: 0 };
        },
      },
    });
    try {
      await expect(v2.ssc.start()).rejects.toMatchObject({
        code: 'DSTREAM_ERR_STATE_MIGRATION_FAILED',
        message: expect.stringMatching(
          /^The migration of the checkpointed state of 'totals' failed for key k1 \(stored state \d+\): no rate for k1$/,
        ) as string,
      });
    } finally {
      await v2.ssc.stop();
    }
    expect(errorLines(logged)).toEqual([
      'ERROR StreamingContext: Error starting the context, marking it as stopped',
    ]);
  });

  it('lets skipShapeCheck through, and warns about names with no stored state', async () => {
    const dir = tempDir();
    const log: Entry[] = [];
    await version1(dir, log, update.sum);
    const lines = warnings();
    const v2 = await version2(dir, log, update.totals, { skipShapeCheck: ['totals', 'typo'] });
    expect(v2.ssc.error).toBeUndefined();
    expect(v2.out.get(14_000)).toHaveLength(4);
    expect(lines.join('')).toContain(
      "getOrCreate names 'typo', which has no checkpointed state to restore",
    );
  });

  it('checks a snapshot of format version 1 holding nothing but the states', async () => {
    const logged = captureStderr();
    const dir = tempDir();
    const log: Entry[] = [];
    await version1(dir, log, update.sum);
    const file = join(dir, readCheckpoint(dir)!.record.states[0]!.snapshot!.file);
    const { entries } = decodeSnapshot(readFileSync(file));
    const bytes = encodeSnapshot({ entries });
    expect(bytes[4]).toBe(1);
    writeFileSync(file, bytes);
    const copy = tempDir();
    cpSync(dir, copy, { recursive: true });
    const sameLog = [...log];

    const v2 = await version2(dir, log, update.totals);
    expect(v2.ssc.error?.code).toBe('DSTREAM_ERR_STATE_MISMATCH');
    const same = await version2(copy, sameLog, update.sum);
    expect(same.ssc.error).toBeUndefined();
    expect(same.out.get(14_000)).toEqual(sums(sameLog));
    expect(errorLines(logged)).toEqual([
      'ERROR JobScheduler: Error running job streaming job 12000 ms.0',
      'ERROR JobScheduler: Error running job streaming job 13000 ms.0',
      'ERROR JobScheduler: Error running job streaming job 14000 ms.0',
    ]);
  });
});

describe('mapWithState state that changed shape', () => {
  it('checks every partition of the first batch before an output reads one', async () => {
    const logged = captureStderr();
    const dir = tempDir();
    const log: Entry[] = [];
    await version1(dir, log, mapping.sum, 10_000);
    // 'all' (in every batch) alone in the first partition, the other keys in the second, whose
    // states change shape; the output reads the first partition only (as print(1) does).
    const byKey: Partitioner = {
      numPartitions: 2,
      getPartition: (key) => (key === 'all' ? 0 : 1),
      equals: (other) => other === byKey,
    };
    const second = (key: string) => byKey.getPartition(key) === 1;
    const mixed: Version = (input, name) =>
      input
        .mapWithState(
          StateSpec.function(
            (key: string, v: number | undefined, state: State<number | { total: number }>) => {
              const s = state.getOption();
              const total = (typeof s === 'object' ? s.total : (s ?? 0)) + (v ?? 0);
              state.update(second(key) ? { total } : total);
              return [key, total] as const;
            },
          ).partitioner(byKey),
        )
        .name(name);
    const v2 = startApp(dir, log, 10_000, mixed, undefined, 1);
    await v2.ssc.start();
    await runUntil(v2, log, 12_000);
    await v2.ssc.stop();
    expect(v2.ssc.error?.message).toMatch(
      mismatch('number', 'the mapping function now stores { total: number }'),
    );
    // Batch 10 s runs again (no records: no output rows); batch 11 s, the first applied, fails.
    expect(v2.ssc.error!.batchTime?.milliseconds).toBe(11_000);
    expect([...v2.out.entries()]).toEqual([[10_000, []]]);
    expect(v2.ssc.error!.message).toMatch(/for key k[012]\./);
    expect(errorLines(logged)).toEqual([
      'ERROR JobScheduler: Error running job streaming job 11000 ms.0',
      'ERROR JobScheduler: Error running job streaming job 12000 ms.0',
    ]);
  });

  it('recovers when the shape is the same', async () => {
    const dir = tempDir();
    const log: Entry[] = [];
    await version1(dir, log, mapping.sum);
    const v2 = await version2(dir, log, mapping.sum);
    expect(v2.ssc.error).toBeUndefined();
    expect(v2.out.get(14_000)).toEqual(sums(log));
  });

  it('fails the first batch, before its output, naming the operator and both shapes', async () => {
    const logged = captureStderr();
    const dir = tempDir();
    const log: Entry[] = [];
    await version1(dir, log, mapping.sum);
    const v2 = await version2(dir, log, mapping.totals);
    expect(v2.ssc.error).toMatchObject({
      code: 'DSTREAM_ERR_STATE_MISMATCH',
      message: expect.stringMatching(
        mismatch('number', 'the mapping function now stores { n: number, total: number }'),
      ) as string,
    });
    expect(v2.out.size).toBe(0);
    expect(errorLines(logged)).toEqual([
      'ERROR JobScheduler: Error running job streaming job 12000 ms.0',
      'ERROR JobScheduler: Error running job streaming job 13000 ms.0',
      'ERROR JobScheduler: Error running job streaming job 14000 ms.0',
    ]);
  });

  it('recovers the exact totals with migrate', async () => {
    const dir = tempDir();
    const log: Entry[] = [];
    await version1(dir, log, mapping.sum);
    const v2 = await version2(dir, log, mapping.totals, {
      migrate: { totals: (total: number) => ({ total, n: 0 }) },
    });
    expect(v2.ssc.error).toBeUndefined();
    expect(v2.out.get(14_000)).toEqual(totalsSince10s(log));
  });
});

describe('an incremental window whose values changed shape', () => {
  /** The window (4 s, sliding every 2 s) of each key's sum, kept as a number or as `{ sum }`. */
  const numbers: Version = (input, name) =>
    input
      .reduceByKeyAndWindow(
        (a, b) => a + b,
        (a, b) => a - b,
        Seconds(4),
        Seconds(2),
      )
      .name(name);
  const objects: Version = (input, name) =>
    input
      .mapValues((v) => ({ sum: v }))
      .reduceByKeyAndWindow(
        (a, b) => ({ sum: a.sum + b.sum }),
        (a, b) => ({ sum: a.sum - b.sum }),
        Seconds(4),
        Seconds(2),
      )
      .name(name)
      .mapValues((s) => s.sum);

  it('recovers the exact windows with migrate, which converts the stored window', async () => {
    const dir = tempDir();
    const log: Entry[] = [];
    await version1(dir, log, numbers);
    const v2 = await version2(dir, log, objects, {
      migrate: { totals: (sum: number) => ({ sum }) },
    });
    expect(v2.ssc.error).toBeUndefined();
    // Batch k s takes the records appended before it: log[2(k − 1)], log[2(k − 1) + 1].
    const window = (t: number) => sums(log.slice(2 * (t / 1000 - 4), 2 * (t / 1000)));
    expect([...v2.out.keys()]).toEqual([12_000, 14_000]);
    for (const [t, rows] of v2.out) expect(rows, `window ${t}`).toEqual(window(t));
  });
});
