// The Flume examples, run as users run them: `dstream run examples/flume-*-word-count.ts` with the
// Flume agent of the configuration next to each (its ports chosen for the test), lines typed into
// the agent's netcat source, and the word counts printed by the application.
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../src/cli/services/ports.js';
import { expectBuilt, root, startCli, type Cli } from './support/cli.js';
import { flume, skipFlume, startTestAgent } from './support/flume-agent.js';

/** Sends `lines` to a Flume netcat source, waiting for its `OK` to each. */
async function typeLines(port: number, lines: readonly string[]): Promise<void> {
  const socket = createConnection({ host: '127.0.0.1', port });
  await new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  let answers = '';
  const acked = new Promise<void>((resolve) =>
    socket.on('data', (d: Buffer) => {
      answers += d.toString('utf8');
      if (answers.split('\n').length > lines.length) resolve();
    }),
  );
  socket.write(lines.map((l) => `${l}\n`).join(''));
  await acked;
  socket.destroy();
  expect(answers.trim().split('\n')).toEqual(lines.map(() => 'OK'));
}

/** The word counts of every batch printed, added up, once they count `words` words. */
async function countsUntil(app: Cli, words: number): Promise<Record<string, number>> {
  for (;;) {
    const counts: Record<string, number> = {};
    let total = 0;
    for (const m of app.stdout().matchAll(/^\((\w+),(\d+)\)$/gm)) {
      counts[m[1]!] = (counts[m[1]!] ?? 0) + Number(m[2]);
      total += Number(m[2]);
    }
    if (total >= words) return counts;
    const batches = app.stdout().split(`Time: `).length;
    await app.waitFor('stdout', new RegExp(`(?:Time: [\\s\\S]*?){${batches}}`));
  }
}

describe.skipIf(skipFlume)(
  `Flume examples${skipFlume ? ` (skipped: ${flume.reason})` : ''}`,
  () => {
    it('flume-push-word-count.ts counts the words of the lines the agent pushes', async () => {
      expectBuilt();
      const port = await freePort();
      const netcat = await freePort();
      const app = startCli(['run', 'examples/flume-push-word-count.ts', '127.0.0.1', String(port)]);
      try {
        // The Avro sink connects once the application listens (it retries every few seconds).
        await startTestAgent(join(root, 'examples', 'flume-push-word-count.properties'), {
          'sinks.k1.port': port,
          'sources.r1.port': netcat,
        });
        await typeLines(netcat, ['spark streaming flume', 'flume push flume']);
        const counts = await countsUntil(app, 6);
        expect(counts).toEqual({ spark: 1, streaming: 1, flume: 3, push: 1 });
      } finally {
        app.child.kill('SIGINT');
        expect(await app.exited, app.stderr()).toBe(0);
      }
    });

    it('flume-poll-word-count.ts counts the words of the lines it polls from the SparkSink', async () => {
      expectBuilt();
      const port = await freePort();
      const netcat = await freePort();
      await startTestAgent(join(root, 'examples', 'flume-poll-word-count.properties'), {
        'sinks.spark.port': port,
        'sources.r1.port': netcat,
      });
      // Typed before the application runs: the channel keeps the lines until they are polled.
      await typeLines(netcat, ['spark pull flume', 'flume poll']);
      const app = startCli(['run', 'examples/flume-poll-word-count.ts', '127.0.0.1', String(port)]);
      try {
        const counts = await countsUntil(app, 5);
        expect(counts).toEqual({ spark: 1, pull: 1, flume: 2, poll: 1 });
      } finally {
        app.child.kill('SIGINT');
        expect(await app.exited, app.stderr()).toBe(0);
      }
    });
  },
);
