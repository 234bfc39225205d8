// examples/order-total.ts restarted from its checkpoint, as a user runs it: `dstream run` with the
// directory source and `--checkpoint`, stopped with Ctrl-C (SIGINT), then run again with the same
// arguments. StreamingContext.getOrCreate recovers: the totals continue from where they were, the
// files that arrived while it was down are counted once, and none is counted twice.
// The example keeps the seed's 5-second batches: this takes about five batches of wall time,
// waiting for output lines, never for a fixed time.
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectBuilt, root, startCli, type Cli } from './support/cli.js';

const DASHES = '-'.repeat(43);
const BATCH = new RegExp(`${DASHES}\\nTime: (\\d+) ms\\n${DASHES}\\n((?:\\(.*\\)\\n)*)`, 'g');

let tmp: string;
const running: Cli[] = [];

beforeAll(async () => {
  expectBuilt();
  await mkdir(join(root, '.tmp'), { recursive: true });
  tmp = await mkdtemp(join(root, '.tmp', 'examples-recovery-'));
});

afterAll(async () => {
  for (const cli of running) if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** The totals of every batch printed so far: batch time → province → yuan. */
function printedTotals(stdout: string): Map<number, Map<string, string>> {
  const batches = new Map<number, Map<string, string>>();
  for (const m of stdout.matchAll(BATCH)) {
    const totals = new Map<string, string>();
    for (const [, k, v] of m[2]!.matchAll(/\((\d+),([\d.]+)\)\n/g)) totals.set(k!, v!);
    batches.set(Number(m[1]), totals);
  }
  return batches;
}

describe('order-total.ts restarted from its checkpoint', () => {
  it('continues the totals, counting every file once, those of the downtime included', async () => {
    const input = join(tmp, 'orders-in');
    const staging = join(tmp, 'staging');
    const checkpoint = join(tmp, 'checkpoint');
    await mkdir(input);
    await mkdir(staging);
    let n = 0;
    /** Writes order lines elsewhere, then renames the file into the watched directory. */
    const drop = async (lines: string[]) => {
      const name = `orders-${++n}.txt`;
      await writeFile(join(staging, name), lines.map((l) => `${l}\n`).join(''));
      await rename(join(staging, name), join(input, name));
    };
    const run = () => {
      const cli = startCli([
        'run',
        join('examples', 'order-total.ts'),
        '--dir',
        input,
        '--checkpoint',
        checkpoint,
      ]);
      running.push(cli);
      return cli;
    };
    const stop = async (cli: Cli) => {
      cli.child.kill('SIGINT');
      expect(await cli.exited, cli.stderr()).toBe(0);
    };

    const first = run();
    // A first (empty) batch printed: the stream watches the directory from now on.
    await first.waitFor('stdout', /Time: \d+ ms\n/);
    await drop(['1,1,10.00', '2,1,2.50', '3,2,3.00']);
    await first.waitFor('stdout', /\(1,12\.50\)\n/);
    await stop(first);

    // Arrives while the application is down.
    await drop(['4,1,1.25', '5,3,7.00']);
    const second = run();
    await second.waitFor('stdout', /\(1,13\.75\)\n/);
    await drop(['6,2,0.50', 'not an order']);
    await second.waitFor('stdout', /\(2,3\.50\)\n/);
    await stop(second);

    // Not reset: every batch of the second run has the totals of the first one at least.
    const batches = [...printedTotals(second.stdout())].sort((a, b) => a[0] - b[0]);
    expect(batches.length).toBeGreaterThan(0);
    for (const [time, totals] of batches) {
      expect(Number(totals.get('1')), `batch ${time}`).toBeGreaterThanOrEqual(12.5);
      expect(Number(totals.get('2')), `batch ${time}`).toBeGreaterThanOrEqual(3);
    }
    // Exact: each file counted once.
    expect(Object.fromEntries(batches.at(-1)![1])).toEqual({
      '1': '13.75',
      '2': '3.50',
      '3': '7.00',
    });
    expect(second.stderr()).toMatch(/WARN skipped 1 malformed line\(s\) in batch \d+ ms/);
  });
});
