import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DStreamError } from '../../errors.js';
import { runningPid, spawnJvm, stopProcess, waitUntilReady } from '../services/jvm-process.js';
import { tail } from '../services/maven.js';
import { accepts, portFree } from '../services/ports.js';
import { JAVA17_FLAGS, hbaseSite, log4jConfig, restPortIn, type HBasePorts } from './config.js';
import { LAUNCHER, classesDir, defaultLibsDir, ensureHBaseJars } from './jars.js';

// A standalone HBase (master, one region server, ZooKeeper) with its REST gateway, in one JVM on
// 127.0.0.1, run from the Maven jars. Everything it writes is in its run directory:
//   conf/hbase-site.xml, conf/log4j2.properties   generated at each start from the options
//   root/ (hbase.rootdir), zk/, tmp/               the data: it survives stop and start
//   hbase.log                                      the JVM's output (WARN and up, start and stop)
//   hbase.pid                                      the JVM's pid while it runs

export interface HBaseOptions extends HBasePorts {
  runDir: string;
  libsDir?: string;
  /** The JVM heap, -Xms and -Xmx (about 0.45 GB RSS idle with 512m). */
  heap?: string;
  readyTimeoutMs?: number;
  /** Progress lines (the first fetch); stderr in the CLI. */
  progress?: (message: string) => void;
}

export interface HBaseStatus {
  running: boolean;
  pid?: number;
  /** The REST gateway: `http://127.0.0.1:18080`. */
  rest?: string;
}

const pidFile = (runDir: string) => join(runDir, 'hbase.pid');
const logFile = (runDir: string) => join(runDir, 'hbase.log');
const siteFile = (runDir: string) => join(runDir, 'conf', 'hbase-site.xml');
/** What the JVM's command line holds: a pid with another command line is not ours. */
const markers = (runDir: string) => [LAUNCHER, `-Ddstream.hbase.run=${runDir}`];
const restUrl = (port: number) => `http://127.0.0.1:${port}`;

const JAVA_MISSING = new DStreamError(
  'DSTREAM_ERR_HBASE_SETUP',
  'java not found on PATH: install Java 17 or newer (HBase 2.6 runs on it).',
);

/** Starts HBase and waits until its REST gateway takes clients (about 9 s on a fresh run dir). */
export async function startHBase(o: HBaseOptions): Promise<HBaseStatus & { readyMs: number }> {
  const runDir = resolve(o.runDir);
  const current = hbaseStatus(runDir);
  if (current.running) return { ...current, readyMs: 0 };
  for (const port of [o.rest, o.zookeeper, o.master, o.regionServer]) {
    if (!(await portFree(port))) {
      throw new DStreamError(
        'DSTREAM_ERR_HBASE_START',
        `127.0.0.1:${port} is already in use by another process: stop it, or start HBase on ` +
          'other ports (dstream hbase start --rest-port, --zk-port, --master-port, --rs-port).',
      );
    }
  }
  const libsDir = resolve(o.libsDir ?? defaultLibsDir());
  await ensureHBaseJars(libsDir, o.progress ?? (() => {}));
  mkdirSync(join(runDir, 'conf'), { recursive: true });
  writeFileSync(siteFile(runDir), hbaseSite(runDir, o));
  writeFileSync(join(runDir, 'conf', 'log4j2.properties'), log4jConfig());
  const log = logFile(runDir);
  const logStart = fileSize(log);
  const heap = o.heap ?? '512m';
  const started = performance.now();
  const jvm = spawnJvm(
    [
      `-Xms${heap}`,
      `-Xmx${heap}`,
      '-XX:+UseG1GC',
      '-Djava.awt.headless=true',
      '-Djava.net.preferIPv4Stack=true',
      `-Ddstream.hbase.run=${runDir}`,
      ...JAVA17_FLAGS,
      `-Dlog4j2.configurationFile=${join(runDir, 'conf', 'log4j2.properties')}`,
      '-cp',
      // conf first: HBaseConfiguration.create() reads hbase-site.xml from the classpath.
      [join(runDir, 'conf'), classesDir(libsDir), join(libsDir, '*')].join(':'),
      LAUNCHER,
    ],
    log,
    pidFile(runDir),
  );
  const stop = () => stopHBase(runDir);
  // The launcher opens the REST port only once the master has initialized: accepted = ready.
  const ready = async (): Promise<boolean> => {
    if (await accepts(o.rest)) return true;
    // An aborted master does not end the JVM (the region server's thread lives on): fail fast.
    const output = readFrom(log, logStart);
    if (output.includes('ABORTING master')) {
      await stop();
      throw new DStreamError(
        'DSTREAM_ERR_HBASE_START',
        `the HBase master aborted during start-up. The end of ${log}:\n${tail(output, 30)}`,
      );
    }
    return false;
  };
  await waitUntilReady(jvm, ready, o.readyTimeoutMs ?? 120_000, {
    code: 'DSTREAM_ERR_HBASE_START',
    server: 'HBase',
    logFile: log,
    pidFile: pidFile(runDir),
    hint:
      'A port in use, too little memory (--heap) or a run directory of another HBase version ' +
      '(remove it) are the usual causes.',
    javaMissing: JAVA_MISSING,
    stop,
  });
  return {
    running: true,
    pid: jvm.pid!,
    rest: restUrl(o.rest),
    readyMs: Math.round(performance.now() - started),
  };
}

/**
 * Stops the HBase of `runDir` with SIGTERM (its shutdown hooks close the regions, flushing their
 * memstores) and waits for the JVM to exit, sending SIGKILL after `timeoutMs`.
 */
export async function stopHBase(runDir: string, timeoutMs = 30_000): Promise<HBaseStatus> {
  const dir = resolve(runDir);
  const status = hbaseStatus(dir);
  if (!status.running) {
    rmSync(pidFile(dir), { force: true });
    return status;
  }
  await stopProcess(status.pid!, markers(dir), pidFile(dir), timeoutMs);
  return status;
}

/** Whether the HBase of `runDir` runs, from its pid file, checked against the process table. */
export function hbaseStatus(runDir: string): HBaseStatus {
  const dir = resolve(runDir);
  const pid = runningPid(pidFile(dir), markers(dir));
  if (pid === undefined) return { running: false };
  return { running: true, pid, rest: restUrl(restPortIn(readFileSync(siteFile(dir), 'utf8'))) };
}

function fileSize(path: string): number {
  return statSync(path, { throwIfNoEntry: false })?.size ?? 0;
}

/** What `path` holds from byte `start` on: this start's output, not an earlier run's. */
function readFrom(path: string, start: number): string {
  try {
    return readFileSync(path).subarray(start).toString('utf8');
  } catch {
    return '';
  }
}
