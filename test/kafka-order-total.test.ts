// The seed's final order program, as a user runs it: `dstream run examples/kafka-order-total.ts
// <bootstrap> <topic> <checkpointDir>` reads order lines from a topic of the run's broker, is
// killed (SIGKILL) while a batch is pending, and is run again with the same checkpoint directory.
// StreamingContext.getOrCreate must run the pending batches again with the offset ranges the
// checkpoint gave them (records produced after the kill stay out of them), print for them the
// totals printed before, and end with totals exact to the fen.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrderGenerator } from '../src/cli/orders.js';
import { readCheckpoint } from '../src/streaming/checkpoint/recovery.js';
import { expectBuilt, startCli, type Cli } from './support/cli.js';
import { bootstrap, broker, skipKafka } from './support/kafka-broker.js';
import { newTopic, produce } from './support/kafka-topics.js';

/** Totals per province, in cents. */
type Totals = Map<number, number>;

const PARTITIONS = 3;

/** The lines of each partition of the topic, in offset order, as the test produced them. */
class OrderTopic {
  readonly lines: string[][] = Array.from({ length: PARTITIONS }, () => []);
  private readonly generator: OrderGenerator;

  constructor(
    readonly topic: string,
    seed: number,
  ) {
    this.generator = new OrderGenerator({ seed, malformedRate: 0.02 });
  }

  /** Produces `n` order lines to each partition. */
  async produce(n: number): Promise<void> {
    for (let p = 0; p < PARTITIONS; p++) {
      const lines = Array.from({ length: n }, () => this.generator.next());
      for (let i = 0; i < lines.length; i += 20_000) {
        await produce(this.topic, p, lines.slice(i, i + 20_000));
      }
      this.lines[p]!.push(...lines);
    }
  }

  /** The totals of the records of each partition below `until[p]` (all of them by default). */
  totals(until: readonly number[] = this.lines.map((l) => l.length)): Totals {
    const totals: Totals = new Map();
    for (let p = 0; p < PARTITIONS; p++) {
      for (const line of this.lines[p]!.slice(0, until[p])) {
        const m = /^\s*(\d+),(\d+),(\d+(?:\.\d{1,2})?)\s*$/.exec(line);
        if (!m) continue;
        const province = Number(m[2]);
        totals.set(province, (totals.get(province) ?? 0) + Math.round(Number(m[3]) * 100));
      }
    }
    return totals;
  }
}

/** The batches a run printed: time and totals. */
function printedBatches(stdout: string): Map<number, Totals> {
  const batches = new Map<number, Totals>();
  for (const block of stdout.split(/^-+\nTime: /m).slice(1)) {
    const time = Number(/^(\d+) ms/.exec(block)?.[1]);
    const totals: Totals = new Map();
    for (const m of block.matchAll(/^\((\d+),(\d+)\.(\d{2})\)$/gm)) {
      totals.set(Number(m[1]), Number(m[2]) * 100 + Number(m[3]));
    }
    batches.set(time, totals);
  }
  return batches;
}

const plain = (t: Totals) => Object.fromEntries([...t].sort(([a], [b]) => a - b));

/** The direct stream's position in a metadata checkpoint (its `checkpointPosition()`). */
interface DirectPosition {
  readonly currentOffsets: [string, number][];
  readonly batches: [number, [string, number, number, number][]][];
}

interface PendingBatch {
  readonly time: number;
  readonly ranges: readonly [string, number, number, number][];
}

/** The batches the newest checkpoint lists as pending, with their ranges; empty when none. */
function pendingInCheckpoint(dir: string): PendingBatch[] {
  let read;
  try {
    read = readCheckpoint(dir);
  } catch {
    return []; // a file being renamed in
  }
  if (!read) return [];
  const position = read.record.inputs[0]?.position as DirectPosition | undefined;
  const ranges = new Map(position?.batches ?? []);
  return read.record.pendingTimesMs.map((time) => ({ time, ranges: ranges.get(time) ?? [] }));
}

/** Whether a pending batch reads records, and is not the first one (so it follows a state). */
const interesting = (b: PendingBatch) =>
  b.ranges.some(([, , from, until]) => until > from) && b.ranges.some(([, , from]) => from > 0);

/**
 * SIGKILLs `run` while the newest checkpoint lists a pending batch that reads records: the
 * process is stopped (SIGSTOP) when the checkpoint shows one, and the checkpoint is read again
 * while it cannot change; if the batch completed meanwhile, the process goes on.
 */
async function killWhilePending(run: Cli, dir: string): Promise<PendingBatch[]> {
  const pid = run.child.pid!;
  for (;;) {
    if (run.child.exitCode !== null) throw new Error(`the application exited\n${run.stderr()}`);
    if (pendingInCheckpoint(dir).some(interesting)) {
      run.child.kill('SIGSTOP');
      await waitStopped(pid);
      const pending = pendingInCheckpoint(dir);
      if (pending.some(interesting)) {
        run.child.kill('SIGKILL');
        await run.exited;
        return pending;
      }
      run.child.kill('SIGCONT');
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function waitStopped(pid: number): Promise<void> {
  for (;;) {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state === 'T' || state === 't') return;
    await new Promise((r) => setTimeout(r, 1));
  }
}

/** Waits until `run` has printed a batch with exactly `expected`; returns its time. */
async function printedExactly(run: Cli, expected: Totals): Promise<number> {
  const want = JSON.stringify(plain(expected));
  for (;;) {
    const batches = printedBatches(run.stdout());
    for (const [time, totals] of batches) if (JSON.stringify(plain(totals)) === want) return time;
    await run.waitFor('stdout', new RegExp(`(?:Time: \\d+ ms[\\s\\S]*?){${batches.size + 1}}`));
  }
}

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'dstream-kafka-order-total-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe.skipIf(skipKafka)(
  `examples/kafka-order-total.ts${skipKafka ? ` (skipped: ${broker.reason})` : ''}`,
  () => {
    beforeAll(() => expectBuilt());

    it(
      'killed while a batch is pending and run again: the pending batches run again with the same ranges, and the totals are exact',
      { timeout: 180_000 },
      async () => {
        const orders = new OrderTopic(await newTopic('orders', PARTITIONS), 2026);
        const checkpoint = join(tmp, 'checkpoint');
        const run = (): Cli =>
          startCli(['run', 'examples/kafka-order-total.ts', bootstrap(), orders.topic, checkpoint]);
        // More than two batches' worth: maxRatePerPartition 10000 × 5 s = 50000 records of each
        // partition a batch, so the first batches are full and take a moment to run.
        await orders.produce(120_000);

        const first = run();
        const firstBatch = await printedExactly(first, orders.totals([50_000, 50_000, 50_000]));
        const pending = await killWhilePending(first, checkpoint);
        const killedAt = performance.now();
        expect(pending.length).toBeGreaterThan(0);
        const printedBefore = printedBatches(first.stdout());

        // Records that arrive while the application is down: a pending batch that took new ranges
        // instead of its checkpointed ones would read them.
        await orders.produce(1000);

        const restarted = performance.now();
        const second = run();
        try {
          const resumed = await second.waitFor('stdout', /Time: (\d+) ms/);
          const restartSeconds = (performance.now() - killedAt) / 1000;
          const startSeconds = (performance.now() - restarted) / 1000;
          // The pending batches print the totals of their checkpointed ranges, as before the kill.
          for (const batch of pending) {
            const until = Array.from({ length: PARTITIONS }, (_, p) => {
              const range = batch.ranges.find(([, partition]) => partition === p);
              expect(range, `batch ${batch.time} has a range of partition ${p}`).toBeDefined();
              return range![3];
            });
            await second.waitFor('stdout', new RegExp(`Time: ${batch.time} ms`));
            const printed = printedBatches(second.stdout()).get(batch.time)!;
            expect(plain(printed), `batch ${batch.time}`).toEqual(plain(orders.totals(until)));
          }
          // Every batch printed by both runs printed the same totals.
          const printedAfter = printedBatches(second.stdout());
          for (const [time, totals] of printedBefore) {
            if (printedAfter.has(time))
              expect(plain(printedAfter.get(time)!), `batch ${time}`).toEqual(plain(totals));
          }
          // And the totals end exact, to the fen, over every line produced.
          await printedExactly(second, orders.totals());
          console.info(
            `kafka-order-total: first batch ${firstBatch} ms; killed with pending ${pending
              .map((b) => b.time)
              .join(
                ', ',
              )}; the restart printed batch ${resumed[1]} ms ${restartSeconds.toFixed(1)} s after the kill, ${startSeconds.toFixed(1)} s after it was started`,
          );
          expect(second.stderr()).not.toMatch(/ERROR|DStreamError/);
        } finally {
          second.child.kill('SIGINT');
          expect(await second.exited).toBe(0);
        }
      },
    );
  },
);
