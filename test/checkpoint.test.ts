import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  decodeSnapshot,
  DStreamError,
  encodeSnapshot,
  Seconds,
  SNAPSHOT_FORMAT_VERSION,
  StateSpec,
  type DStream,
  type State,
  type StreamingContext,
} from 'dstream';
import { createManualContext, simulateCrash } from 'dstream/testing';
import { readCheckpoint } from '../src/streaming/checkpoint/recovery.js';
import { stateDirName } from '../src/streaming/checkpoint/state-keys.js';
import { LogInputDStream, sortEntries, sums } from './fixtures/checkpoint-streams.js';
import { captureStderr, errorLines } from './support/capture-stderr.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'dstream-checkpoint-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function roundTrip(value: unknown): unknown {
  return decodeSnapshot(encodeSnapshot({ entries: [['k', value]] })).entries[0]![1];
}

function codecError(f: () => unknown): DStreamError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DStreamError);
    return e as DStreamError;
  }
  throw new Error('expected an error');
}

describe('snapshot codec', () => {
  it('round-trips every number exactly, -0, NaN and the infinities included', () => {
    const numbers = [
      0,
      -0,
      1,
      -1,
      42,
      2 ** 31 - 1,
      -(2 ** 31),
      2 ** 31,
      -(2 ** 31) - 1,
      0.1,
      -2.5,
      1e300,
      Number.MIN_VALUE,
      Number.MAX_SAFE_INTEGER,
      Number.MIN_SAFE_INTEGER,
      NaN,
      Infinity,
      -Infinity,
    ];
    for (const n of numbers) expect(Object.is(roundTrip(n), n), String(n)).toBe(true);
  });

  it('round-trips strings, including long, non-ASCII and lone surrogates', () => {
    const strings = [
      '',
      'a',
      'Ontario',
      '北京市',
      '😀 emoji',
      'x'.repeat(42),
      'é'.repeat(43),
      'y'.repeat(70_000),
      '\ud800',
      'a\udc00b',
    ];
    for (const s of strings) expect(roundTrip(s)).toBe(s);
  });

  it('round-trips booleans, null, undefined, bigint and Dates', () => {
    for (const v of [true, false, null, undefined, 0n, -123n, 2n ** 100n, -(3n ** 70n)]) {
      expect(roundTrip(v)).toBe(v);
    }
    const d = roundTrip(new Date(1_500_000_000_123)) as Date;
    expect(d).toBeInstanceOf(Date);
    expect(d.getTime()).toBe(1_500_000_000_123);
    expect(Number.isNaN((roundTrip(new Date(NaN)) as Date).getTime())).toBe(true);
  });

  it('round-trips arrays, plain objects, Maps and Sets, nested', () => {
    const value = {
      total: 1250.5,
      orders: [1, 'two', [3, [4]], { five: 5 }],
      byDay: new Map<unknown, unknown>([
        ['2024-01-01', 3],
        [7, new Set(['a', 'b'])],
        [[1, 2], { nested: new Map([['x', null]]) }],
      ]),
      seen: new Set([1, 'one', 1n]),
      when: new Date(0),
      empty: {},
      none: [],
    };
    expect(roundTrip(value)).toEqual(value);
    const m = (roundTrip(value) as typeof value).byDay;
    expect(m).toBeInstanceOf(Map);
    expect([...m.keys()]).toEqual(['2024-01-01', 7, [1, 2]]);
  });

  it('keeps a __proto__ key as data, never as the prototype', () => {
    const o = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as Record<string, unknown>;
    const back = roundTrip(o) as Record<string, unknown>;
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.keys(back)).toEqual(['__proto__', 'a']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('stores array holes as undefined and null-prototype objects as plain objects', () => {
    // eslint-disable-next-line no-sparse-arrays
    expect(roundTrip([1, , 3])).toEqual([1, undefined, 3]);
    const o = Object.create(null) as Record<string, number>;
    o.a = 1;
    expect(roundTrip(o)).toEqual({ a: 1 });
  });

  it('round-trips entries with composite keys and the meta record', () => {
    const snapshot = {
      entries: [
        [['a', 1], 1],
        [{ p: 12 }, { total: 3 }],
        [5n, new Date(5)],
      ] as [unknown, unknown][],
      meta: { lastUpdated: new Map([['a', 1000]]), version: 2 },
    };
    expect(decodeSnapshot(encodeSnapshot(snapshot))).toEqual(snapshot);
    expect(decodeSnapshot(encodeSnapshot({ entries: [] }))).toEqual({ entries: [] });
  });

  it('rejects class instances, functions and symbols, naming the key and the path', () => {
    class Customer {
      constructor(readonly name: string) {}
    }
    const e = codecError(() =>
      encodeSnapshot({
        entries: [
          ['Quebec', { orders: [] }],
          ['Ontario', { orders: [1, 2, { customer: new Customer('x') }] }],
        ],
      }),
    );
    expect(e.code).toBe('DSTREAM_ERR_SNAPSHOT_UNSUPPORTED_VALUE');
    expect(e.message).toContain('an instance of class Customer');
    expect(e.message).toContain('the state of key "Ontario" at .orders[2].customer');
    expect(e.message).toContain('plain objects');

    const f = codecError(() => encodeSnapshot({ entries: [['k', new Map([['m', () => 1]])]] }));
    expect(f.message).toMatch(/a function .* at \.get\("m"\)/);
    const s = codecError(() => encodeSnapshot({ entries: [[Symbol('s'), 1]] }));
    expect(s.message).toContain('a symbol');
    expect(s.message).toContain('the key of entry 0');
    class MyMap extends Map {}
    expect(codecError(() => roundTrip(new MyMap())).message).toContain('class MyMap');
    expect(codecError(() => roundTrip(new Uint8Array(2))).message).toContain('class Uint8Array');
    const m = codecError(() =>
      encodeSnapshot({ entries: [], meta: { at: new (class Clock {})() } }),
    );
    expect(m.message).toContain('found in meta at .at');
  });

  it('rejects circular references but stores shared ones twice', () => {
    const shared = { n: 1 };
    expect(roundTrip([shared, shared])).toEqual([{ n: 1 }, { n: 1 }]);
    const loop: Record<string, unknown> = { a: 1 };
    loop.self = loop;
    expect(codecError(() => roundTrip(loop)).message).toContain('a circular reference');
  });

  describe('detects corrupt files', () => {
    const good = encodeSnapshot({
      entries: [
        ['Ontario', 12.5],
        ['Quebec', 7],
      ],
    });
    const corrupt = (data: Uint8Array) => codecError(() => decodeSnapshot(data));

    it('starts with a versioned header', () => {
      expect(good.subarray(0, 4).toString('latin1')).toBe('DSTS');
      expect(good[4]).toBe(SNAPSHOT_FORMAT_VERSION);
    });

    it('truncated anywhere', () => {
      for (const n of [0, 3, 19, 20, good.length - 1]) {
        const e = corrupt(good.subarray(0, n));
        expect(e.code).toBe('DSTREAM_ERR_SNAPSHOT_CORRUPT');
        expect(e.message).toMatch(/Truncated/);
      }
    });

    it('with any byte of the body changed', () => {
      for (let i = 20; i < good.length; i++) {
        const bad = Buffer.from(good);
        bad[i]! ^= 0x5a;
        expect(corrupt(bad).message).toMatch(/Checksum mismatch/);
      }
    });

    it('with a foreign magic, another kind, a newer version or trailing bytes', () => {
      const foreign = Buffer.from(good);
      foreign[0] = 0x50;
      expect(corrupt(foreign).message).toMatch(/bad magic/);
      const kind = Buffer.from(good);
      kind[3] = 'M'.charCodeAt(0);
      expect(corrupt(kind).message).toMatch(/found a metadata checkpoint file/);
      const newer = Buffer.from(good);
      newer[4] = SNAPSHOT_FORMAT_VERSION + 1;
      expect(corrupt(newer).message).toMatch(/written by a newer dstream/);
      expect(corrupt(Buffer.concat([good, Buffer.from([0])])).message).toMatch(/unexpected bytes/);
    });
  });
});

// ------------------------------------------------------------------------------ checkpoint writer

type Entry = readonly [string, number];

/** updateStateByKey's running sum per key. */
function runningSum(input: DStream<Entry>): DStream<Entry> {
  return input.updateStateByKey((values: number[], sum: number | undefined) =>
    values.reduce((a, b) => a + b, sum ?? 0),
  );
}

async function runSums(
  dir: string,
  batches: number,
  configure?: (state: DStream<Entry>, ssc: StreamingContext) => void,
): Promise<{ log: Entry[]; out: Map<number, Entry[]> }> {
  const { ssc, clock } = createManualContext({ checkpointDir: dir });
  const log: Entry[] = [];
  const state = runningSum(new LogInputDStream(ssc, log)).name('totals');
  configure?.(state, ssc);
  const out = new Map<number, Entry[]>();
  state.foreachRDD(async (rdd, time) => {
    out.set(time.milliseconds, sortEntries(await rdd.collect()));
  });
  await ssc.start();
  for (let i = 1; i <= batches; i++) {
    log.push(['a', i], [`k${i % 3}`, 1]);
    await clock.advance(1000);
  }
  // As a crash: these tests look at the checkpoints of batches only, without the stop's.
  await simulateCrash(ssc);
  expect(ssc.error).toBeUndefined();
  return { log, out };
}

describe('checkpoint writer', () => {
  it('keeps the last 10 metadata checkpoints, named after the batch time, written whole', async () => {
    const dir = tempDir();
    await runSums(dir, 25);
    const names = readdirSync(dir)
      .filter((n) => n.startsWith('checkpoint-'))
      .sort();
    expect(names).toHaveLength(10);
    // Each batch is checkpointed after generation and after completion: the first write of a
    // time is kept as `.bk` when the second replaces it.
    expect(names).toContain('checkpoint-25000');
    expect(names).toContain('checkpoint-25000.bk');
    expect(names).toContain('checkpoint-21000');
    expect(names).not.toContain('checkpoint-20000.bk');
    expect(readdirSync(dir).filter((n) => n.startsWith('.tmp'))).toEqual([]);

    const read = readCheckpoint(dir)!;
    expect(read.file).toBe(join(dir, 'checkpoint-25000'));
    const r = read.record;
    expect(r).toMatchObject({
      appName: 'dstream-test',
      master: 'local[2]',
      batchDurationMs: 1000,
      zeroTimeMs: 0,
      checkpointTimeMs: 25000,
      pendingTimesMs: [],
    });
    expect(r.inputs.map((i) => i.key)).toEqual(['LogInput']);
    expect(r.states).toEqual([
      {
        key: 'totals',
        snapshot: { timeMs: 20000, file: join('state', stateDirName('totals'), 'snapshot-20000') },
      },
    ]);
  });

  it('records a batch as pending after its generation and not after its completion', async () => {
    const dir = tempDir();
    await runSums(dir, 3);
    const bk = readFileSync(join(dir, 'checkpoint-3000.bk'));
    const { decodeCheckpoint } = await import('../src/streaming/checkpoint/checkpoint-data.js');
    expect(decodeCheckpoint(bk).pendingTimesMs).toEqual([3000]);
    expect(readCheckpoint(dir)!.record.pendingTimesMs).toEqual([]);
  });

  it('snapshots state at its checkpoint interval, as data, keeping the last few', async () => {
    const dir = tempDir();
    const { log } = await runSums(dir, 25, (state) => state.checkpoint(Seconds(2)));
    const stateDir = join(dir, 'state', stateDirName('totals'));
    const files = readdirSync(stateDir).sort();
    // Every 2 s; the newest 3 and those the kept checkpoints name (24000 and 22000) remain.
    expect(files).toEqual(['snapshot-20000', 'snapshot-22000', 'snapshot-24000']);
    const snapshot = decodeSnapshot(readFileSync(join(stateDir, 'snapshot-24000')));
    expect(sortEntries(snapshot.entries as Entry[])).toEqual(sums(log.slice(0, 48)));
  });

  it('snapshots with the default interval: the smallest multiple of the slide of at least 10 s', async () => {
    const dir = tempDir();
    const { ssc } = createManualContext({ checkpointDir: dir, batchDuration: Seconds(3) });
    const state = runningSum(new LogInputDStream(ssc, []));
    state.foreachRDD(() => {});
    await ssc.start();
    expect(state.checkpointDuration?.milliseconds).toBe(12_000);
    await ssc.stop();
  });

  it('fails the batch, naming the state key and the path, when state holds a class instance', async () => {
    const logged = captureStderr();
    class Price {
      constructor(readonly amount: number) {}
    }
    const dir = tempDir();
    const { ssc, clock } = createManualContext({ checkpointDir: dir });
    new LogInputDStream(ssc, [['a', 1]])
      .updateStateByKey((values: number[], state: { price: Price } | undefined) => ({
        price: new Price(values.length + (state?.price.amount ?? 0)),
      }))
      .name('prices')
      .foreachRDD(() => {});
    await ssc.start();
    await clock.advance(3000);
    await ssc.stop();
    expect(ssc.error?.code).toBe('DSTREAM_ERR_SNAPSHOT_UNSUPPORTED_VALUE');
    expect(ssc.error?.message).toMatch(
      /^State of 'prices' at 1000 ms: Cannot store an instance of class Price in a snapshot, found in the state of key "a" at \.price\./,
    );
    expect(ssc.error?.batchTime?.milliseconds).toBe(1000);
    expect(errorLines(logged)).toEqual([]);
    expect(logged.join('')).toContain(
      'WARN StreamingContext: Could not write the checkpoint of the stop',
    );
  });

  it('refuses to start two stateful operators with one name', async () => {
    const logged = captureStderr();
    const dir = tempDir();
    const { ssc } = createManualContext({ checkpointDir: dir });
    const input = new LogInputDStream(ssc, []);
    runningSum(input)
      .name('same')
      .foreachRDD(() => {});
    runningSum(input.filter(([k]) => k !== ''))
      .name('same')
      .foreachRDD(() => {});
    await expect(ssc.start()).rejects.toMatchObject({
      code: 'DSTREAM_ERR_DUPLICATE_STATE_NAME',
      message: expect.stringContaining(
        "Two stateful operators have the state key 'same'",
      ) as string,
    });
    expect(errorLines(logged)).toEqual([
      'ERROR StreamingContext: Error starting the context, marking it as stopped',
    ]);
  });
});

// ------------------------------------------------------------------------------ state keys

describe('state keys', () => {
  /** The state keys of an application's stateful streams, as checkpoints store them. */
  async function keysOf(build: (ssc: StreamingContext, input: DStream<Entry>) => void) {
    const dir = tempDir();
    const { ssc, clock } = createManualContext({ checkpointDir: dir });
    build(ssc, new LogInputDStream(ssc, [['a', 1]]));
    await ssc.start();
    await clock.advance(1000);
    await ssc.stop();
    expect(ssc.error).toBeUndefined();
    return readCheckpoint(dir)!.record.states.map((s) => s.key);
  }

  const counts = (s: DStream<Entry>) => runningSum(s.map(([k]) => [k, 1] as const));
  const print = (s: DStream<unknown>) => s.foreachRDD(() => {});

  it('derive from the operation and its ancestry, down to the input', async () => {
    expect(await keysOf((_ssc, input) => print(counts(input)))).toEqual([
      'updateStateByKey(map(LogInput))',
    ]);
    const spec = StateSpec.function((_k: string, v: number | undefined, s: State<number>) => {
      s.update((s.getOption() ?? 0) + (v ?? 0));
      return v;
    });
    expect(
      await keysOf((_ssc, input) => {
        print(input.mapWithState(spec));
        print(
          input.reduceByKeyAndWindow(
            (a, b) => a + b,
            (a, b) => a - b,
            Seconds(4),
            Seconds(2),
          ),
        );
      }),
    ).toEqual(['mapWithState(LogInput)', 'reduceByKeyAndWindow(reduceByKey(LogInput))']);
  });

  it('stay the same when unrelated operators are added before, beside and after', async () => {
    const v1 = await keysOf((_ssc, input) => print(counts(input)));
    const v2 = await keysOf((ssc, input) => {
      print(input.filter(([k]) => k !== 'b').count());
      print(runningSum(input.filter(([, v]) => v > 0)));
      const c = counts(input);
      print(c);
      print(c.map(([k, n]) => `${k}=${n}`));
      ssc.queueStream([]).foreachRDD(() => {});
    });
    expect(v2).toContain(v1[0]);
    expect(v2).toEqual(['updateStateByKey(filter(LogInput))', 'updateStateByKey(map(LogInput))']);
  });

  it('number identical paths in declaration order; a name always wins; a named ancestor ends the path', async () => {
    expect(
      await keysOf((_ssc, input) => {
        print(counts(input));
        print(counts(input).name('second'));
        print(counts(input));
        const named = input.map(([k]) => [k, 2] as const).name('orders');
        print(runningSum(named.filter(() => true)));
      }),
    ).toEqual([
      'updateStateByKey(map(LogInput))',
      'second',
      'updateStateByKey(map(LogInput))#2',
      'updateStateByKey(filter("orders"))',
    ]);
  });
});
