// `dstream demo` (what `npm start` runs) as a real process: its built-in feed, a real TCP
// connection from socketTextStream, and Spark's print format on stdout.
import { spawn } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectBuilt, root, startCli } from './support/cli.js';

const DASHES = '-'.repeat(43);
/** One batch as Spark prints it: the header, up to 10 `(word,count)` lines, `...`, a blank line. */
const BLOCK = new RegExp(
  `${DASHES}\\nTime: (\\d+) ms\\n${DASHES}\\n((?:\\([a-z]+,\\d+\\)\\n)*)(\\.\\.\\.\\n)?\\n`,
  'g',
);

beforeAll(() => expectBuilt());

describe('dstream demo', () => {
  it('prints the word counts of every batch as Spark does, and stops with 0 on Ctrl-C', async () => {
    const cli = startCli(['demo', '--port', '0', '--batch', '1', '--rate', '50']);
    await cli.waitFor('stderr', /feeding 50 lines\/s of words on 127\.0\.0\.1:\d+/);
    // Two batches with counts: the receiver has connected and the counts keep coming.
    await cli.waitFor(
      'stdout',
      new RegExp(
        `(\\(\\w+,\\d+\\)\\n[^]*){2}${DASHES}\\nTime: \\d+ ms\\n${DASHES}\\n\\(\\w+,\\d+\\)`,
      ),
    );
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(0);
    expect(cli.stderr()).toMatch(/stopped after feeding \d+ lines/);

    const stdout = cli.stdout();
    const blocks = [...stdout.matchAll(BLOCK)];
    // Nothing but Spark's blocks on stdout.
    expect(blocks.map((b) => b[0]).join('')).toBe(stdout);
    const times = blocks.map((b) => Number(b[1]));
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBe(1000);
    const counted = blocks.filter((b) => b[2] !== '');
    expect(counted.length).toBeGreaterThanOrEqual(2);
    for (const b of counted) {
      const words = b[2]!
        .trim()
        .split('\n')
        .map((l) => l.slice(1, l.indexOf(',')));
      expect(words.length).toBeLessThanOrEqual(10);
      expect(new Set(words).size).toBe(words.length);
    }
  });

  it('exits 0 under npm start after a Ctrl-C in a terminal, which npm forwards again', async () => {
    // npm start in a process group of its own, as a terminal runs it in the foreground: a
    // Ctrl-C sends SIGINT to the whole group (npm, and the demo its script execs), and npm
    // forwards its own SIGINT to the demo too.
    const npm = spawn('npm', ['start', '--', '--port', '0', '--batch', '1', '--rate', '50'], {
      cwd: root,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    npm.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const counted = new Promise<void>((resolve) =>
      npm.stdout.setEncoding('utf8').on('data', (d: string) => {
        stdout += d;
        if (/\(\w+,\d+\)/.test(stdout)) resolve();
      }),
    );
    const exited = new Promise<number | string>((resolve) =>
      npm.on('close', (code, signal) => resolve(code ?? signal ?? -1)),
    );
    await Promise.race([counted, exited]);
    process.kill(-npm.pid!, 'SIGINT');
    expect(await exited, stderr).toBe(0);
    expect(stderr).toMatch(/stopped after feeding \d+ lines/);
    expect(stderr).not.toContain('interrupted again');
  });

  it('feeds on another port when the one asked for is taken', async () => {
    const first = startCli(['demo', '--port', '0', '--batch', '1']);
    const [, port] = await first.waitFor('stderr', /on 127\.0\.0\.1:(\d+)/);
    const second = startCli(['demo', '--port', port!, '--batch', '1']);
    await second.waitFor(
      'stderr',
      new RegExp(`port ${port} is in use: feeding on port \\d+ instead`),
    );
    second.child.kill('SIGINT');
    first.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
    expect(await first.exited).toBe(0);
  });
  it('prints the address of its web UI, whose page shows the batches while the demo runs', async () => {
    const cli = startCli(['demo', '--port', '0', '--batch', '1', '--rate', '50'], {
      // The suite turns the UI off (vitest.config.ts); a user's `npm start` has it on. Port 0:
      // any free port, so that a UI left on 4040 by something else does not matter.
      env: { DSTREAM_CONF: '{"spark.ui.port":"0"}' },
    });
    const [, url] = await cli.waitFor('stderr', /Streaming UI at (http:\/\/127\.0\.0\.1:\d+)\n/);
    // Three batches with counts on stdout: the first two have completed, as the UI has heard.
    await cli.waitFor(
      'stdout',
      new RegExp(`(${DASHES}\\nTime: \\d+ ms\\n${DASHES}\\n\\(\\w+,\\d+\\)[^]*){3}`),
    );
    const page = await (await fetch(`${url!}/streaming/`)).text();
    const completed = Number(/\(<strong>(\d+)<\/strong> completed batches/.exec(page)?.[1]);
    expect(completed).toBeGreaterThanOrEqual(2);
    expect(page).toContain('<table id="completed-batches"');
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(0);
    expect(cli.stderr().match(/Streaming UI at/g)).toHaveLength(1);
  });
});
