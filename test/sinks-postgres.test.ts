// dstream/sinks/postgres against the machines' PostgreSQL (reference/real-services.md): writes
// read back exactly; a batch run again after its commit is skipped; a batch that does not follow
// the stored offsets is refused and rolled back; a server that refuses fails the batch naming
// PostgreSQL and the cause, with nothing committed; storedOffsets round-trips; the pool closes
// when the context stops.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DStreamError, OffsetRange, SparkContext, Time } from 'dstream';
import { OffsetsMismatchError, PostgresSink } from 'dstream/sinks/postgres';
import { runBatches } from 'dstream/testing';
import { DATABASE, postgresDown, skipPostgres } from './support/postgres.js';

// Names of this run, so that runs (and tests) never see each other's rows.
const run = randomUUID().slice(0, 8);
const table = (name: string) => `sinks_pg_${name}_${run}`;
const sinkId = (name: string) => `test-${name}-${run}`;
const FAST = { attempts: 2, initialBackoffMs: 10 };

/** The error a promise rejects with (undefined when it resolves). */
const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

describe.skipIf(skipPostgres)(
  `PostgresSink${skipPostgres ? ` (skipped: ${postgresDown})` : ''}`,
  () => {
    let db: pg.Client;
    let sc: SparkContext;
    const tables: string[] = [];

    /** Creates a table of this run. */
    async function create(name: string, columns: string): Promise<string> {
      const t = table(name);
      await db.query(`CREATE TABLE ${t} (${columns})`);
      tables.push(t);
      return t;
    }

    async function rows(sql: string): Promise<unknown[][]> {
      const result = await db.query({ text: sql, rowMode: 'array' });
      return result.rows as unknown[][];
    }

    const sink = (name: string, url = DATABASE) =>
      PostgresSink.create({ url, id: sinkId(name), retries: FAST });
    const ranges = (...r: [number, number, number][]) =>
      r.map(([p, from, until]) => OffsetRange.create(`orders-${run}`, p, from, until));

    beforeAll(async () => {
      expect(postgresDown, 'PostgreSQL for the sink tests').toBeUndefined();
      db = new pg.Client({ connectionString: DATABASE });
      await db.connect();
      sc = new SparkContext({ master: 'local[2]', appName: 'sinks-postgres' });
    });
    afterAll(async () => {
      await sc?.stop();
      for (const t of tables) await db.query(`DROP TABLE IF EXISTS ${t}`);
      await db?.query(`DELETE FROM dstream_offsets WHERE sink_id LIKE $1`, [`%-${run}`]);
      await db?.query(`DELETE FROM dstream_batch_times WHERE sink_id LIKE $1`, [`%-${run}`]);
      await db?.end();
    });

    it('insert, upsert and addTo write the rows exactly, in multi-row statements', async () => {
      const events = await create('events', 'id int, name text, amount numeric(18,2)');
      const users = await create('users', 'id int PRIMARY KEY, name text, visits int');
      const totals = await create('totals', 'province_id int PRIMARY KEY, total bigint');
      const s = sink('writes');
      // 2500 rows: three statements of at most 1000 rows.
      const many = Array.from({ length: 2500 }, (_, i) => ({
        id: i,
        name: `e${i}`,
        amount: '1.25',
      }));
      expect(
        await s.insert(events, sc.parallelize(many, 3), { positions: new Time(1000) }),
      ).toEqual({
        applied: true,
        rows: 2500,
      });
      expect(await rows(`SELECT count(*)::int, sum(amount)::text FROM ${events}`)).toEqual([
        [2500, '3125.00'],
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
      await s.addTo(
        totals,
        ['province_id'],
        'total',
        sc.parallelize([
          [1, 10],
          [2, 5],
          [1, 7],
        ] as const),
        {
          positions: new Time(3000),
        },
      );
      await s.addTo(
        totals,
        ['province_id'],
        'total',
        sc.parallelize([
          [2, 1],
          [3, 4],
        ] as const),
        {
          positions: new Time(4000),
        },
      );
      expect(await rows(`SELECT province_id, total::int FROM ${totals} ORDER BY 1`)).toEqual([
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
      expect(await rows(`SELECT k, total::int FROM ${totals}`)).toEqual([[1, 3]]);

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
      expect(await rows(`SELECT total::int FROM ${byTime}`)).toEqual([[2]]);
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
        expect((e as Error).message).toMatch(/PostgreSQL sink .* refused the batch/);
        expect((e as OffsetsMismatchError).mismatches).toHaveLength(1);
      }
      // Nothing of the refused batches: the first batch's total and offsets only.
      expect(await rows(`SELECT total::int FROM ${totals}`)).toEqual([[100]]);
      expect((await s.storedOffsets([`orders-${run}`])).map(([, o]) => o)).toEqual([10, 10]);
    });

    it('fails the batch naming PostgreSQL and the cause when the server refuses or is down; nothing is committed', async () => {
      const totals = await create('refused', 'k int PRIMARY KEY, total bigint');
      // The machines' PostgreSQL trusts local connections whatever the password: an unknown role
      // is what it refuses.
      const refusing = DATABASE.replace('postgres://postgres@', 'postgres://nobody:wrong@');
      const down = DATABASE.replace(/:\d+\//, ':1/');
      for (const [url, cause] of [
        [refusing, /role "nobody" does not exist/],
        [down, /ECONNREFUSED/],
      ] as const) {
        const s = PostgresSink.create({ url, id: sinkId('refused'), retries: FAST });
        const e = await failure(
          s.addTo(totals, ['k'], 'total', sc.parallelize([[1, 1] as const]), {
            positions: ranges([0, 0, 10]),
          }),
        );
        expect(e).toBeInstanceOf(DStreamError);
        expect((e as DStreamError).code).toBe('DSTREAM_ERR_SINK_WRITE');
        expect((e as Error).message).toMatch(/^PostgreSQL sink .* \(attempt 2 of 2\)/);
        expect((e as Error).message).toMatch(cause);
        await s.close();
      }
      expect(await rows(`SELECT * FROM ${totals}`)).toEqual([]);
      expect(await sink('refused').storedOffsets([`orders-${run}`])).toEqual([]);
      // Back: the same sink id and batch write from the same positions.
      expect(
        await sink('refused').addTo(totals, ['k'], 'total', sc.parallelize([[1, 1] as const]), {
          positions: ranges([0, 0, 10]),
        }),
      ).toEqual({ applied: true, rows: 1 });
      expect(await rows(`SELECT k, total::int FROM ${totals}`)).toEqual([[1, 1]]);
    });

    it.each([
      ['LOCK TABLE', (t: string) => ['BEGIN', `LOCK TABLE ${t} IN ACCESS EXCLUSIVE MODE`]],
      [
        'a row locked by SELECT ... FOR UPDATE',
        (t: string) => ['BEGIN', `SELECT * FROM ${t} WHERE k = 1 FOR UPDATE`],
      ],
    ] as const)(
      'a table locked by another session (%s) fails the batch; released, the batch writes once',
      async (kind, lock) => {
        const t = await create(`locked_${kind.length}`, 'k int PRIMARY KEY, total bigint');
        await db.query(`INSERT INTO ${t} VALUES (1, 0)`);
        const id = sinkId(`locked-${kind.length}`);
        const locked = PostgresSink.create({
          url: DATABASE,
          id,
          retries: FAST,
          lockTimeoutMs: 200,
        });
        const addOne = () =>
          locked.addTo(t, ['k'], 'total', sc.parallelize([[1, 5] as const]), {
            positions: ranges([0, 0, 10]),
          });
        const other = new pg.Client({ connectionString: DATABASE });
        await other.connect();
        try {
          for (const statement of lock(t)) await other.query(statement);
          const e = await failure(addOne());
          expect(e).toBeInstanceOf(DStreamError);
          expect((e as Error).message).toMatch(
            new RegExp(`^PostgreSQL sink '${id}' could not write the batch \\(attempt 2 of 2\\)`),
          );
          expect((e as Error).message).toMatch(/canceling statement due to lock timeout/);
          await other.query('COMMIT');
          expect(await locked.storedOffsets([`orders-${run}`])).toEqual([]);
          expect(await addOne()).toEqual({ applied: true, rows: 1 });
          expect(await addOne()).toEqual({ applied: false, rows: 0 });
          expect(await rows(`SELECT k, total::int FROM ${t}`)).toEqual([[1, 5]]);
        } finally {
          await other.end();
        }
      },
    );

    describe('a row the store rejects fails the batch at once, naming the row and the column', () => {
      // 1500 good rows and one bad at 1234: in the second statement, so the server's position
      // (a parameter's number, a key) must be mapped through the statement's layout.
      let kinds = 0;
      const good = (i: number) => ({ k: i, name: `n${i % 100}`, amount: '1.50' });
      it.each([
        ['a value of the wrong type', { k: 'abc' }, 'k', /invalid input syntax for type integer/],
        ['a null in a NOT NULL column', { name: null }, 'name', /violates not-null constraint/],
        ['a value too long', { name: 'too long' }, 'name', /value too long/],
        ['a number too large', { amount: '123456.00' }, 'amount', /numeric field overflow/],
        [
          'a key the table holds',
          { k: 5 },
          'k',
          /duplicate key .* \(Key \(k\)=\(5\) already exists/,
        ],
        [
          'a key twice in one statement',
          { k: 1233 },
          'k',
          /duplicate key .* \(Key \(k\)=\(1233\) already exists/,
        ],
      ] as const)('%s', async (_kind, bad, column, words) => {
        const t = await create(
          `rejected_${++kinds}`,
          'k int PRIMARY KEY, name varchar(5) NOT NULL, amount numeric(6,2)',
        );
        const s = sink(`rejected-${t}`);
        const rows = Array.from({ length: 1500 }, (_, i) => good(i));
        rows[1234] = { ...good(1234), ...bad } as (typeof rows)[number];
        const e = await failure(
          s.insert(t, sc.parallelize(rows, 2), { positions: ranges([0, 0, 1500]) }),
        );
        expect(e).toBeInstanceOf(DStreamError);
        expect((e as DStreamError).code).toBe('DSTREAM_ERR_SINK_WRITE');
        const message = (e as Error).message;
        expect(message).toContain(
          `PostgreSQL sink '${sinkId(`rejected-${t}`)}' could not write the batch (not retried): PostgreSQL rejected row 1234 of the batch's 1500 for table ${t} (${JSON.stringify(rows[1234])}), column '${column}': `,
        );
        expect(message).toMatch(words);
        // Nothing of the batch, and its offsets did not move.
        expect(await db.query(`SELECT * FROM ${t}`)).toMatchObject({ rowCount: 0 });
        expect(await s.storedOffsets([`orders-${run}`])).toEqual([]);
      });
    });

    it('a table unnest cannot carry (a bytea column) is written by rows, and a rejected row still named', async () => {
      const t = await create('by_rows', 'k int PRIMARY KEY, data bytea');
      const s = sink('by-rows');
      const batch: { k: number | string; data: Buffer }[] = Array.from(
        { length: 1500 },
        (_, i) => ({
          k: i,
          data: Buffer.from([i % 256]),
        }),
      );
      await s.insert(t, sc.parallelize(batch.slice(0, 1200), 2), { positions: new Time(1000) });
      expect(await rows(`SELECT count(*)::int, sum(get_byte(data, 0))::int FROM ${t}`)).toEqual([
        [1200, batch.slice(0, 1200).reduce((n, r) => n + r.data[0]!, 0)],
      ]);
      batch[1234] = { k: 'abc', data: Buffer.from([1]) };
      const e = await failure(
        s.insert(t, sc.parallelize(batch.slice(1200), 2), { positions: new Time(2000) }),
      );
      expect((e as Error).message).toContain(
        `PostgreSQL rejected row 34 of the batch's 300 for table ${t} (${JSON.stringify(batch[1234])}), column 'k': invalid input syntax for type integer`,
      );
    });

    it('asks for the positions when the RDD has none: a derived RDD is not a position', async () => {
      const totals = await create('no_positions', 'k int PRIMARY KEY, total bigint');
      const s = sink('no-positions');
      const derived = sc.parallelize([[1, 1] as const]).map((x) => x);
      await expect(s.addTo(totals, ['k'], 'total', derived)).rejects.toThrow(
        /needs the batch's positions/,
      );
      await expect(
        s.addTo(totals, ['k'], 'total', derived, { positions: derived as never }),
      ).rejects.toMatchObject({ code: 'DSTREAM_ERR_INVALID_ARGUMENT' });
      expect(await rows(`SELECT * FROM ${totals}`)).toEqual([]);
      expect(await s.storedBatchTime()).toBeUndefined();
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

    it('writes from foreachRDD in one line, and closes its pool when the context stops', async () => {
      const counts = await create('words', 'word text PRIMARY KEY, n bigint');
      const app = `dstream-sink-test-${run}`;
      const s = PostgresSink.create({
        url: `${DATABASE}?application_name=${app}`,
        id: sinkId('words'),
        retries: FAST,
      });
      const connections = async () =>
        (
          await rows(`SELECT count(*)::int FROM pg_stat_activity WHERE application_name = '${app}'`)
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
            await s.addTo(counts, ['word'], 'n', rdd, { positions: time });
            expect(await connections()).toBeGreaterThan(0);
          });
          return pairs;
        },
      });
      expect(await rows(`SELECT word, n::int FROM ${counts} ORDER BY 1`)).toEqual([
        ['a', 2],
        ['b', 2],
        ['c', 1],
      ]);
      // runBatches stopped its context: the pool has ended its connections. The server lists a
      // closed one for a moment after its socket closed; an idle one would stay 10 s (pg's
      // idleTimeoutMillis), so a second's grace still tells an ended pool from a forgotten one.
      await expect.poll(connections, { timeout: 1000, interval: 50 }).toBe(0);
    });
  },
);
