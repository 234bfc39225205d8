import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command } from 'commander';
import { SUBMITTED_CONF_ENV, submittedConf } from '../util/submitted-conf.js';
import { note } from './options.js';
import { installShutdown } from './run-shutdown.js';
import {
  CONF_DIR_ENV,
  DEFAULTS_FILE,
  collectConf,
  parseDeployMode,
  parseMasterOption,
  submittedSettings,
  type SubmitOptions,
} from './submit.js';

/** `dstream run`: runs an application file in this process. */
export function runCommand(): Command {
  return new Command('run')
    .summary('run a streaming application (.ts or .js)')
    .description(
      'Run a streaming application file in this process, as spark-submit runs a jar. The file ' +
        "may be JavaScript or TypeScript: TypeScript runs with Node's type stripping, so it may " +
        'use only erasable syntax (no enum, namespace or constructor parameter properties) and ' +
        'imports its own files with their .ts extension. The application reads the arguments ' +
        'after the file (or after --) from process.argv.slice(2).\n\n' +
        'SIGINT (Ctrl-C) and SIGTERM each stop the running StreamingContext (gracefully when ' +
        'spark.streaming.stopGracefullyOnShutdown is true), let the application finish, and ' +
        'exit with 0; a signal the application listens to itself is left to it. A second signal ' +
        'exits at once (130 for SIGINT, 143 for SIGTERM); the same signal again within half a ' +
        "second is taken for a copy of the first (npm forwards a terminal's Ctrl-C to the " +
        'process that got it already). An application that fails (its module ' +
        'throws, or awaitTermination() rejects uncaught) stops its context and exits with 1.',
    )
    .option(
      '--master <master-url>',
      'the master when the application sets none: local, local[N] or local[*] (default: local[*])',
      parseMasterOption,
    )
    .option('--name <name>', 'the application name when it sets none (default: the file name)')
    .option(
      '--conf <key=value>',
      'a Spark setting the application does not set itself (its own conf option wins); repeatable',
      collectConf,
    )
    .option(
      '--properties-file <file>',
      `settings under --conf, one "key value" or "key=value" a line, # comments (default: $${CONF_DIR_ENV}/${DEFAULTS_FILE} when it exists)`,
    )
    .option(
      '--deploy-mode <mode>',
      'client only: the application runs in this process (there is no cluster mode)',
      parseDeployMode,
    )
    .argument('<file>', 'the application: a .ts, .mts, .js or .mjs file')
    .argument('[args...]', 'arguments for the application')
    .passThroughOptions()
    .addHelpText(
      'after',
      '\nSettings, strongest first, as spark-submit takes them:\n' +
        '  1. what the application sets in its code (master, appName, conf)\n' +
        '  2. --master and --name\n' +
        '  3. --conf\n' +
        '  4. the properties file\n' +
        '  Keys not starting with spark. are ignored, with a warning.\n' +
        '\nExamples:\n' +
        '  dstream run examples/network-word-count.ts localhost 9999\n' +
        '  dstream run --master local[2] --conf spark.streaming.backpressure.enabled=true app.ts\n' +
        '  dstream run --conf spark.streaming.receiver.writeAheadLog.enable=true examples/order-total.ts\n' +
        '  dstream run --properties-file conf/app.conf app.ts -- --verbose',
    )
    .action((file: string, args: string[], options: SubmitOptions) => run(file, args, options));
}

async function run(file: string, args: string[], options: SubmitOptions): Promise<void> {
  const path = resolve(file);
  if (!existsSync(path) || !statSync(path).isFile()) {
    note('run', `no such file: ${file} (resolved to ${path})`);
    process.exitCode = 1;
    return;
  }
  // The application reads its own arguments as any Node script does. A `--` right after the file
  // only separates them from dstream's own options.
  if (args[0] === '--') args = args.slice(1);
  process.argv = [process.argv[0]!, path, ...args];
  // Every context of the application (and of its task threads) reads them (applicationSettings).
  const settings = submittedSettings(file, options, (message) =>
    process.stderr.write(message + '\n'),
  );
  process.env[SUBMITTED_CONF_ENV] = JSON.stringify({ ...submittedConf(), ...settings });

  let finish: () => void = () => {};
  const shutdown = installShutdown(new Promise<void>((r) => (finish = r)));
  try {
    await import(pathToFileURL(path).href);
  } catch (e) {
    note('run', `${file} failed`);
    process.stderr.write(describe(e) + '\n');
    await shutdown.fail();
  } finally {
    finish();
  }
  // The application's module has finished, its streams may still run: Node exits once the event
  // loop is empty (signal handlers do not keep it alive).
}

/** The error, with a hint for the errors Node's type stripping raises. */
function describe(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  const text = e instanceof Error ? (e.stack ?? e.message) : String(e);
  if (code === 'ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX' || code === 'ERR_INVALID_TYPESCRIPT_SYNTAX') {
    return (
      text +
      "\nTypeScript files run with Node's type stripping: use only erasable syntax (no enum," +
      ' namespace or constructor parameter properties), or compile the file with tsc first.'
    );
  }
  if (code === 'ERR_UNKNOWN_FILE_EXTENSION') {
    return (
      text + '\nRunning .ts files needs Node 22.18 or later (type stripping); or compile first.'
    );
  }
  if (code === 'ERR_MODULE_NOT_FOUND' && /\.js'/.test(text)) {
    return text + '\nA TypeScript application imports its own files with their .ts extension.';
  }
  return text;
}
