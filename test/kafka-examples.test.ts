// The Kafka examples, run as users run them (`dstream run examples/kafka-*.ts <bootstrap> <topic>
// ...`) against the run's broker: the direct word count, and the three delivery semantics of
// docs/kafka.md, each killed (SIGKILL) where its guarantee matters and run again: at-most-once
// loses the batch it was writing and writes nothing twice, at-least-once writes that batch again
// from the offsets committed to Kafka and loses nothing, exactly-once (offsets and results in one
// PostgreSQL transaction) ends exact.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrderGenerator } from '../src/cli/orders.js';
import { expectBuilt, startCli, type Cli } from './support/cli.js';
import { bootstrap, broker, skipKafka } from './support/kafka-broker.js';
import { DATABASE, postgresDown, skipPostgres } from './support/postgres.js';
import { committedOffsets, newTopic, numbered, produce } from './support/kafka-topics.js';

const PARTITIONS = 3;
const DASHES = '-'.repeat(43);

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'dstream-kafka-examples-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

interface Range {
  readonly partition: number;
  readonly from: number;
  readonly until: number;
}

interface Written {
  readonly time: number;
  readonly count: number;
  readonly ranges: Range[];
}

/** The `<time> ms: wrote <n> records [<ranges>]` lines of the semantics examples. */
function writtenBatches(stdout: string): Written[] {
  return [...stdout.matchAll(/^(\d+) ms: (?:wrote|saved) (\d+) \w+ \[(.*)\]$/gm)].map((m) => ({
    time: Number(m[1]),
    count: Number(m[2]),
    ranges: [
      ...m[3]!.matchAll(
        /OffsetRange\(topic: '[^']+', partition: (\d+), range: \[(\d+) -> (\d+)\]\)/g,
      ),
    ].map((r) => ({ partition: Number(r[1]), from: Number(r[2]), until: Number(r[3]) })),
  }));
}

/** Waits for a written batch that `check` accepts. */
async function waitWritten(
  run: Cli,
  check: (w: Written, index: number) => boolean,
): Promise<Written> {
  for (;;) {
    const batches = writtenBatches(run.stdout());
    const found = batches.find((w, i) => check(w, i));
    if (found) return found;
    await run.waitFor(
      'stdout',
      new RegExp(`(?:ms: (?:wrote|saved) [\\s\\S]*?){${batches.length + 1}}`),
    );
  }
}

/** Produces `count` numbered values (`<partition>:<i>`) to each partition, from offset `from`. */
async function produceNumbered(topic: string, from: number, count: number): Promise<void> {
  for (let p = 0; p < PARTITIONS; p++) await produce(topic, p, numbered(p, from, count));
}

/** How often each line occurs in a file (none when it does not exist). */
function occurrences(file: string): Map<string, number> {
  const counts = new Map<string, number>();
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return counts;
  }
  for (const line of text.split('\n')) {
    if (line !== '') counts.set(line, (counts.get(line) ?? 0) + 1);
  }
  return counts;
}

const all = (count: number) =>
  Array.from({ length: PARTITIONS }, (_, p) => numbered(p, 0, count)).flat();

function isStopped(pid: number): boolean {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state === 'T' || state === 't';
}

async function stop(run: Cli): Promise<void> {
  run.child.kill('SIGSTOP');
  while (!isStopped(run.child.pid!)) await new Promise((r) => setTimeout(r, 1));
}

describe.skipIf(skipKafka)(
  `Kafka examples${skipKafka ? ` (skipped: ${broker.reason})` : ''}`,
  () => {
    beforeAll(() => expectBuilt());

    it('kafka-word-count.ts counts the words of the records, with the ranges of each batch', async () => {
      const topic = await newTopic('words', PARTITIONS);
      await produce(topic, 0, ['spark streaming hello world', 'hello spark']);
      await produce(topic, 2, ['spark kafka']);
      const run = startCli(['run', 'examples/kafka-word-count.ts', bootstrap(), topic]);
      try {
        const [, block = ''] = await run.waitFor(
          'stdout',
          new RegExp(`${DASHES}\\nTime: \\d+ ms\\n${DASHES}\\n((?:\\(.*\\)\\n)+)\\n`),
        );
        const printed = block.trim().split('\n').sort();
        expect(printed).toEqual(
          ['(hello,2)', '(kafka,1)', '(spark,3)', '(streaming,1)', '(world,1)'].sort(),
        );
        expect(run.stderr()).toContain(
          `OffsetRange(topic: '${topic}', partition: 0, range: [0 -> 2])`,
        );
        expect(run.stderr()).toContain(
          `OffsetRange(topic: '${topic}', partition: 2, range: [0 -> 1])`,
        );
      } finally {
        run.child.kill('SIGINT');
        expect(await run.exited, run.stderr()).toBe(0);
      }
    });

    it(
      'kafka-at-least-once.ts, killed after a write: resumes from the committed offsets, writes that batch again, loses nothing',
      { timeout: 120_000 },
      async () => {
        const topic = await newTopic('at-least-once', PARTITIONS);
        const group = `at-least-once-${topic}`;
        const output = join(tmp, `${topic}.txt`);
        const args = ['run', 'examples/kafka-at-least-once.ts', bootstrap(), topic, output];
        await produceNumbered(topic, 0, 100);
        const first = startCli(args);
        await waitWritten(first, (w) => w.count > 0);
        // A batch with records has written them, and its offsets wait for the next batch's
        // commit: the process is stopped to look, and killed if the commit has not happened.
        let killed: Written | undefined;
        let committed: number[] = [];
        let produced = 100;
        for (let round = 0; !killed; round++) {
          expect(round, 'a kill between a write and its commit within 5 rounds').toBeLessThan(5);
          const seen = writtenBatches(first.stdout()).length;
          await produceNumbered(topic, produced, 50);
          produced += 50;
          const batch = await waitWritten(first, (w, i) => i >= seen && w.count > 0);
          await stop(first);
          committed = await committedOffsets(group, topic, PARTITIONS);
          if (committed.join() === batch.ranges.map((r) => r.from).join()) {
            first.child.kill('SIGKILL');
            killed = batch;
          } else first.child.kill('SIGCONT');
        }
        await first.exited;
        // Committed after the kill? No: what the group has is still where that batch starts.
        expect(await committedOffsets(group, topic, PARTITIONS)).toEqual(committed);

        await produceNumbered(topic, produced, 10);
        produced += 10;
        const second = startCli(args);
        try {
          // The restart starts where the group committed.
          const resumed = await waitWritten(second, () => true);
          expect(resumed.ranges.map((r) => r.from)).toEqual(committed);
          await waitWritten(second, (w) => w.ranges.every((r) => r.until === produced));
          const counts = occurrences(output);
          for (const value of all(produced)) {
            const [p, i] = value.split(':').map(Number) as [number, number];
            const range = killed.ranges.find((r) => r.partition === p)!;
            const again = i >= range.from && i < range.until;
            expect(counts.get(value), value).toBe(again ? 2 : 1);
          }
          expect(counts.size).toBe(PARTITIONS * produced);
        } finally {
          second.child.kill('SIGINT');
          expect(await second.exited, second.stderr()).toBe(0);
        }
      },
    );

    it(
      'kafka-at-most-once.ts, killed between saving the offsets and writing: that batch is lost, nothing is written twice',
      { timeout: 120_000 },
      async () => {
        const topic = await newTopic('at-most-once', PARTITIONS);
        const output = join(tmp, `${topic}.txt`);
        const offsetsFile = `${output}.offsets.json`;
        const args = ['run', 'examples/kafka-at-most-once.ts', bootstrap(), topic, output];
        const saved = (): number[] => {
          try {
            const list = JSON.parse(readFileSync(offsetsFile, 'utf8')) as [
              string,
              number,
              number,
            ][];
            return list.sort((a, b) => a[1] - b[1]).map(([, , offset]) => offset);
          } catch {
            return [];
          }
        };
        const written = () => [...occurrences(output).values()].reduce((a, b) => a + b, 0);
        const first = startCli(args);
        // Rounds of records until the kill lands after a batch saved its offsets and before it
        // wrote its records (while it reads them): the process is stopped to look.
        let produced = 0;
        let lost: number[] | undefined;
        for (let round = 0; !lost; round++) {
          expect(round, 'a kill between the save and the write within 8 rounds').toBeLessThan(8);
          await produceNumbered(topic, produced, 30_000);
          produced += 30_000;
          const deadline = performance.now() + 8_000;
          while (!lost && performance.now() < deadline) {
            const offsets = saved();
            const ahead = offsets.reduce((a, b) => a + b, 0) > written();
            if (ahead) {
              await stop(first);
              if (saved().reduce((a, b) => a + b, 0) > written()) {
                first.child.kill('SIGKILL');
                lost = saved();
              } else first.child.kill('SIGCONT');
            }
            await new Promise((r) => setTimeout(r, 2));
          }
        }
        await first.exited;
        const before = occurrences(output);

        await produceNumbered(topic, produced, 10);
        produced += 10;
        const second = startCli(args);
        try {
          const resumed = await waitWritten(second, () => true);
          expect(resumed.ranges.map((r) => r.from)).toEqual(lost);
          await waitWritten(second, (w) => w.ranges.every((r) => r.until === produced));
          const counts = occurrences(output);
          let missing = 0;
          for (const value of all(produced)) {
            const [p, i] = value.split(':').map(Number) as [number, number];
            const n = counts.get(value) ?? 0;
            expect(n, value).toBeLessThanOrEqual(1);
            if (n === 0) {
              missing++;
              // Only records of the batch killed between its save and its write are missing.
              expect(before.has(value), value).toBe(false);
              expect(i, value).toBeLessThan(lost[p]!);
            }
          }
          expect(missing).toBeGreaterThan(0);
        } finally {
          second.child.kill('SIGINT');
          expect(await second.exited, second.stderr()).toBe(0);
        }
      },
    );
  },
);

describe.skipIf(skipKafka || skipPostgres)(
  `kafka-exactly-once.ts${skipKafka ? ` (skipped: ${broker.reason})` : skipPostgres ? ` (skipped: ${postgresDown})` : ''}`,
  () => {
    beforeAll(() => {
      expectBuilt();
      expect(postgresDown, 'PostgreSQL for the exactly-once example').toBeUndefined();
    });

    /** Order lines to each partition; what they add up to, per province, in cents. */
    class Orders {
      readonly totals = new Map<number, number>();
      readonly ends = Array.from({ length: PARTITIONS }, () => 0);
      private readonly generator = new OrderGenerator({ seed: 42, malformedRate: 0.02 });
      constructor(readonly topic: string) {}
      async produce(n: number): Promise<void> {
        for (let p = 0; p < PARTITIONS; p++) {
          const lines = Array.from({ length: n }, () => this.generator.next());
          await produce(this.topic, p, lines);
          this.ends[p]! += n;
          for (const line of lines) {
            const m = /^\s*(\d+),(\d+),(\d+(?:\.\d{1,2})?)\s*$/.exec(line);
            if (!m) continue;
            const province = Number(m[2]);
            this.totals.set(
              province,
              (this.totals.get(province) ?? 0) + Math.round(Number(m[3]) * 100),
            );
          }
        }
      }
    }

    async function stored(client: pg.Client, topic: string) {
      const totals = await client.query<{ province: number; total_cents: string }>(
        'SELECT province, total_cents FROM kafka_province_totals WHERE topic = $1',
        [topic],
      );
      const offsets = await client.query<{ kafka_partition: number; until_offset: string }>(
        'SELECT kafka_partition, until_offset FROM kafka_offsets WHERE topic = $1 ORDER BY 2',
        [topic],
      );
      return {
        totals: new Map(totals.rows.map((r) => [r.province, Number(r.total_cents)])),
        offsets: offsets.rows
          .sort((a, b) => a.kafka_partition - b.kafka_partition)
          .map((r) => Number(r.until_offset)),
      };
    }

    async function storedTotal(client: pg.Client, topic: string): Promise<number> {
      const { totals } = await stored(client, topic);
      return [...totals.values()].reduce((a, b) => a + b, 0);
    }

    const sorted = (m: Map<number, number>) => [...m].sort(([a], [b]) => a - b);

    it(
      'killed in the middle of its transaction and run again: the totals end exact, and a moved offset fails the batch',
      { timeout: 120_000 },
      async () => {
        const orders = new Orders(await newTopic('exactly-once', PARTITIONS));
        const appName = `dstream-test-${orders.topic}`;
        const database = `${DATABASE}?application_name=${appName}`;
        const args = ['run', 'examples/kafka-exactly-once.ts', bootstrap(), orders.topic, database];
        const client = new pg.Client({ connectionString: DATABASE });
        await client.connect();
        try {
          await orders.produce(500);
          const first = startCli(args);
          await waitWritten(first, (w) => w.count > 0);

          // The next batch blocks on the offset rows the test holds: it has added its totals and
          // waits to move the offsets, in its transaction. Then it is killed, and PostgreSQL rolls
          // its transaction back.
          // (A batch that blocks without having added totals, an empty one, is let go: again.)
          for (let attempt = 0; ; attempt++) {
            expect(attempt, 'a batch with records blocked within 5 attempts').toBeLessThan(5);
            await orders.produce(300);
            const totalBefore = await storedTotal(client, orders.topic);
            await client.query('BEGIN');
            await client.query('SELECT * FROM kafka_offsets WHERE topic = $1 FOR UPDATE', [
              orders.topic,
            ]);
            for (;;) {
              const { rows } = await client.query(
                "SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'",
                [appName],
              );
              if (rows.length > 0) break;
              await new Promise((r) => setTimeout(r, 20));
            }
            const { rows: added } = await client.query(
              `SELECT 1 FROM pg_locks l JOIN pg_stat_activity a USING (pid)
               WHERE a.application_name = $1 AND l.relation = 'kafka_province_totals'::regclass`,
              [appName],
            );
            // (Totals committed before the offsets move would show here: a broken example.)
            if (added.length > 0 || (await storedTotal(client, orders.topic)) !== totalBefore)
              break;
            await client.query('ROLLBACK');
          }
          first.child.kill('SIGKILL');
          await first.exited;
          await client.query('ROLLBACK');
          const afterKill = await stored(client, orders.topic);
          expect(afterKill.offsets.every((o, p) => o < orders.ends[p]!)).toBe(true);

          await orders.produce(200);
          const second = startCli(args);
          try {
            await second.waitFor('stdout', /starting at (.*)\n/);
            expect(second.stdout()).toContain(
              `starting at ${JSON.stringify(afterKill.offsets.map((o, p) => [p, o]))}\n`,
            );
            await waitWritten(second, (w) =>
              w.ranges.every((r) => r.until === orders.ends[r.partition]),
            );
            const end = await stored(client, orders.topic);
            expect(end.offsets).toEqual(orders.ends);
            expect(sorted(end.totals)).toEqual(sorted(orders.totals));

            // Another writer moves the stored offsets: the next batch with records rolls back.
            await client.query(
              'UPDATE kafka_offsets SET until_offset = until_offset - 1 WHERE topic = $1',
              [orders.topic],
            );
            await orders.produce(10);
            expect(await second.exited).toBe(1);
            expect(second.stderr()).toMatch(
              /the stored offset of .+ is not \d+, where this batch starts/,
            );
            const untouched = await stored(client, orders.topic);
            expect(sorted(untouched.totals)).toEqual(sorted(end.totals));
          } finally {
            second.child.kill('SIGKILL');
          }
        } finally {
          await client.end();
        }
      },
    );
  },
);
