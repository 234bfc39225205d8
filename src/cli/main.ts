#!/usr/bin/env node
// The `dstream` command (package.json "bin"): feed, run, demo.
import { createRequire } from 'node:module';
import { Command } from 'commander';
import { demoCommand } from './demo.js';
import { feedCommand } from './feed.js';
import { runCommand } from './run.js';

// dist/cli/main.js and src/cli/main.ts both sit two levels below package.json.
const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

const program = new Command('dstream')
  .description("Spark Streaming's DStream engine for Node.js")
  .version(version)
  .enablePositionalOptions()
  .showHelpAfterError()
  .addCommand(demoCommand())
  .addCommand(feedCommand())
  .addCommand(runCommand())
  .addHelpText(
    'after',
    '\nQuick start:\n' +
      '  dstream demo                       # a live word count, printed every 5 seconds\n' +
      '  dstream feed                       # in one terminal: type lines (like nc -lk 9999)\n' +
      '  dstream run examples/network-word-count.ts localhost 9999   # in another',
  );

try {
  await program.parseAsync(process.argv);
} catch (e) {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
}
