// stream.sql (and sqlStream, the same as a function): SQL over every batch, and over every window, gives a stream
// of rows equal to the same aggregation done with DStream operations on the same batches; its rows
// flow on into further DStream operations; a failing query fails its batch with the query.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DStreamError, Seconds } from 'dstream';
import { saveAsPartitionedTextFile } from 'dstream/sinks/files';
import { runBatches } from 'dstream/testing';
import { SparkSession, sqlStream, type ResultRow } from 'dstream/sql';
import { captureStderr, errorLines } from './support/capture-stderr.js';

const lines = [['a b a', 'c'], ['b b', 'c a', 'd'], [], ['a', 'a a a b'], ['e']];

type Counts = Record<string, number>;

const pairsAsCounts = (pairs: readonly (readonly [string, number])[]): Counts =>
  Object.fromEntries([...pairs].sort(([a], [b]) => a.localeCompare(b)));

const rowsAsCounts = (rows: readonly ResultRow[]): Counts =>
  pairsAsCounts(rows.map((r) => [r.word as string, r.total as number] as const));

const COUNT_WORDS = 'SELECT word, count(*) AS total FROM words GROUP BY word';

afterAll(() => SparkSession.getActiveSession()?.stop());

describe('stream.sql', () => {
  it('answers each batch as reduceByKey does', async () => {
    const [bySql, byDStream] = await runBatches({
      inputs: [lines],
      numBatches: lines.length,
      build: (_ssc, [input]) => {
        const words = input!.flatMap((l: string) => l.split(' '));
        return [
          words.map((w) => [w] as const).sql('words', COUNT_WORDS, 'word STRING'),
          words.map((w) => [w, 1] as const).reduceByKey((a, b) => a + b),
        ];
      },
    });
    expect(bySql!.map((rows) => rowsAsCounts(rows as ResultRow[]))).toEqual(
      byDStream!.map((pairs) => pairsAsCounts(pairs as [string, number][])),
    );
    expect(rowsAsCounts(bySql![0] as ResultRow[])).toEqual({ a: 2, b: 1, c: 1 });
    // An empty batch under a schema runs the query: no words, no rows.
    expect(bySql![2]).toEqual([]);
  });

  it('answers each window as reduceByKeyAndWindow does', async () => {
    const [bySql, byDStream] = await runBatches({
      inputs: [lines],
      numBatches: lines.length,
      build: (_ssc, [input]) => {
        const words = input!.flatMap((l: string) => l.split(' '));
        return [
          words
            .map((word) => ({ word }))
            .window(Seconds(3), Seconds(1))
            .sql('words', COUNT_WORDS),
          words
            .map((w) => [w, 1] as const)
            .reduceByKeyAndWindow((a, b) => a + b, Seconds(3), Seconds(1)),
        ];
      },
    });
    expect(bySql!.map((rows) => rowsAsCounts(rows as ResultRow[]))).toEqual(
      byDStream!.map((pairs) => pairsAsCounts(pairs as [string, number][])),
    );
    expect(rowsAsCounts(bySql![3] as ResultRow[])).toEqual({ a: 5, b: 3, c: 1, d: 1 });
  });

  it('feeds its rows into further DStream operations', async () => {
    const orders = [
      [
        { province: 'gd', amount: 3 },
        { province: 'gd', amount: 4 },
        { province: 'bj', amount: 5 },
      ],
      [{ province: 'bj', amount: 1 }],
    ];
    const out = await runBatches({
      inputs: [orders],
      numBatches: 2,
      build: (_ssc, [input]) =>
        input!
          .sql(
            'orders',
            'SELECT province, sum(amount) AS total FROM orders GROUP BY province',
            'province STRING, amount BIGINT',
          )
          .map((row) => [row.province as string, row.total as number] as const)
          .reduceByKeyAndWindow((a, b) => a + b, Seconds(2), Seconds(1)),
    });
    expect(out.map(pairsAsCounts)).toEqual([
      { bj: 5, gd: 7 },
      { bj: 6, gd: 7 },
    ]);
  });

  it('hands its rows to a sink', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dstream-sql-sink-'));
    try {
      const written: (string | undefined)[] = [];
      await runBatches({
        inputs: [[[['a'], ['b'], ['a']], []]],
        numBatches: 2,
        build: (_ssc, [input]) => {
          const counts = input!.sql(
            'letters',
            'SELECT letter, count(*) AS n FROM letters GROUP BY letter ORDER BY letter',
            'letter STRING',
          );
          counts.foreachRDD(async (rdd, time) => {
            written.push(await saveAsPartitionedTextFile(rdd, time, dir, { timeZone: 'UTC' }));
          });
          return counts;
        },
      });
      // The empty second batch writes nothing, as the sink does for any empty batch.
      expect(written[1]).toBeUndefined();
      expect(await readFile(join(written[0]!, 'part-00000'), 'utf8')).toBe(
        '{"letter":"a","n":2}\n{"letter":"b","n":1}\n',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('gives no rows for an empty batch when the columns come from the rows', async () => {
    const out = await runBatches({
      inputs: [[[{ n: 1 }, { n: 2 }], [], [{ n: 5 }]]],
      numBatches: 3,
      build: (_ssc, [input]) => input!.sql('numbers', 'SELECT sum(n) AS s FROM numbers'),
    });
    expect(out).toEqual([[{ s: 3 }], [], [{ s: 5 }]]);
  });

  it('keeps the batches of two streams on one view name apart, with jobs run concurrently', async () => {
    // Both streams register the view `shared`; each query must see its own batch.
    const batches = 4;
    const [left, right] = await runBatches({
      inputs: [Array.from({ length: batches }, (_, i) => [{ side: 'left', n: i }])],
      numBatches: batches,
      conf: { 'spark.streaming.concurrentJobs': '2' },
      build: (_ssc, [input]) => {
        const other = input!.map((row) => ({ side: 'right', n: row.n * 100 }));
        const query = 'SELECT side, n FROM shared';
        return [input!.sql('shared', query), other.sql('shared', query)];
      },
    });
    expect(left).toEqual(Array.from({ length: batches }, (_, i) => [{ side: 'left', n: i }]));
    expect(right).toEqual(
      Array.from({ length: batches }, (_, i) => [{ side: 'right', n: i * 100 }]),
    );
  });

  it('fails the batch whose query fails, with the query in the message', async () => {
    const logged = captureStderr();
    const failure = await runBatches({
      inputs: [[['a'], ['b']]],
      numBatches: 2,
      build: (_ssc, [input]) =>
        sqlStream(
          input!.map((w) => [w] as const),
          'letters',
          'SELECT no_such_column FROM letters',
          'letter STRING',
        ),
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    // The first failing batch is the one the application sees: batch 1, with DuckDB's message.
    expect(failure).toBeInstanceOf(DStreamError);
    const error = failure as DStreamError;
    expect(error.code).toBe('DSTREAM_ERR_SQL');
    expect(error.batchTime?.milliseconds).toBe(1000);
    expect(error.message).toContain('"no_such_column" not found');
    expect(error.message).toContain('== SQL ==\nSELECT no_such_column FROM letters');
    expect(errorLines(logged)).toEqual([
      'ERROR JobScheduler: Error running job streaming job 1000 ms.0',
      'ERROR JobScheduler: Error running job streaming job 2000 ms.0',
    ]);
  });
});
