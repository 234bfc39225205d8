import { Command, InvalidArgumentError } from 'commander';
import { note } from '../options.js';
import { agentStatus, startAgent, stopAgent } from './agent.js';
import { FLUME_VERSION, defaultLibsDir, defaultSparkSinkLibsDir } from './jars.js';

// `dstream flume start|stop|status`: a Flume agent, as `bin/flume-ng agent -n a1 -f <file>` runs
// one, from jars Maven fetches once (Spark's SparkSink among them when the configuration has one).

const DEFAULT_RUN_DIR = '.dstream/flume';

interface StartOptions {
  confFile: string;
  name: string;
  set: Record<string, string>;
  runDir: string;
  libsDir: string;
  sparkSinkLibsDir: string;
  heap: string;
}

const flumeNote = (message: string): void => note('flume', message);

function collectSetting(value: string, previous: Record<string, string>): Record<string, string> {
  const at = value.indexOf('=');
  if (at <= 0) throw new InvalidArgumentError('Expected key=value, such as sinks.k1.port=41414.');
  return { ...previous, [value.slice(0, at).trim()]: value.slice(at + 1).trim() };
}

/** `dstream flume`: a Flume agent for development and tests. */
export function flumeCommand(): Command {
  return new Command('flume')
    .summary('run a development Flume agent from a configuration file (start, stop, status)')
    .description(
      `An Apache Flume ${FLUME_VERSION} agent on this machine, for the Flume streams ` +
        '(dstream/flume): its sources, channels and sinks come from a configuration file, as ' +
        "with bin/flume-ng agent. Spark's SparkSink (the polling stream's sink) is put on its " +
        'classpath when the configuration names it.',
    )
    .addCommand(startCommand())
    .addCommand(stopCommand())
    .addCommand(statusCommand())
    .addHelpText(
      'after',
      '\nThe examples, push and pull (each file says which agent to start):\n' +
        '  dstream run examples/flume-push-word-count.ts 127.0.0.1 41414\n' +
        '  dstream flume start --conf-file examples/flume-push-word-count.properties\n' +
        '  dstream flume start --conf-file examples/flume-poll-word-count.properties\n' +
        '  dstream run examples/flume-poll-word-count.ts 127.0.0.1 41415',
    );
}

function startCommand(): Command {
  return new Command('start')
    .summary(`start a Flume ${FLUME_VERSION} agent from a configuration file`)
    .description(
      `Start an Apache Flume ${FLUME_VERSION} agent (Java 17+) from a configuration file and wait ` +
        'until its sinks and sources have started and its SparkSinks accept connections. The ' +
        'first start fetches Flume (and the SparkSink) with Maven; the jars stay in ~/.m2 and ' +
        'the libs folders. Runs in the background: stop it with dstream flume stop.',
    )
    .requiredOption('-f, --conf-file <file>', 'the agent configuration file (flume-ng -f)')
    .option('-n, --name <name>', 'the agent name in the file (flume-ng -n)', 'a1')
    .option(
      '--set <key=value>',
      "a setting of the agent that replaces the file's, e.g. sinks.k1.port=41414 (repeatable)",
      collectSetting,
      {},
    )
    .option('--run-dir <dir>', 'configuration, log and pid file', DEFAULT_RUN_DIR)
    .option('--libs-dir <dir>', 'where the Flume jars are kept', defaultLibsDir())
    .option(
      '--spark-sink-libs-dir <dir>',
      'where the SparkSink jars are kept',
      defaultSparkSinkLibsDir(),
    )
    .option('--heap <size>', 'the JVM heap (-Xmx)', '256m')
    .action(async (o: StartOptions) => {
      const status = await startAgent({
        runDir: o.runDir,
        confFile: o.confFile,
        name: o.name,
        overrides: o.set,
        libsDir: o.libsDir,
        sparkSinkLibsDir: o.sparkSinkLibsDir,
        heap: o.heap,
        progress: flumeNote,
      });
      flumeNote(
        status.readyMs === 0
          ? `already running, pid ${status.pid}`
          : `agent ${o.name} started, pid ${status.pid}, ready in ${(status.readyMs / 1000).toFixed(1)} s ` +
              `(stop it with: dstream flume stop${runDirFlag(o.runDir)})`,
      );
      for (const s of status.sparkSinks ?? []) {
        process.stdout.write(`SparkSink ${s.name} at ${s.host}:${s.port}\n`);
      }
    });
}

function stopCommand(): Command {
  return new Command('stop')
    .summary('stop the agent of a run directory (SIGTERM, then wait for it to exit)')
    .option('--run-dir <dir>', 'the run directory of `dstream flume start`', DEFAULT_RUN_DIR)
    .action(async (o: { runDir: string }) => {
      const was = await stopAgent(o.runDir);
      flumeNote(was.running ? `stopped, pid ${was.pid}` : `not running in ${o.runDir}`);
    });
}

function statusCommand(): Command {
  return new Command('status')
    .summary('say whether the agent of a run directory runs (exit status 1 if not)')
    .option('--run-dir <dir>', 'the run directory of `dstream flume start`', DEFAULT_RUN_DIR)
    .action((o: { runDir: string }) => {
      const s = agentStatus(o.runDir);
      if (s.running) {
        const sinks = (s.sparkSinks ?? []).map((k) => `, SparkSink ${k.host}:${k.port}`).join('');
        process.stdout.write(`running, pid ${s.pid}, agent ${s.name ?? '?'}${sinks}\n`);
      } else {
        process.stdout.write(`not running (${o.runDir})\n`);
        process.exitCode = 1;
      }
    });
}

function runDirFlag(runDir: string): string {
  return runDir === DEFAULT_RUN_DIR ? '' : ` --run-dir ${runDir}`;
}
