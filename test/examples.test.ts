// Every example, run as users run it (`dstream run examples/x.ts localhost <port>`) against one
// `dstream feed`, until its first batch with data: each must print what its seed program prints.
// The examples keep the seed's 5-second batches, so this takes one or two batches of wall time.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectBuilt, root, startCli, type Cli } from './support/cli.js';

const DASHES = '-'.repeat(43);
const PAIR = String.raw`\((spark|streaming|hello|world),\d+\)`;
/** A batch printed by `print()` that has at least one count. */
const COUNTED_BATCH = new RegExp(`${DASHES}\\nTime: \\d+ ms\\n${DASHES}\\n${PAIR}\\n`);

let tmp: string;
let feed: Cli;
let port: string;

beforeAll(async () => {
  expectBuilt();
  await mkdir(join(root, '.tmp'), { recursive: true });
  tmp = await mkdtemp(join(root, '.tmp', 'examples-test-'));
  const words = join(tmp, 'words.txt');
  await writeFile(words, 'spark streaming hello world\nhello spark\n');
  feed = startCli(['feed', '--port', '0', '--file', words, '--rate', '20']);
  [, port = ''] = await feed.waitFor('stderr', /listening on 127\.0\.0\.1:(\d+)/);
});

afterAll(async () => {
  if (feed) {
    feed.child.kill('SIGINT');
    await feed.exited;
  }
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** Runs an example until `pattern` shows on its stdout, then stops it with Ctrl-C. */
async function runUntil(example: string, pattern: RegExp, ...args: string[]) {
  const cli = startCli(['run', join('examples', example), 'localhost', port, ...args]);
  const match = await cli.waitFor('stdout', pattern);
  cli.child.kill('SIGINT');
  expect(await cli.exited, cli.stderr()).toBe(0);
  return { match, stdout: cli.stdout() };
}

describe('examples', { concurrent: true }, () => {
  it('network-word-count.ts prints the word counts of each batch', async () => {
    await runUntil('network-word-count.ts', COUNTED_BATCH);
  });

  it('transform-blacklist.ts counts words, without the blacklisted ones', async () => {
    const { stdout } = await runUntil(
      'transform-blacklist.ts',
      new RegExp(`${DASHES}\\nTime: \\d+ ms\\n${DASHES}\\n\\((spark|streaming),\\d+\\)\\n`),
    );
    expect(stdout).not.toMatch(/\((hello|world),/);
  });

  it('foreach-rdd.ts prints each batch under its batch time', async () => {
    const dashes = '-'.repeat(35);
    await runUntil(
      'foreach-rdd.ts',
      new RegExp(
        `${dashes}\\nbatchTime: \\d{4}/\\d{2}/\\d{2} \\d{2}:\\d{2}:\\d{2}\\n${dashes}\\n${PAIR}\\n`,
      ),
    );
  });

  it('partitioned-output.ts writes a batch into date_str=/hour_str=/<ms>/part-00000', async () => {
    const out = join(tmp, 'logs');
    const { match } = await runUntil('partitioned-output.ts', /wrote (.+)\n/, out);
    const dir = match[1]!;
    expect(relative(out, dir)).toMatch(/^date_str=\d{8}[/\\]hour_str=\d{2}[/\\]\d+$/);
    expect(existsSync(join(dir, '_SUCCESS'))).toBe(true);
    const lines = (await readFile(join(dir, 'part-00000'), 'utf8')).trim().split('\n');
    for (const line of lines) expect(line).toMatch(new RegExp(`^${PAIR}$`));
  });

  it('partitioned-output.ts writes under the temporary directory by default, not in the repository', async () => {
    const { match, stdout } = await runUntil('partitioned-output.ts', /wrote (.+)\n/);
    const dir = match[1]!;
    // Every batch it wrote, the one matched and any written before Ctrl-C stopped it.
    const written = [...stdout.matchAll(/wrote (.+)\n/g)].map((m) => m[1]!);
    const logs = join(tmpdir(), 'dstream-examples', 'datas', 'streaming', 'logs');
    try {
      expect(relative(logs, dir)).toMatch(/^date_str=\d{8}[/\\]hour_str=\d{2}[/\\]\d+$/);
      expect(existsSync(join(dir, 'part-00000'))).toBe(true);
    } finally {
      await Promise.all(written.map((d) => rm(d, { recursive: true, force: true })));
    }
  });

  it('custom-receiver.ts counts the words its own receiver stores', async () => {
    await runUntil('custom-receiver.ts', COUNTED_BATCH);
  });
});

// The order examples read `dstream orders` (a socket, or files in a directory) and keep state in
// a checkpoint directory.
describe('order examples', { concurrent: true }, () => {
  let orders: Cli;
  let ordersPort = '';

  beforeAll(async () => {
    expectBuilt();
    orders = startCli([
      'orders',
      '--port',
      '0',
      '--rate',
      '20',
      '--seed',
      '1',
      '--malformed-rate',
      '0.1',
    ]);
    [, ordersPort = ''] = await orders.waitFor('stderr', /listening on 127\.0\.0\.1:(\d+)/);
  });

  afterAll(async () => {
    if (orders) {
      orders.child.kill('SIGINT');
      await orders.exited;
    }
  });

  /** A batch printed by `print()` with a province's total in yuan. */
  const TOTALS = new RegExp(`${DASHES}\\nTime: \\d+ ms\\n${DASHES}\\n\\(\\d+,\\d+\\.\\d{2}\\)\\n`);

  async function runOrders(example: string, ...args: string[]) {
    const cli = startCli(['run', join('examples', example), ...args]);
    await cli.waitFor('stdout', TOTALS);
    cli.child.kill('SIGINT');
    expect(await cli.exited, cli.stderr()).toBe(0);
    return cli;
  }

  it('order-total.ts prints the totals per province, and skips malformed lines with a warning', async () => {
    const checkpoint = join(tmp, 'order-total-checkpoint');
    const cli = await runOrders(
      'order-total.ts',
      'localhost',
      ordersPort,
      '--checkpoint',
      checkpoint,
    );
    expect(cli.stderr()).toMatch(/WARN skipped \d+ malformed line\(s\) in batch \d+ ms/);
    expect(existsSync(join(checkpoint, 'state'))).toBe(true);
  });

  it('order-total.ts keeps the socket and --dir totals apart, and refuses the other input’s checkpoint', async () => {
    const cwd = await mkdtemp(join(tmp, 'order-total-cwd-'));
    const example = join(root, 'examples', 'order-total.ts');
    const socketRun = startCli(['run', example, 'localhost', ordersPort], { cwd });
    await socketRun.waitFor('stdout', TOTALS);
    socketRun.child.kill('SIGINT');
    expect(await socketRun.exited, socketRun.stderr()).toBe(0);
    const socketDefault = join(cwd, '.tmp', 'order-total-checkpoint-socket');
    expect(existsSync(join(socketDefault, 'state'))).toBe(true);

    const filesRun = startCli(
      ['run', example, '--dir', join(cwd, 'in'), '--checkpoint', socketDefault],
      {
        cwd,
      },
    );
    expect(await filesRun.exited).toBe(1);
    expect(filesRun.stderr()).toContain(
      `${socketDefault} holds the totals of orders read from a socket: give this run another --checkpoint`,
    );
  });

  it('order-window.ts prints the last 10 minutes per province, from files in a directory', async () => {
    const dir = join(tmp, 'orders-in');
    const writer = startCli([
      'orders',
      '--dir',
      dir,
      '--rate',
      '50',
      '--interval',
      '500',
      '--seed',
      '2',
    ]);
    try {
      await runOrders(
        'order-window.ts',
        '--dir',
        dir,
        '--checkpoint',
        join(tmp, 'order-window-checkpoint'),
      );
    } finally {
      writer.child.kill('SIGINT');
      await writer.exited;
    }
  });
});
