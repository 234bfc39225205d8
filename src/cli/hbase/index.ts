import { Command } from 'commander';
import { note, parsePort } from '../options.js';
import { HBASE_VERSION, defaultLibsDir } from './jars.js';
import { hbaseStatus, startHBase, stopHBase } from './server.js';

// `dstream hbase start|stop|status`: a development HBase, as bin/start-hbase.sh runs a standalone
// one, with its REST gateway (bin/hbase rest start), from jars Maven fetches once.

const DEFAULT_RUN_DIR = '.dstream/hbase';

interface StartOptions {
  restPort: number;
  zkPort: number;
  masterPort: number;
  rsPort: number;
  runDir: string;
  libsDir: string;
  heap: string;
}

const hbaseNote = (message: string): void => note('hbase', message);

/** `dstream hbase`: a standalone HBase with its REST gateway, for development and tests. */
export function hbaseCommand(): Command {
  return new Command('hbase')
    .summary('run a development HBase with its REST gateway (start, stop, status)')
    .description(
      `A standalone Apache HBase ${HBASE_VERSION} (master, one region server and ZooKeeper in one ` +
        'JVM) with its REST gateway, on 127.0.0.1, for development and tests. The HBase sink ' +
        '(dstream/sinks/hbase) writes through the REST gateway.',
    )
    .addCommand(startCommand())
    .addCommand(stopCommand())
    .addCommand(statusCommand());
}

function startCommand(): Command {
  return new Command('start')
    .summary(`start a standalone HBase ${HBASE_VERSION} and its REST gateway on 127.0.0.1`)
    .description(
      `Start Apache HBase ${HBASE_VERSION} standalone with its REST gateway on 127.0.0.1 and wait ` +
        'until the gateway takes clients (about 10 s), then print its URL. The first start ' +
        'fetches HBase with Maven and compiles its launcher (Java 17+ JDK and Maven on PATH); ' +
        'the jars stay in ~/.m2 and the libs folder. Tables persist in the run directory.',
    )
    .option('--rest-port <port>', 'the REST gateway port', parsePort, 18080)
    .option('--zk-port <port>', 'the ZooKeeper client port', parsePort, 12181)
    .option('--master-port <port>', 'the master RPC port', parsePort, 16000)
    .option('--rs-port <port>', 'the region server RPC port', parsePort, 16020)
    .option('--run-dir <dir>', 'configuration, data, log and pid file', DEFAULT_RUN_DIR)
    .option('--libs-dir <dir>', 'where the HBase jars are kept', defaultLibsDir())
    .option('--heap <size>', 'the JVM heap (-Xmx)', '512m')
    .action(async (o: StartOptions) => {
      const status = await startHBase({
        runDir: o.runDir,
        rest: o.restPort,
        zookeeper: o.zkPort,
        master: o.masterPort,
        regionServer: o.rsPort,
        libsDir: o.libsDir,
        heap: o.heap,
        progress: hbaseNote,
      });
      hbaseNote(
        status.readyMs === 0
          ? `already running, pid ${status.pid}`
          : `started, pid ${status.pid}, ready in ${(status.readyMs / 1000).toFixed(1)} s ` +
              `(stop it with: dstream hbase stop${runDirFlag(o.runDir)})`,
      );
      process.stdout.write(`${status.rest}\n`);
    });
}

function stopCommand(): Command {
  return new Command('stop')
    .summary('stop the HBase of a run directory (SIGTERM, then wait for it to exit)')
    .option('--run-dir <dir>', 'the run directory of `dstream hbase start`', DEFAULT_RUN_DIR)
    .action(async (o: { runDir: string }) => {
      const was = await stopHBase(o.runDir);
      hbaseNote(was.running ? `stopped, pid ${was.pid}` : `not running in ${o.runDir}`);
    });
}

function statusCommand(): Command {
  return new Command('status')
    .summary('say whether the HBase of a run directory runs (exit status 1 if not)')
    .option('--run-dir <dir>', 'the run directory of `dstream hbase start`', DEFAULT_RUN_DIR)
    .action((o: { runDir: string }) => {
      const s = hbaseStatus(o.runDir);
      if (s.running) {
        process.stdout.write(`running, pid ${s.pid}, REST gateway ${s.rest}\n`);
      } else {
        process.stdout.write(`not running (${o.runDir})\n`);
        process.exitCode = 1;
      }
    });
}

function runDirFlag(runDir: string): string {
  return runDir === DEFAULT_RUN_DIR ? '' : ` --run-dir ${runDir}`;
}
