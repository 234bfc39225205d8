import { randomBytes } from 'node:crypto';
import { mkdirSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DStreamError } from '../../errors.js';
import { tail } from '../services/maven.js';
import {
  runToEnd,
  runningPid,
  spawnJvm,
  stopProcess,
  waitUntilReady,
} from '../services/jvm-process.js';
import { accepts, portFree } from '../services/ports.js';
import { defaultLibsDir, ensureKafkaJars } from './jars.js';
import { brokerConfig, log4jConfig } from './config.js';

// A single-node Apache Kafka broker (KRaft: the JVM is its own controller) on 127.0.0.1, run from
// the Maven jars. Everything it writes is in its run directory:
//   server.properties, log4j2.properties   generated at each start from the options
//   data/                                  log.dirs: the KRaft metadata and the topics
//   broker.log                             the JVM's output (WARN and up, plus "Kafka Server started")
//   broker.pid                             the JVM's pid while it runs

export { accepts, freePort, portFree } from '../services/ports.js';

export interface BrokerOptions {
  runDir: string;
  /** The client (PLAINTEXT) port. */
  port: number;
  /** The KRaft controller port. */
  controllerPort: number;
  libsDir?: string;
  /** The JVM heap, -Xms and -Xmx (the verified broker idles at about 340 MB RSS with 512m). */
  heap?: string;
  readyTimeoutMs?: number;
  /** Progress lines (the first fetch, formatting); stderr in the CLI. */
  progress?: (message: string) => void;
}

export interface BrokerStatus {
  running: boolean;
  pid?: number;
  port?: number;
  bootstrap?: string;
}

const pidFile = (runDir: string) => join(runDir, 'broker.pid');
const logFile = (runDir: string) => join(runDir, 'broker.log');
/** What the broker's command line holds: a pid with another command line is not ours. */
const markers = (runDir: string) => ['kafka.Kafka', join(runDir, 'server.properties')];

const JAVA_MISSING = new DStreamError(
  'DSTREAM_ERR_KAFKA_SETUP',
  'java not found on PATH: install Java 17 or newer (the Kafka 4.1 broker runs on it).',
);

/** Formats the run directory on first use, starts the broker and waits until it takes clients. */
export async function startBroker(o: BrokerOptions): Promise<BrokerStatus & { readyMs: number }> {
  const runDir = resolve(o.runDir);
  const progress = o.progress ?? (() => {});
  const current = brokerStatus(runDir);
  if (current.running) return { ...current, readyMs: 0 };
  for (const port of [o.port, o.controllerPort]) {
    if (!(await portFree(port))) {
      throw new DStreamError(
        'DSTREAM_ERR_KAFKA_BROKER_START',
        `127.0.0.1:${port} is already in use by another process: stop it, or start the broker ` +
          `on other ports (dstream kafka start --port <port> --controller-port <port>).`,
      );
    }
  }
  const libsDir = o.libsDir ?? defaultLibsDir();
  await ensureKafkaJars(libsDir, progress);
  mkdirSync(join(runDir, 'data'), { recursive: true });
  writeFileSync(join(runDir, 'server.properties'), brokerConfig(runDir, o.port, o.controllerPort));
  writeFileSync(join(runDir, 'log4j2.properties'), log4jConfig());
  const classpath = join(libsDir, '*'); // the JVM expands the wildcard itself
  const logOption = `-Dlog4j2.configurationFile=${join(runDir, 'log4j2.properties')}`;
  if (!existsSync(join(runDir, 'data', 'meta.properties'))) {
    progress(`formatting ${join(runDir, 'data')} (KRaft, one node)`);
    // --standalone: this node is the single voter of a dynamic quorum (KIP-853), matching
    // controller.quorum.bootstrap.servers in server.properties.
    const { code, output } = await runToEnd(
      'java',
      [
        '-Xmx256m',
        logOption,
        '-cp',
        classpath,
        'kafka.tools.StorageTool',
        'format',
        '--standalone',
        '--cluster-id',
        clusterId(),
        '--config',
        join(runDir, 'server.properties'),
        '--ignore-formatted',
      ],
      JAVA_MISSING,
    );
    if (code !== 0) {
      throw new DStreamError(
        'DSTREAM_ERR_KAFKA_BROKER_START',
        `kafka.tools.StorageTool format failed (exit ${code}):\n${tail(output, 20)}`,
      );
    }
  }
  const started = performance.now();
  // The options of bin/kafka-server-start.sh less the GC log and JMX, with a small heap.
  const heap = o.heap ?? '512m';
  const jvm = spawnJvm(
    [
      `-Xms${heap}`,
      `-Xmx${heap}`,
      '-server',
      '-XX:+UseG1GC',
      '-XX:MaxGCPauseMillis=20',
      '-XX:InitiatingHeapOccupancyPercent=35',
      '-XX:+ExplicitGCInvokesConcurrent',
      '-Djava.awt.headless=true',
      `-Dkafka.logs.dir=${runDir}`,
      logOption,
      '-cp',
      classpath,
      'kafka.Kafka',
      join(runDir, 'server.properties'),
    ],
    logFile(runDir),
    pidFile(runDir),
  );
  // Kafka opens the client port only once the broker is unfenced, just before it logs "Kafka Server
  // started": a connection accepted there means ready. The controller port opens earlier.
  await waitUntilReady(jvm, () => accepts(o.port), o.readyTimeoutMs ?? 60_000, {
    code: 'DSTREAM_ERR_KAFKA_BROKER_START',
    server: 'the broker',
    logFile: logFile(runDir),
    pidFile: pidFile(runDir),
    hint:
      'A port in use, a run directory formatted for another cluster (remove it) or too little ' +
      'memory (--heap) are the usual causes.',
    javaMissing: JAVA_MISSING,
    stop: () => stopBroker(runDir),
  });
  return {
    running: true,
    pid: jvm.pid!,
    port: o.port,
    bootstrap: `127.0.0.1:${o.port}`,
    readyMs: Math.round(performance.now() - started),
  };
}

/**
 * Stops the broker of `runDir` with SIGTERM (a controlled shutdown; the JVM exits with status 143,
 * which is normal) and waits for it to exit, sending SIGKILL after `timeoutMs`.
 */
export async function stopBroker(runDir: string, timeoutMs = 30_000): Promise<BrokerStatus> {
  const dir = resolve(runDir);
  const status = brokerStatus(dir);
  if (!status.running) {
    rmSync(pidFile(dir), { force: true });
    return status;
  }
  await stopProcess(status.pid!, markers(dir), pidFile(dir), timeoutMs);
  return status;
}

/** Whether the broker of `runDir` runs, from its pid file, checked against the process table. */
export function brokerStatus(runDir: string): BrokerStatus {
  const dir = resolve(runDir);
  const pid = runningPid(pidFile(dir), markers(dir));
  if (pid === undefined) return { running: false };
  const port = configuredPort(dir);
  return { running: true, pid, port, bootstrap: `127.0.0.1:${port}` };
}

function configuredPort(runDir: string): number {
  const text = readFileSync(join(runDir, 'server.properties'), 'utf8');
  const m = /^listeners=PLAINTEXT:\/\/127\.0\.0\.1:(\d+)/m.exec(text);
  return Number(m?.[1]);
}

/** A KRaft cluster id: 16 random bytes, base64url. One starting with '-' reads as a flag. */
function clusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}
