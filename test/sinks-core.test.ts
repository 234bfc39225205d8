// The rule every transactional sink applies (sinks/core), without a store: which batches follow
// the stored offsets, which were applied already, which are refused; batch times; retries; the
// client library loaded on first use.
import { describe, expect, it } from 'vitest';
import { DStreamError, OffsetRange, Time } from 'dstream';
import {
  batchPositions,
  offsetsVerdict,
  OffsetsMismatchError,
  optionalPeer,
  positionKey,
  timeVerdict,
  withRetries,
} from '../src/sinks/core/index.js';
import { chunksOf } from '../src/sinks/core/sql/index.js';

const stored = (...ends: [number, number][]) =>
  new Map(ends.map(([partition, end]) => [positionKey({ topic: 't', partition }), end]));
const ranges = (...r: [number, number, number][]) =>
  r.map(([p, from, until]) => OffsetRange.create('t', p, from, until));
const verdict = (s: Map<string, number>, r: OffsetRange[]) => offsetsVerdict('Store', 'id', s, r);

describe('offsetsVerdict', () => {
  it.each([
    ['nothing stored', stored(), ranges([0, 0, 5]), 'apply'],
    [
      'every range starts at its stored end',
      stored([0, 5], [1, 7]),
      ranges([0, 5, 9], [1, 7, 7]),
      'apply',
    ],
    ['a partition new to the store', stored([0, 5]), ranges([0, 5, 9], [1, 0, 3]), 'apply'],
    ['all ranges empty at the stored ends', stored([0, 5]), ranges([0, 5, 5]), 'apply'],
    [
      'every range ends at its stored end',
      stored([0, 9], [1, 7]),
      ranges([0, 5, 9], [1, 7, 7]),
      'applied',
    ],
    [
      'an earlier batch run again after later ones were written',
      stored([0, 20], [1, 7]),
      ranges([0, 5, 9], [1, 7, 7]),
      'applied',
    ],
  ] as const)('%s: %s', (_name, s, r, expected) => {
    expect(verdict(s, [...r])).toBe(expected);
  });

  it.each([
    ['a gap', stored([0, 5]), ranges([0, 6, 9])],
    ['an overlap', stored([0, 5]), ranges([0, 3, 9])],
    [
      'one partition applied, another following',
      stored([0, 9], [1, 7]),
      ranges([0, 5, 9], [1, 7, 8]),
    ],
  ] as const)('refuses %s, naming the partitions', (_name, s, r) => {
    const e = (() => {
      try {
        return verdict(s, [...r]);
      } catch (x) {
        return x;
      }
    })();
    expect(e).toBeInstanceOf(OffsetsMismatchError);
    expect((e as DStreamError).code).toBe('DSTREAM_ERR_SINK_OFFSETS_MISMATCH');
    expect((e as Error).message).toMatch(/^Store sink 'id' refused the batch: .*t-0 /);
  });
});

describe('timeVerdict', () => {
  it('applies a later batch, skips one at or before the stored time', () => {
    expect(timeVerdict(undefined, 1000)).toBe('apply');
    expect(timeVerdict(1000, 2000)).toBe('apply');
    expect(timeVerdict(2000, 2000)).toBe('applied');
    expect(timeVerdict(2000, 1000)).toBe('applied');
  });
});

describe('batchPositions', () => {
  it('takes offset ranges, an RDD that has them, or a batch time', () => {
    const r = ranges([0, 0, 5]);
    expect(batchPositions({}, r, 'w')).toEqual({ kind: 'offsets', ranges: r });
    expect(batchPositions({ offsetRanges: r }, undefined, 'w')).toEqual({
      kind: 'offsets',
      ranges: r,
    });
    expect(batchPositions({}, new Time(3000), 'w')).toEqual({ kind: 'time', milliseconds: 3000 });
  });

  it('refuses none, two ranges of one partition, and objects that are neither', () => {
    expect(() => batchPositions({}, undefined, 'w')).toThrow(/needs the batch's positions/);
    expect(() => batchPositions({}, ranges([0, 0, 5], [0, 5, 6]), 'w')).toThrow(
      /two offset ranges of t-0/,
    );
    expect(() => batchPositions({}, {} as never, 'w')).toThrow(/positions must be/);
  });
});

describe('withRetries', () => {
  const target = (retryable: boolean) => ({
    store: 'Store',
    sinkId: 'id',
    retryable: () => retryable,
  });

  it('tries again up to the attempts, then fails naming the store and the cause', async () => {
    let calls = 0;
    const e = await withRetries(target(true), { attempts: 3, initialBackoffMs: 1 }, () => {
      calls++;
      return Promise.reject(new Error('connection refused'));
    }).catch((x: unknown) => x);
    expect(calls).toBe(3);
    expect((e as DStreamError).code).toBe('DSTREAM_ERR_SINK_WRITE');
    expect((e as Error).message).toMatch(
      /^Store sink 'id' could not write the batch \(attempt 3 of 3\): connection refused/,
    );
  });

  it('succeeds on a later attempt; does not retry what cannot change, nor its own errors', async () => {
    let calls = 0;
    const ok = await withRetries(target(true), { attempts: 3, initialBackoffMs: 1 }, () =>
      ++calls < 2 ? Promise.reject(new Error('down')) : Promise.resolve('done'),
    );
    expect([ok, calls]).toEqual(['done', 2]);
    calls = 0;
    await expect(
      withRetries(
        target(false),
        { attempts: 3 },
        () => (calls++, Promise.reject(new Error('bad row'))),
      ),
    ).rejects.toThrow(/attempt 1 of 3, not retried\): bad row/);
    const own = new DStreamError('DSTREAM_ERR_SINK_OFFSETS_MISMATCH', 'refused');
    await expect(
      withRetries(target(true), { attempts: 3 }, () => Promise.reject(own)),
    ).rejects.toBe(own);
    expect(calls).toBe(1);
  });
});

describe('optionalPeer', () => {
  it('loads once; a missing package says what to install, and the next use tries again', async () => {
    let calls = 0;
    let installed = false;
    const load = optionalPeer(
      'dstream/sinks/store',
      { name: 'store-client', spec: 'store-client@1' },
      () => {
        calls++;
        return installed
          ? Promise.resolve('client')
          : Promise.reject(new Error("Cannot find package 'store-client'"));
      },
    );
    await expect(load()).rejects.toMatchObject({
      code: 'DSTREAM_ERR_SINK_CLIENT_MISSING',
      message:
        "dstream/sinks/store needs the optional package store-client: npm install store-client@1 (Cannot find package 'store-client')",
    });
    installed = true;
    expect(await load()).toBe('client');
    expect(await load()).toBe('client');
    expect(calls).toBe(2);
  });
});

describe('chunksOf: the statements of a batch', () => {
  const rows = (n: number, text: string) =>
    Array.from({ length: n }, (_, i) => ({ id: i, name: text }));
  const sizes = (chunks: ReturnType<typeof chunksOf>) => chunks.map((c) => c.rowIndexes.length);

  it('cuts at the most rows a statement may carry', () => {
    const write = { table: 't', mode: 'insert', rows: rows(2500, 'a') } as const;
    expect(sizes(chunksOf(write, { maxParameters: 65535, maxRows: 1000 }, 'S'))).toEqual([
      1000, 1000, 500,
    ]);
  });

  it('cuts before a statement holds more bytes than the server takes, never within a row', () => {
    // 1000 characters count 3000 bytes (UTF-8 at its widest), the id 24: 3024 a row.
    const write = { table: 't', mode: 'insert', rows: rows(10, 'x'.repeat(1000)) } as const;
    const limits = { maxParameters: 65535, maxRows: 10_000, maxBytes: 3 * 3024 };
    expect(sizes(chunksOf(write, limits, 'S'))).toEqual([3, 3, 3, 1]);
    // A row bigger than the budget still goes, alone.
    expect(sizes(chunksOf(write, { ...limits, maxBytes: 100 }, 'S'))).toEqual(Array(10).fill(1));
  });
});
