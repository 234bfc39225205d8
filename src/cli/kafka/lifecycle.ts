import { Command } from 'commander';
import { note, parsePort } from '../options.js';
import { brokerStatus, startBroker, stopBroker } from './broker.js';
import { KAFKA_VERSION, defaultLibsDir } from './jars.js';

// `dstream kafka start|stop|status`: a development broker, as bin/kafka-server-start.sh and
// kafka-server-stop.sh run one, from jars Maven fetches once.

const DEFAULT_RUN_DIR = '.dstream/kafka';

interface StartOptions {
  port: number;
  controllerPort: number;
  runDir: string;
  libsDir: string;
  heap: string;
}

const kafkaNote = (message: string): void => note('kafka', message);

export function startCommand(): Command {
  return new Command('start')
    .summary(`start a single-node Kafka ${KAFKA_VERSION} broker on 127.0.0.1`)
    .description(
      `Start Apache Kafka ${KAFKA_VERSION} (KRaft, one node that is its own controller) on ` +
        '127.0.0.1 and wait until it accepts clients, then print its bootstrap address. The first ' +
        'start fetches the broker with Maven (Java 17+ and Maven on PATH); the jars stay in ' +
        '~/.m2 and the libs folder. Topics and offsets persist in the run directory.',
    )
    .option('-p, --port <port>', 'the client (PLAINTEXT) port', parsePort, 9092)
    .option('--controller-port <port>', 'the KRaft controller port', parsePort, 9093)
    .option('--run-dir <dir>', 'configuration, data, log and pid file', DEFAULT_RUN_DIR)
    .option('--libs-dir <dir>', 'where the broker jars are kept', defaultLibsDir())
    .option('--heap <size>', 'the JVM heap (-Xmx)', '512m')
    .action(async (o: StartOptions) => {
      const status = await startBroker({
        runDir: o.runDir,
        port: o.port,
        controllerPort: o.controllerPort,
        libsDir: o.libsDir,
        heap: o.heap,
        progress: kafkaNote,
      });
      kafkaNote(
        status.readyMs === 0
          ? `already running, pid ${status.pid}`
          : `started, pid ${status.pid}, ready in ${(status.readyMs / 1000).toFixed(1)} s ` +
              `(stop it with: dstream kafka stop${runDirFlag(o.runDir)})`,
      );
      process.stdout.write(`${status.bootstrap}\n`);
    });
}

export function stopCommand(): Command {
  return new Command('stop')
    .summary('stop the broker of a run directory (SIGTERM, then wait for it to exit)')
    .option('--run-dir <dir>', 'the run directory of `dstream kafka start`', DEFAULT_RUN_DIR)
    .action(async (o: { runDir: string }) => {
      const was = await stopBroker(o.runDir);
      kafkaNote(was.running ? `stopped, pid ${was.pid}` : `not running in ${o.runDir}`);
    });
}

export function statusCommand(): Command {
  return new Command('status')
    .summary('say whether the broker of a run directory runs (exit status 1 if not)')
    .option('--run-dir <dir>', 'the run directory of `dstream kafka start`', DEFAULT_RUN_DIR)
    .action((o: { runDir: string }) => {
      const s = brokerStatus(o.runDir);
      if (s.running) {
        process.stdout.write(`running, pid ${s.pid}, port ${s.port} (${s.bootstrap})\n`);
      } else {
        process.stdout.write(`not running (${o.runDir})\n`);
        process.exitCode = 1;
      }
    });
}

function runDirFlag(runDir: string): string {
  return runDir === DEFAULT_RUN_DIR ? '' : ` --run-dir ${runDir}`;
}
