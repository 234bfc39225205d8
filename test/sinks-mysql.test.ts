// dstream/sinks/mysql against the machines' MariaDB (reference/real-services.md), the same spec as
// PostgreSQL's: writes read back exactly; a batch run again after its commit is skipped; a batch
// that does not follow the stored offsets is refused and rolled back; a server that refuses (a
// wrong password) or a table another session holds locked fails the batch naming MySQL and the
// cause, nothing committed, and the batch writes once the store is back; a row the server rejects
// is named; storedOffsets round-trips; the pool closes when the context stops.
import { randomUUID } from 'node:crypto';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DStreamError, OffsetRange, SparkContext, Time } from 'dstream';
import { MySqlSink, OffsetsMismatchError } from 'dstream/sinks/mysql';
import { runBatches } from 'dstream/testing';
import { MYSQL, mysqlDown, skipMySql } from './support/mysql.js';

// Names of this run, so that runs (and tests) never see each other's rows.
const run = randomUUID().slice(0, 8);
const table = (name: string) => `sinks_my_${name}_${run}`;
const sinkId = (name: string) => `test-${name}-${run}`;
const FAST = { attempts: 2, initialBackoffMs: 10 };

/** The error a promise rejects with (undefined when it resolves). */
const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

describe.skipIf(skipMySql)(`MySqlSink${skipMySql ? ` (skipped: ${mysqlDown})` : ''}`, () => {
  let db: mysql.Connection;
  let sc: SparkContext;
  const tables: string[] = [];

  /** Creates a table of this run. */
  async function create(name: string, columns: string): Promise<string> {
    const t = table(name);
    await db.query(`CREATE TABLE ${t} (${columns}) ENGINE=InnoDB`);
    tables.push(t);
    return t;
  }

  async function rows(sql: string): Promise<unknown[][]> {
    const [result] = await db.query({ sql, rowsAsArray: true });
    return result as unknown[][];
  }

  const sink = (name: string, url = MYSQL) =>
    MySqlSink.create({ url, id: sinkId(name), retries: FAST });
  const ranges = (...r: [number, number, number][]) =>
    r.map(([p, from, until]) => OffsetRange.create(`orders-${run}`, p, from, until));

  beforeAll(async () => {
    expect(mysqlDown, 'MySQL for the sink tests').toBeUndefined();
    db = await mysql.createConnection({ uri: MYSQL, supportBigNumbers: true });
    sc = new SparkContext({ master: 'local[2]', appName: 'sinks-mysql' });
  });
  afterAll(async () => {
    await sc?.stop();
    for (const t of tables) await db.query(`DROP TABLE IF EXISTS ${t}`);
    await db?.query(`DELETE FROM dstream_offsets WHERE sink_id LIKE ?`, [`%-${run}`]);
    await db?.query(`DELETE FROM dstream_batch_times WHERE sink_id LIKE ?`, [`%-${run}`]);
    await db?.end();
  });

  it('insert, upsert and addTo write the rows exactly, in multi-row statements', async () => {
    const events = await create('events', 'id int, name varchar(20), amount decimal(18,2)');
    const users = await create('users', 'id int PRIMARY KEY, name varchar(20), visits int');
    const totals = await create('totals', 'province_id int PRIMARY KEY, total bigint');
    const s = sink('writes');
    // 2500 rows: three statements of at most 1000 rows.
    const many = Array.from({ length: 2500 }, (_, i) => ({
      id: i,
      name: `e${i}`,
      amount: '1.25',
    }));
    expect(await s.insert(events, sc.parallelize(many, 3), { positions: new Time(1000) })).toEqual({
      applied: true,
      rows: 2500,
    });
    expect(await rows(`SELECT count(*), sum(amount), count(DISTINCT id) FROM ${events}`)).toEqual([
      [2500, '3125.00', 2500],
    ]);
    // The same key twice in a batch: the later row wins (two statements, in order).
    const people = sc.parallelize([
      [1, 'ann', 1],
      [2, 'bob', 1],
      [1, 'ann2', 2],
    ] as const);
    await s.upsert(users, ['id'], people, {
      positions: new Time(2000),
      columns: ['id', 'name', 'visits'],
    });
    expect(await rows(`SELECT id, name, visits FROM ${users} ORDER BY id`)).toEqual([
      [1, 'ann2', 2],
      [2, 'bob', 1],
    ]);
    // reduceByKey's pairs as they are; a key twice in a batch adds both.
    const add = (pairs: (readonly [number, number])[], ms: number) =>
      s.addTo(totals, ['province_id'], 'total', sc.parallelize(pairs), {
        positions: new Time(ms),
      });
    await add(
      [
        [1, 10],
        [2, 5],
        [1, 7],
      ],
      3000,
    );
    await add(
      [
        [2, 1],
        [3, 4],
      ],
      4000,
    );
    expect(await rows(`SELECT province_id, total FROM ${totals} ORDER BY 1`)).toEqual([
      [1, 17],
      [2, 6],
      [3, 4],
    ]);
  });

  it('skips a batch run again after its commit: offsets and batch times', async () => {
    const totals = await create('rerun', 'k int PRIMARY KEY, total bigint');
    const s = sink('rerun');
    const batch1 = ranges([0, 0, 10], [1, 0, 5]);
    const batch2 = ranges([0, 10, 20], [1, 5, 5]);
    const add = (pairs: (readonly [number, number])[], positions: readonly OffsetRange[]) =>
      s.addTo(totals, ['k'], 'total', sc.parallelize(pairs), { positions });
    expect((await add([[1, 1]], batch1)).applied).toBe(true);
    expect((await add([[1, 2]], batch2)).applied).toBe(true);
    // Restored from a checkpoint, the last batch runs again with the same ranges.
    expect(await add([[1, 2]], batch2)).toEqual({ applied: false, rows: 0 });
    expect(await rows(`SELECT k, total FROM ${totals}`)).toEqual([[1, 3]]);

    const t = sink('rerun-time');
    const byTime = await create('rerun_time', 'k int PRIMARY KEY, total bigint');
    const at = (ms: number) =>
      t.addTo(byTime, ['k'], 'total', sc.parallelize([[1, 1] as const]), {
        positions: new Time(ms),
      });
    expect((await at(1000)).applied).toBe(true);
    expect((await at(2000)).applied).toBe(true);
    expect((await at(2000)).applied).toBe(false);
    expect((await at(1000)).applied).toBe(false);
    expect(await rows(`SELECT total FROM ${byTime}`)).toEqual([[2]]);
    expect(await t.storedBatchTime()).toBe(2000);
  });

  it('refuses a batch whose start does not follow the stored end, and rolls it back', async () => {
    const totals = await create('gap', 'k int PRIMARY KEY, total bigint');
    const s = sink('gap');
    const add = (positions: readonly OffsetRange[]) =>
      s.addTo(totals, ['k'], 'total', sc.parallelize([[1, 100] as const]), { positions });
    await add(ranges([0, 0, 10], [1, 0, 10]));
    for (const wrong of [
      ranges([0, 10, 20], [1, 12, 20]), // a gap on partition 1
      ranges([0, 5, 20], [1, 10, 20]), // an overlap on partition 0
    ]) {
      const e = await failure(add(wrong));
      expect(e).toBeInstanceOf(OffsetsMismatchError);
      expect((e as DStreamError).code).toBe('DSTREAM_ERR_SINK_OFFSETS_MISMATCH');
      expect((e as Error).message).toMatch(/^MySQL sink .* refused the batch/);
      expect((e as OffsetsMismatchError).mismatches).toHaveLength(1);
    }
    // Nothing of the refused batches: the first batch's total and offsets only.
    expect(await rows(`SELECT total FROM ${totals}`)).toEqual([[100]]);
    expect((await s.storedOffsets([`orders-${run}`])).map(([, o]) => o)).toEqual([10, 10]);
  });

  it('storedOffsets gives back what the batches stored, as fromOffsets', async () => {
    const totals = await create('offsets', 'k int PRIMARY KEY, total bigint');
    const s = sink('offsets');
    expect(await s.storedOffsets([`orders-${run}`])).toEqual([]);
    // The Kafka RDD itself carries its ranges: no positions needed.
    const kafkaRdd = Object.assign(sc.parallelize([[1, 1] as const]), {
      offsetRanges: ranges([2, 0, 7], [0, 3, 9]),
    });
    await s.addTo(totals, ['k'], 'total', kafkaRdd);
    await s.addTo(totals, ['k'], 'total', sc.parallelize([[1, 1] as const]), {
      positions: ranges([0, 9, 12]),
    });
    expect(await s.storedOffsets([`orders-${run}`, 'other'])).toEqual([
      [{ topic: `orders-${run}`, partition: 0 }, 12],
      [{ topic: `orders-${run}`, partition: 2 }, 7],
    ]);
    // Another id has its own positions.
    expect(await sink('offsets-other').storedOffsets([`orders-${run}`])).toEqual([]);
  });

  describe('a store that refuses or is locked fails the batch, and loses nothing once it is back', () => {
    const batch = ranges([0, 0, 10]);
    const addOne = (s: MySqlSink, t: string) =>
      s.addTo(t, ['k'], 'total', sc.parallelize([[1, 5] as const]), { positions: batch });

    /** The batch failed naming MySQL and `cause` after both attempts, and nothing moved. */
    async function failedWith(e: unknown, t: string, name: string, cause: RegExp) {
      const id = sinkId(name);
      expect(e).toBeInstanceOf(DStreamError);
      expect((e as DStreamError).code).toBe('DSTREAM_ERR_SINK_WRITE');
      expect((e as Error).message).toMatch(
        new RegExp(`^MySQL sink '${id}' could not write the batch \\(attempt 2 of 2\\)`),
      );
      expect((e as Error).message).toMatch(cause);
      expect((e as Error).message).toMatch(/Nothing was committed/);
      expect(await rows(`SELECT * FROM ${t}`)).toEqual([]);
      expect(await sink(name).storedOffsets([`orders-${run}`])).toEqual([]);
    }

    it('a wrong password', async () => {
      const t = await create('refused', 'k int PRIMARY KEY, total bigint');
      const wrong = MYSQL.replace(/^mysql:\/\/([^:@]+)(:[^@]*)?@/, 'mysql://$1:wrong@');
      const refused = sink('refused', wrong);
      await failedWith(await failure(addOne(refused, t)), t, 'refused', /Access denied for user/);
      await refused.close();
      // The right URL, the same sink id and batch: written from the same positions.
      expect(await addOne(sink('refused'), t)).toEqual({ applied: true, rows: 1 });
      expect(await rows(`SELECT k, total FROM ${t}`)).toEqual([[1, 5]]);
    });

    it.each([
      ['LOCK TABLES ... WRITE', (t: string) => [`LOCK TABLES ${t} WRITE`], 'UNLOCK TABLES'],
      [
        'a row locked by SELECT ... FOR UPDATE',
        (t: string) => ['BEGIN', `SELECT * FROM ${t} WHERE k = 1 FOR UPDATE`],
        'COMMIT',
      ],
    ] as const)('a table locked by another session: %s', async (kind, lock, release) => {
      const t = await create(`locked_${kind.length}`, 'k int PRIMARY KEY, total bigint');
      await db.query(`INSERT INTO ${t} VALUES (1, 0)`);
      const id = sinkId(`locked-${kind.length}`);
      const locked = MySqlSink.create({ url: MYSQL, id, retries: FAST, lockTimeoutMs: 1000 });
      const other = await mysql.createConnection(MYSQL);
      try {
        for (const statement of lock(t)) await other.query(statement);
        const e = await failure(addOne(locked, t));
        expect(e).toBeInstanceOf(DStreamError);
        expect((e as Error).message).toMatch(
          new RegExp(`^MySQL sink '${id}' could not write the batch \\(attempt 2 of 2\\)`),
        );
        expect((e as Error).message).toMatch(/Lock wait timeout exceeded/);
        await other.query(release);
        expect(await locked.storedOffsets([`orders-${run}`])).toEqual([]);
        // Released: the same batch writes, once.
        expect(await addOne(locked, t)).toEqual({ applied: true, rows: 1 });
        expect(await addOne(locked, t)).toEqual({ applied: false, rows: 0 });
        expect(await rows(`SELECT k, total FROM ${t}`)).toEqual([[1, 5]]);
      } finally {
        await other.end();
      }
    });
  });

  describe('a row the store rejects fails the batch at once, naming the row and the column', () => {
    // 15,000 good rows and one bad at 12,345: in the second statement (10,000 rows a statement),
    // so the server's "at row N" must be mapped through the statement's layout.
    let kinds = 0;
    const good = (i: number) => ({ k: i, name: `n${i % 100}`, amount: '1.50' });
    it.each([
      ['a value of the wrong type', { k: 'abc' }, 'k', /Incorrect integer value: 'abc'/],
      ['a null in a NOT NULL column', { name: null }, 'name', /Column 'name' cannot be null/],
      ['a value too long', { name: 'too long' }, 'name', /Data too long for column 'name'/],
      ['a number too large', { amount: '123456.00' }, 'amount', /Out of range value/],
      ['a key the table holds', { k: 5 }, 'k', /Duplicate entry '5' for key 'PRIMARY'/],
      [
        'a key twice in one statement',
        { k: 12344 },
        'k',
        /Duplicate entry '12344' for key 'PRIMARY'/,
      ],
    ] as const)('%s', async (_kind, bad, column, words) => {
      const t = await create(
        `rejected_${++kinds}`,
        'k int PRIMARY KEY, name varchar(5) NOT NULL, amount decimal(6,2)',
      );
      const id = sinkId(`rejected-${kinds}`);
      const s = MySqlSink.create({ url: MYSQL, id, retries: FAST });
      const batch = Array.from({ length: 15_000 }, (_, i) => good(i));
      batch[12345] = { ...good(12345), ...bad } as (typeof batch)[number];
      const e = await failure(
        s.insert(t, sc.parallelize(batch, 2), { positions: ranges([0, 0, 15_000]) }),
      );
      expect(e).toBeInstanceOf(DStreamError);
      expect((e as DStreamError).code).toBe('DSTREAM_ERR_SINK_WRITE');
      const message = (e as Error).message;
      expect(message).toContain(
        `MySQL sink '${id}' could not write the batch (not retried): MySQL rejected row 12345 of the batch's 15000 for table ${t} (${JSON.stringify(batch[12345])}), column '${column}': `,
      );
      expect(message).toMatch(words);
      // Nothing of the batch, and its offsets did not move.
      expect(await rows(`SELECT count(*) FROM ${t}`)).toEqual([[0]]);
      expect(await s.storedOffsets([`orders-${run}`])).toEqual([]);
    });
  });

  it('asks for the positions when the RDD has none: a derived RDD is not a position', async () => {
    const totals = await create('no_positions', 'k int PRIMARY KEY, total bigint');
    const s = sink('no-positions');
    const derived = sc.parallelize([[1, 1] as const]).map((x) => x);
    await expect(s.addTo(totals, ['k'], 'total', derived)).rejects.toThrow(
      /MySqlSink .* needs the batch's positions/,
    );
    expect(await rows(`SELECT * FROM ${totals}`)).toEqual([]);
    expect(await s.storedBatchTime()).toBeUndefined();
  });

  it('writes from foreachRDD in one line, and closes its pool when the context stops', async () => {
    // A database of its own, so that its connections can be counted.
    const database = `dstream_sink_${run}`;
    await db.query(`CREATE DATABASE ${database}`);
    try {
      const counts = `${database}.words`;
      await db.query(`CREATE TABLE ${counts} (word varchar(20) PRIMARY KEY, n bigint)`);
      const s = MySqlSink.create({
        url: MYSQL.replace(/\/[^/]*$/, `/${database}`),
        id: sinkId('words'),
        retries: FAST,
      });
      const connections = async () =>
        (
          await rows(`SELECT count(*) FROM information_schema.processlist WHERE db = '${database}'`)
        )[0]![0];
      await runBatches({
        inputs: [[['a b a'], ['b c']]],
        numBatches: 2,
        build: (_ssc, [lines]) => {
          const pairs = lines!
            .flatMap((l) => l.split(' '))
            .map((w) => [w, 1] as const)
            .reduceByKey((a, b) => a + b);
          pairs.foreachRDD(async (rdd, time) => {
            await s.addTo('words', ['word'], 'n', rdd, { positions: time });
            expect(await connections()).toBeGreaterThan(0);
          });
          return pairs;
        },
      });
      expect(await rows(`SELECT word, n FROM ${counts} ORDER BY 1`)).toEqual([
        ['a', 2],
        ['b', 2],
        ['c', 1],
      ]);
      // runBatches stopped its context: the pool has ended.
      // The server may list a closed connection for a moment (see the PostgreSQL test).
      await expect.poll(connections, { timeout: 1000, interval: 50 }).toBe(0);
    } finally {
      await db.query(`DROP DATABASE ${database}`);
    }
  });
});
