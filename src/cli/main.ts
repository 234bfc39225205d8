#!/usr/bin/env node
// The `dstream` CLI: feed, orders, run, demo, kafka, hbase, opensearch, flume. bin/dstream.js
// (package.json "bin") loads it once it has checked the Node version; the shebang serves links
// made to this file.
import { createRequire } from 'node:module';
import { Command } from 'commander';
import { DStreamError } from '../errors.js';
import { demoCommand } from './demo.js';
import { feedCommand } from './feed.js';
import { flumeCommand } from './flume/index.js';
import { hbaseCommand } from './hbase/index.js';
import { kafkaCommand } from './kafka/index.js';
import { opensearchCommand } from './opensearch/index.js';
import { ordersCommand } from './orders.js';
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
  .addCommand(flumeCommand())
  .addCommand(hbaseCommand())
  .addCommand(kafkaCommand())
  .addCommand(opensearchCommand())
  .addCommand(ordersCommand())
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
  // A DStreamError's message says what to do: its stack would only bury it. Anything else is a bug.
  process.stderr.write(
    e instanceof DStreamError
      ? `dstream: ${e.code}: ${e.message}\n`
      : `${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
  );
  process.exitCode = 1;
}
