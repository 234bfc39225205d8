// Spark's pattern for SQL in a recoverable application: the session is got lazily inside
// foreachRDD, never captured from outside, so the foreachRDD of a context recovered from a
// checkpoint (rebuilt by createFn, as Node cannot deserialise functions) gets one too. Here the
// recovered application starts without a session, as a new process would, and SQL over the
// recovered running totals answers what the totals are.
import { afterEach, expect, it } from 'vitest';
import { ManualClock, Seconds, StreamingContext } from 'dstream';
import { simulateCrash } from 'dstream/testing';
import { SparkSession } from 'dstream/sql';
import { LogInputDStream, sums } from './fixtures/checkpoint-streams.js';
import {
  removeTempDirs,
  runUntil,
  startAndCatchUp,
  tempDir,
  type Entry,
} from './support/sums-app.js';

afterEach(async () => {
  await SparkSession.getActiveSession()?.stop();
  removeTempDirs();
});

interface SqlApp {
  ssc: StreamingContext;
  clock: ManualClock;
  out: Map<number, Entry[]>;
  sessions: Set<SparkSession>;
  /** Whether createFn ran: always, as Node cannot deserialise functions. */
  created: boolean;
}

/** Running totals per key, read back through SQL in every batch; created or recovered from `dir`. */
function startSqlApp(dir: string, log: Entry[], now: number): SqlApp {
  const clock = new ManualClock(now);
  const out = new Map<number, Entry[]>();
  const sessions = new Set<SparkSession>();
  let created = false;
  const ssc = StreamingContext.getOrCreate(dir, () => {
    created = true;
    const ssc = new StreamingContext({
      master: 'local[2]',
      appName: 'sql-sums',
      batchDuration: Seconds(1),
      clock,
    });
    ssc.checkpoint(dir);
    const totals = new LogInputDStream(ssc, log)
      .updateStateByKey((values: number[], sum: number | undefined) =>
        values.reduce((a, b) => a + b, sum ?? 0),
      )
      .name('totals');
    totals.foreachRDD(async (rdd, time) => {
      const spark = SparkSession.builder().config(rdd.sparkContext.getConf()).getOrCreate();
      sessions.add(spark);
      spark.createDataFrame(rdd, 'key STRING, total BIGINT').createOrReplaceTempView('totals');
      const rows = await spark.sql('SELECT key, total FROM totals ORDER BY key').collect();
      out.set(
        time.milliseconds,
        rows.map((r) => [r.key as string, r.total as number] as const),
      );
    });
    return ssc;
  });
  return { ssc, clock, out, sessions, created };
}

it('answers over the recovered state in a session got again after recovery', async () => {
  const dir = tempDir();
  const log: Entry[] = [];
  const first = startSqlApp(dir, log, 0);
  await first.ssc.start();
  await runUntil(first, log, 5000);
  await simulateCrash(first.ssc);
  expect(first.out.get(5000)).toEqual(sums(log));
  // A new process has no session: the recovered foreachRDD creates it.
  await SparkSession.getActiveSession()?.stop();

  log.push(['k0', 1000]);
  const second = startSqlApp(dir, log, 6500);
  await startAndCatchUp(second);
  await runUntil(second, log, 9000);
  await second.ssc.stop();
  expect(second.ssc.error).toBeUndefined();
  expect(second.out.get(9000)).toEqual(sums(log));
  expect(second.sessions.size).toBe(1);
  expect([...second.sessions][0]).not.toBe([...first.sessions][0]);
});
