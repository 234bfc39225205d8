// dstream/sinks/redis against the machines' Redis: every operation's writes read back exactly;
// totals add up in exact decimals; a batch run again (same positions) changes nothing, whole or
// per partition; a batch whose offsets do not follow is refused and changes nothing; a server that
// is paused, down or refuses fails the batch naming Redis and the cause, and a rerun afterwards
// applies once; a value Redis would reject names its key and field and is not retried;
// connections close when the context stops.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DStreamError, OffsetRange, SparkContext, Time } from 'dstream';
import { OffsetsMismatchError, RedisSink, type RedisSinkOptions } from 'dstream/sinks/redis';
import { runBatches } from 'dstream/testing';
import { deleteKeys, REDIS_URL, redisClient, redisDown, skipRedis } from './support/redis.js';

// Names of this run, so that runs (and tests) never see each other's keys.
const run = randomUUID().slice(0, 8);
const key = (name: string) => `test:sinks-redis:${run}:${name}`;
const sinkId = (name: string) => `test-${name}-${run}`;
const FAST = { attempts: 2, initialBackoffMs: 10 };
const topic = `orders-${run}`;
const ranges = (...r: [number, number, number][]) =>
  r.map(([p, from, until]) => OffsetRange.create(topic, p, from, until));

/** The error a promise rejects with (fails the test when it resolves). */
async function failure(p: Promise<unknown>): Promise<DStreamError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(DStreamError);
  return e as DStreamError;
}

describe.skipIf(skipRedis)(`RedisSink${skipRedis ? ` (skipped: ${redisDown})` : ''}`, () => {
  let redis: Redis;
  let sc: SparkContext;
  const sink = (name: string, options: Partial<RedisSinkOptions> = {}) =>
    RedisSink.create({ url: REDIS_URL, id: sinkId(name), retries: FAST, ...options });

  beforeAll(() => {
    expect(redisDown, 'Redis for the sink tests').toBeUndefined();
    redis = redisClient();
    sc = new SparkContext({ master: 'local[2]', appName: 'sinks-redis' });
  });
  afterAll(async () => {
    await sc?.stop();
    await redis?.call('CLIENT', 'UNPAUSE');
    await deleteKeys(redis, `test:sinks-redis:${run}:*`);
    await deleteKeys(redis, `dstream:*:test-*-${run}*`);
    redis?.disconnect();
  });

  it('set, hashSet, hashAdd, sortedSetAdd, sortedSetIncrement and setAdd read back exactly', async () => {
    const s = sink('writes');
    const at = (ms: number) => ({ positions: new Time(ms) });
    await s.set(
      sc.parallelize([
        [key('a'), 'one'],
        [key('b'), 2],
      ] as const),
      at(1000),
    );
    await s.set(sc.parallelize([[key('ttl'), 'x'] as const]), { ...at(2000), ttlSeconds: 600 });
    expect(await redis.mget(key('a'), key('b'), key('ttl'))).toEqual(['one', '2', 'x']);
    expect(await redis.ttl(key('ttl'))).toBeGreaterThan(0);
    expect(await redis.ttl(key('a'))).toBe(-1);

    // 1200 fields: more than one slice of the script's bulk HSET; a later pair of a field wins.
    const fields = Array.from({ length: 1200 }, (_, i) => [`f${i}`, `v${i}`] as const);
    await s.hashSet(key('h'), sc.parallelize([...fields, ['f0', 'last'] as const], 3), at(3000));
    const hash = await redis.hgetall(key('h'));
    expect(Object.keys(hash)).toHaveLength(1200);
    expect(hash.f0).toBe('last');
    expect(hash.f1199).toBe('v1199');

    await s.hashAdd(
      key('totals'),
      sc.parallelize([
        [1, 10],
        [2, '5.5'],
        [1, 7n],
      ] as const),
      at(4000),
    );
    await s.hashAdd(key('totals'), sc.parallelize([[2, '0.25'] as const]), at(5000));
    expect(await redis.hgetall(key('totals'))).toEqual({ '1': '17', '2': '5.75' });

    await s.sortedSetAdd(
      key('z'),
      sc.parallelize([
        ['ann', 3],
        ['bob', 1.5],
      ] as const),
      at(6000),
    );
    await s.sortedSetIncrement(
      key('z'),
      sc.parallelize([
        ['bob', 2],
        ['cy', 1],
        ['bob', 0.5],
      ] as const),
      at(7000),
    );
    expect(await redis.zrange(key('z'), 0, -1, 'WITHSCORES')).toEqual([
      'cy',
      '1',
      'ann',
      '3',
      'bob',
      '4',
    ]);

    await s.setAdd(key('s'), sc.parallelize(['x', 'y', 'x', 3]), at(8000));
    expect((await redis.smembers(key('s'))).sort()).toEqual(['3', 'x', 'y']);
    expect(await s.storedBatchTime()).toBe(8000);
  });

  it('adds totals in exact decimals, as text with every digit', async () => {
    const s = sink('decimals');
    const k = key('decimals');
    await redis.hset(k, 'float', '10.5'); // as HINCRBYFLOAT leaves it
    const add = (ms: number, pairs: (readonly [string, string | number | bigint])[]) =>
      s.hashAdd(k, sc.parallelize(pairs, 2), { positions: new Time(ms) });
    await add(1, [
      ['p', 0.1],
      ['p', 0.2],
      ['float', '0.25'],
      ['big', '12345678901234567890.05'],
      ['neg', '-1.5'],
      ['int', 9007199254740993n],
      ['below', '1.25'],
      ['bigNeg', '-12345678901234567890.5'],
    ]);
    await add(2, [
      ['big', '0.95'],
      ['neg', '1.5'],
      ['int', 1],
      ['p', '-0.05'],
      ['below', '-3.5'],
      ['bigNeg', '0.25'],
    ]);
    expect(await redis.hgetall(k)).toEqual({
      p: '0.25',
      float: '10.75',
      big: '12345678901234567891',
      neg: '0',
      int: '9007199254740994',
      below: '-2.25',
      bigNeg: '-12345678901234567890.25',
    });
  });

  it('skips a batch run again with the same positions: offsets and batch times', async () => {
    const s = sink('rerun');
    const k = key('rerun');
    const batch1 = ranges([0, 0, 10], [1, 0, 5]);
    const batch2 = ranges([0, 10, 20], [1, 5, 5]);
    const add = (amount: string, positions: readonly OffsetRange[]) =>
      s.hashAdd(k, sc.parallelize([['total', amount] as const]), { positions });
    expect(await add('1.5', batch1)).toEqual({ applied: true, rows: 1 });
    expect(await add('2', batch2)).toEqual({ applied: true, rows: 1 });
    // Restored from a checkpoint, the last batch runs again with the same ranges.
    expect(await add('2', batch2)).toEqual({ applied: false, rows: 0 });
    // A recovered application runs an earlier pending batch again after later ones: skipped too.
    expect(await add('1.5', batch1)).toEqual({ applied: false, rows: 0 });
    expect(await redis.hget(k, 'total')).toBe('3.5');

    const t = sink('rerun-time');
    const at = (ms: number) =>
      t.sortedSetIncrement(key('rerun-z'), sc.parallelize([['m', 1] as const]), {
        positions: new Time(ms),
      });
    expect((await at(1000)).applied).toBe(true);
    expect((await at(2000)).applied).toBe(true);
    expect((await at(2000)).applied).toBe(false);
    expect((await at(1000)).applied).toBe(false);
    expect(await redis.zscore(key('rerun-z'), 'm')).toBe('2');
  });

  it('per partition: chunks under markers; a batch that failed half-way applies the rest once when run again', async () => {
    const s = sink('partitions', { chunkSize: 100 });
    const k = key('partitions');
    // 1000 records of field `f<i % 10>` with 1 each, in 4 partitions of 250 (3 chunks each).
    const records = Array.from({ length: 1000 }, (_, i) => [`f${i % 10}`, 1] as const);
    const positions = ranges([0, 0, 1000]);
    // Field f3 holds a word: every chunk with f3 is refused, the others apply.
    await redis.hset(k, 'f3', 'three');
    const e = await failure(
      s.hashAdd(k, sc.parallelize(records, 4), { positions, perPartition: true }),
    );
    expect(e.code).toBe('DSTREAM_ERR_SINK_WRITE');
    expect(e.message).toMatch(/not retried\): DSTREAM_REJECTED key \S+ field f3 holds three/);
    expect(await s.storedOffsets([topic])).toEqual([]);

    await redis.hset(k, 'f3', '0');
    expect(
      await s.hashAdd(k, sc.parallelize(records, 4), { positions, perPartition: true }),
    ).toMatchObject({ applied: true });
    const once = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`f${i}`, '100']));
    expect(await redis.hgetall(k)).toEqual(once);
    expect(await s.storedOffsets([topic])).toEqual([[{ topic, partition: 0 }, 1000]]);
    // Run again whole: skipped by the stored offsets.
    expect(
      await s.hashAdd(k, sc.parallelize(records, 4), { positions, perPartition: true }),
    ).toEqual({ applied: false, rows: 0 });
    // Run again after a crash before its offsets moved: every chunk's marker says it was written.
    await redis.del(`dstream:offsets:${sinkId('partitions')}`);
    expect(
      await s.hashAdd(k, sc.parallelize(records, 4), { positions, perPartition: true }),
    ).toEqual({ applied: true, rows: 0 });
    expect(await redis.hgetall(k)).toEqual(once);
  });

  it('per partition, sets are plain pipelined commands: a rerun leaves the same values', async () => {
    const s = sink('partitions-set', { chunkSize: 100 });
    const k = key('partitions-set');
    const fields = Array.from({ length: 1000 }, (_, i) => [`f${i}`, i] as const);
    const write = () =>
      s.hashSet(k, sc.parallelize(fields, 4), { positions: new Time(1000), perPartition: true });
    expect(await write()).toEqual({ applied: true, rows: 1000 });
    const written = await redis.hgetall(k);
    expect(Object.keys(written)).toHaveLength(1000);
    expect(written.f999).toBe('999');
    // After a crash before the batch time moved, the batch runs again: same values.
    await redis.del(`dstream:batch-time:${sinkId('partitions-set')}`);
    expect(await write()).toEqual({ applied: true, rows: 1000 });
    expect(await redis.hgetall(k)).toEqual(written);
    expect(await write()).toEqual({ applied: false, rows: 0 });
    // SET with a time to live, one command per key, pipelined.
    await s.set(
      sc.parallelize(
        [
          [key('p-a'), 'a'],
          [key('p-b'), 'b'],
        ] as const,
        2,
      ),
      { positions: new Time(1500), perPartition: true, ttlSeconds: 600 },
    );
    expect(await redis.mget(key('p-a'), key('p-b'))).toEqual(['a', 'b']);
    expect(await redis.ttl(key('p-b'))).toBeGreaterThan(0);
    // A key of another type: the error names the key.
    await redis.set(key('partitions-string'), 'x');
    const e = await failure(
      s.setAdd(key('partitions-string'), sc.parallelize(['a', 'b'], 2), {
        positions: new Time(2000),
        perPartition: true,
      }),
    );
    expect(e.message).toMatch(/not retried\): WRONGTYPE .*\(SADD \S+partitions-string\)/);
  });

  it('refuses a batch whose offsets do not follow the stored ones, and changes nothing', async () => {
    const s = sink('gap');
    const k = key('gap');
    const add = (positions: readonly OffsetRange[], perPartition = false) =>
      s.hashAdd(k, sc.parallelize([['total', 100] as const]), { positions, perPartition });
    await add(ranges([0, 0, 10], [1, 0, 10]));
    for (const [wrong, perPartition] of [
      [ranges([0, 10, 20], [1, 12, 20]), false], // a gap on partition 1
      [ranges([0, 5, 20], [1, 10, 20]), false], // an overlap on partition 0
      [ranges([0, 10, 20], [1, 12, 20]), true],
    ] as const) {
      const e = await failure(add(wrong, perPartition));
      expect(e).toBeInstanceOf(OffsetsMismatchError);
      expect(e.code).toBe('DSTREAM_ERR_SINK_OFFSETS_MISMATCH');
      expect(e.message).toMatch(/^Redis sink .* refused the batch/);
      expect((e as OffsetsMismatchError).mismatches).toHaveLength(1);
    }
    expect(await redis.hgetall(k)).toEqual({ total: '100' });
    expect((await s.storedOffsets([topic])).map(([, o]) => o)).toEqual([10, 10]);
  });

  it('storedOffsets gives back what the batches stored, as fromOffsets', async () => {
    const s = sink('offsets');
    expect(await s.storedOffsets([topic])).toEqual([]);
    // The Kafka RDD itself carries its ranges: no positions needed.
    const kafkaRdd = Object.assign(sc.parallelize([['a', 1] as const]), {
      offsetRanges: ranges([2, 0, 7], [0, 3, 9]),
    });
    await s.hashSet(key('offsets'), kafkaRdd);
    // Another topic in the same batch (names with dots and dashes, as Kafka allows).
    const other = `other.topic-${run}`;
    await s.hashSet(key('offsets'), sc.parallelize([['b', 1] as const]), {
      positions: [...ranges([0, 9, 12]), OffsetRange.create(other, 1, 0, 4)],
    });
    expect(await s.storedOffsets([other])).toEqual([[{ topic: other, partition: 1 }, 4]]);
    expect(await s.storedOffsets([topic, 'unknown'])).toEqual([
      [{ topic, partition: 0 }, 12],
      [{ topic, partition: 2 }, 7],
    ]);
    expect(await sink('offsets-other').storedOffsets([topic])).toEqual([]);
    // A derived RDD has no positions of its own: the sink asks for them.
    await expect(
      s.hashSet(
        key('offsets'),
        kafkaRdd.map((x) => x),
      ),
    ).rejects.toThrow(/needs the batch's positions/);
  });

  it('a paused server fails the batch naming Redis and the cause; nothing applies until a rerun, once', async () => {
    const s = sink('paused', { commandTimeoutMs: 100 });
    const k = key('paused');
    const add = () =>
      s.hashAdd(k, sc.parallelize([['total', '0.5'] as const]), {
        positions: ranges([0, 0, 10]),
      });
    await redis.call('CLIENT', 'PAUSE', '60000', 'WRITE');
    try {
      const e = await failure(add());
      expect(e.code).toBe('DSTREAM_ERR_SINK_WRITE');
      expect(e.message).toMatch(/^Redis sink '\S+' could not write the batch \(attempt 2 of 2\)/);
      expect(e.message).toMatch(/timed out/);
      expect(await redis.hgetall(k)).toEqual({});
      expect(await s.storedOffsets([topic])).toEqual([]);
    } finally {
      await redis.call('CLIENT', 'UNPAUSE');
    }
    // The timed-out attempts may still run once the pause ends: the offsets keep them to one.
    await add();
    expect(await redis.hget(k, 'total')).toBe('0.5');
    expect(await s.storedOffsets([topic])).toEqual([[{ topic, partition: 0 }, 10]]);
  });

  it('a server that is down or refuses the password fails the batch naming Redis and the cause', async () => {
    const k = key('refused');
    const down = REDIS_URL.replace(/:\d+(\/|$)/, ':1$1');
    const wrongPassword = REDIS_URL.replace('redis://', 'redis://nobody:wrong@');
    for (const [url, cause] of [
      [down, /ECONNREFUSED/],
      [wrongPassword, /WRONGPASS/],
    ] as const) {
      const s = RedisSink.create({ url, id: sinkId('refused'), retries: FAST });
      const e = await failure(
        s.hashAdd(k, sc.parallelize([['total', 1] as const]), { positions: ranges([0, 0, 10]) }),
      );
      expect(e.code).toBe('DSTREAM_ERR_SINK_WRITE');
      expect(e.message).toMatch(/^Redis sink .* \(attempt 2 of 2\)/);
      expect(e.message).toMatch(cause);
      await s.close();
    }
    expect(await redis.exists(k)).toBe(0);
  });

  it('a value Redis would reject names the key and the field, and is not retried', async () => {
    const s = sink('rejected');
    const k = key('rejected');
    await redis.hset(k, 'word', 'abc');
    await redis.set(key('string'), 'x');
    const positions = ranges([0, 0, 1]);
    const wordTotal = await failure(
      s.hashAdd(
        k,
        sc.parallelize([
          ['n', 1],
          ['word', 1],
        ] as const),
        { positions },
      ),
    );
    expect(wordTotal.message).toMatch(
      new RegExp(`attempt 1 of 2, not retried\\): DSTREAM_REJECTED key ${k} field word holds abc`),
    );
    const wrongType = await failure(
      s.sortedSetAdd(key('string'), sc.parallelize([['m', 1] as const]), { positions }),
    );
    expect(wrongType.message).toMatch(/not retried\): .*key \S+string holds a string.*WRONGTYPE/);
    // Refused before sending: an amount that is not a decimal number.
    const notDecimal = await failure(
      s.hashAdd(k, sc.parallelize([['n', 'ten'] as const]), { positions }),
    );
    expect(notDecimal.message).toMatch(new RegExp(`key ${k} field n is "ten", not a decimal`));
    // Nothing of any of them: no field n, the word kept, the offsets not moved.
    expect(await redis.hgetall(k)).toEqual({ word: 'abc' });
    expect(await s.storedOffsets([topic])).toEqual([]);
  });

  it('writes from foreachRDD in one line, and closes its connection when the context stops', async () => {
    const name = `dstream-sink-test-${run}`;
    const s = RedisSink.create({
      url: `${REDIS_URL}?connectionName=${name}`,
      id: sinkId('words'),
      retries: FAST,
    });
    const connections = async () =>
      String(await redis.call('CLIENT', 'LIST'))
        .split('\n')
        .filter((line) => line.includes(` name=${name} `)).length;
    await runBatches({
      inputs: [[['a b a'], ['b c']]],
      numBatches: 2,
      build: (_ssc, [lines]) => {
        const pairs = lines!
          .flatMap((l) => l.split(' '))
          .map((w) => [w, 1] as const)
          .reduceByKey((a, b) => a + b);
        pairs.foreachRDD(async (rdd, time) => {
          await s.hashAdd(key('words'), rdd, { positions: time });
          expect(await connections()).toBe(1);
        });
        return pairs;
      },
    });
    expect(await redis.hgetall(key('words'))).toEqual({ a: '2', b: '2', c: '1' });
    // runBatches stopped its context: the connection is closed.
    expect(await connections()).toBe(0);
  });

  it('an application that stops its context exits by itself: the connection does not keep it alive', async () => {
    // The built package, as users run it; the bound only ends a hung process, it times nothing.
    const app = `
      import { SparkContext, Time } from 'dstream';
      import { RedisSink } from 'dstream/sinks/redis';
      const sc = new SparkContext({ master: 'local[1]', appName: 'exits' });
      const sink = RedisSink.create({ url: process.env.URL, id: process.env.ID });
      await sink.hashSet(process.env.KEY, sc.parallelize([['a', 1]]), { positions: new Time(1000) });
      await sc.stop();
      console.log('written');
    `;
    const root = join(import.meta.dirname, '..');
    const { stdout } = await promisify(execFile)(
      join(root, 'node_modules', '.bin', 'node'),
      ['--input-type=module', '-e', app],
      {
        cwd: root,
        timeout: 60_000,
        env: { ...process.env, URL: REDIS_URL, ID: sinkId('exits'), KEY: key('exits') },
      },
    );
    expect(stdout.trim()).toBe('written');
    expect(await redis.hgetall(key('exits'))).toEqual({ a: '1' });
  }, 90_000);
});
