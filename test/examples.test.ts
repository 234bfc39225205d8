// Every example, run as users run it (`dstream run examples/x.ts localhost <port>`) against one
// `dstream feed`, until its first batch with data: each must print what its seed program prints.
// The examples keep the seed's 5-second batches, so this takes one or two batches of wall time.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
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

  it('custom-receiver.ts counts the words its own receiver stores', async () => {
    await runUntil('custom-receiver.ts', COUNTED_BATCH);
  });
});
