// rdd.toDF and stream.sql are core methods whose work is dstream/sql's, as Spark's toDF comes with
// `import spark.implicits._`. This file imports nothing from dstream/sql: rdd.toDF says what to
// import; stream.sql loads dstream/sql by itself on its first batch, after which rdd.toDF works.
import { describe, expect, it } from 'vitest';
import { DStreamError, SparkContext } from 'dstream';
import { runBatches } from 'dstream/testing';

describe('rdd.toDF and stream.sql before dstream/sql is imported', () => {
  it('rdd.toDF fails with what to import', async () => {
    const sc = new SparkContext({ master: 'local[1]', appName: 'implicits' });
    try {
      const call = () => sc.parallelize([['a', 1]]).toDF('word', 'n');
      expect(call).toThrow(DStreamError);
      expect(call).toThrow(
        "rdd.toDF needs dstream/sql: import it in the application (import { SparkSession } from 'dstream/sql'), as Spark's toDF needs import spark.implicits._",
      );
    } finally {
      await sc.stop();
    }
  });

  it('stream.sql loads dstream/sql on its first batch; then rdd.toDF works too', async () => {
    const counts = await runBatches({
      inputs: [[[{ word: 'a' }, { word: 'b' }, { word: 'a' }], [{ word: 'c' }]]],
      numBatches: 2,
      build: (_ssc, [words]) =>
        words!.sql('words', 'SELECT word, count(*) AS n FROM words GROUP BY word ORDER BY word'),
    });
    expect(counts).toEqual([
      [
        { word: 'a', n: 2 },
        { word: 'b', n: 1 },
      ],
      [{ word: 'c', n: 1 }],
    ]);

    const sc = new SparkContext({ master: 'local[1]', appName: 'implicits' });
    try {
      const df = sc.parallelize([['a', 1]]).toDF('word', 'n');
      expect(await df.collect()).toEqual([{ word: 'a', n: 1 }]);
    } finally {
      await sc.stop();
    }
  });
});
