import { Command } from 'commander';
import { note, parsePort } from '../options.js';
import { OPENSEARCH_VERSION, defaultLibsDir } from './jars.js';
import { openSearchStatus, startOpenSearch, stopOpenSearch } from './node.js';

// `dstream opensearch start|stop|status`: a development search server for dstream/sinks/elasticsearch
// (OpenSearch speaks the bulk and search API the sink uses), from jars Maven fetches once.

const DEFAULT_RUN_DIR = '.dstream/opensearch';

interface StartOptions {
  port: number;
  transportPort: number;
  runDir: string;
  libsDir: string;
  heap: string;
}

const say = (message: string): void => note('opensearch', message);

function startCommand(): Command {
  return new Command('start')
    .summary(`start a single-node OpenSearch ${OPENSEARCH_VERSION} on 127.0.0.1`)
    .description(
      `Start OpenSearch ${OPENSEARCH_VERSION} (one node, plain HTTP, no security plugin) on ` +
        '127.0.0.1 and wait until its cluster is ready, then print its URL. The first start ' +
        'fetches it with Maven and compiles its launcher (Java 17+ JDK and Maven on PATH); the ' +
        'jars stay in ~/.m2 and the libs folder. Indices persist in the run directory.',
    )
    .option('-p, --port <port>', 'the HTTP port', parsePort, 9200)
    .option('--transport-port <port>', 'the transport (node-to-node) port', parsePort, 9300)
    .option('--run-dir <dir>', 'configuration, data, log and pid file', DEFAULT_RUN_DIR)
    .option('--libs-dir <dir>', 'where the OpenSearch jars are kept', defaultLibsDir())
    .option('--heap <size>', 'the JVM heap (-Xms and -Xmx)', '512m')
    .action(async (o: StartOptions) => {
      const status = await startOpenSearch({ ...o, progress: say });
      say(
        status.readyMs === 0
          ? `already running, pid ${status.pid}`
          : `started, pid ${status.pid}, ready in ${(status.readyMs / 1000).toFixed(1)} s ` +
              `(stop it with: dstream opensearch stop${runDirFlag(o.runDir)})`,
      );
      process.stdout.write(`${status.url}\n`);
    });
}

function stopCommand(): Command {
  return new Command('stop')
    .summary('stop the OpenSearch node of a run directory (SIGTERM, then wait for it to exit)')
    .option('--run-dir <dir>', 'the run directory of `dstream opensearch start`', DEFAULT_RUN_DIR)
    .action(async (o: { runDir: string }) => {
      const was = await stopOpenSearch(o.runDir);
      say(was.running ? `stopped, pid ${was.pid}` : `not running in ${o.runDir}`);
    });
}

function statusCommand(): Command {
  return new Command('status')
    .summary('say whether the OpenSearch node of a run directory runs (exit status 1 if not)')
    .option('--run-dir <dir>', 'the run directory of `dstream opensearch start`', DEFAULT_RUN_DIR)
    .action((o: { runDir: string }) => {
      const s = openSearchStatus(o.runDir);
      if (s.running) {
        process.stdout.write(`running, pid ${s.pid}, ${s.url}\n`);
      } else {
        process.stdout.write(`not running (${o.runDir})\n`);
        process.exitCode = 1;
      }
    });
}

function runDirFlag(runDir: string): string {
  return runDir === DEFAULT_RUN_DIR ? '' : ` --run-dir ${runDir}`;
}

/** `dstream opensearch`: a development OpenSearch node for the Elasticsearch sink. */
export function opensearchCommand(): Command {
  return new Command('opensearch')
    .summary('run a development OpenSearch node (for dstream/sinks/elasticsearch)')
    .description(
      `A single-node OpenSearch ${OPENSEARCH_VERSION} for development and tests (start, stop, ` +
        'status): it serves the bulk and search API of Elasticsearch that ' +
        'dstream/sinks/elasticsearch writes with.',
    )
    .addCommand(startCommand())
    .addCommand(stopCommand())
    .addCommand(statusCommand())
    .addHelpText(
      'after',
      '\nThe seed\'s "recent data" store:\n' +
        '  dstream opensearch start            # http://127.0.0.1:9200\n' +
        '  dstream run examples/orders-to-elasticsearch.ts 127.0.0.1:9092 orders http://127.0.0.1:9200',
    );
}
