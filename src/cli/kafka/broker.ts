import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DStreamError } from '../../errors.js';
import { defaultLibsDir, ensureKafkaJars, tail } from './jars.js';
import { brokerConfig, log4jConfig } from './config.js';

// A single-node Apache Kafka broker (KRaft: the JVM is its own controller) on 127.0.0.1, run from
// the Maven jars. Everything it writes is in its run directory:
//   server.properties, log4j2.properties   generated at each start from the options
//   data/                                  log.dirs: the KRaft metadata and the topics
//   broker.log                             the JVM's output (WARN and up, plus "Kafka Server started")
//   broker.pid                             the JVM's pid while it runs

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
    const { code, output } = await runToEnd('java', [
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
    ]);
    if (code !== 0) {
      throw new DStreamError(
        'DSTREAM_ERR_KAFKA_BROKER_START',
        `kafka.tools.StorageTool format failed (exit ${code}):\n${tail(output, 20)}`,
      );
    }
  }
  const log = openSync(logFile(runDir), 'a');
  const started = performance.now();
  // The options of bin/kafka-server-start.sh less the GC log and JMX, with a small heap.
  const heap = o.heap ?? '512m';
  const child = spawn(
    'java',
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
    // Detached, in its own process group: the broker outlives `dstream kafka start`.
    { detached: true, stdio: ['ignore', log, log] },
  );
  closeSync(log);
  let exited: string | undefined;
  let spawnError: NodeJS.ErrnoException | undefined;
  child.on('exit', (code, signal) => (exited = signal ?? `exit status ${code}`));
  child.on('error', (e) => (spawnError = e));
  child.unref();
  if (child.pid !== undefined) writeFileSync(pidFile(runDir), `${child.pid}\n`);
  const timeout = o.readyTimeoutMs ?? 60_000;
  // Kafka opens the client port only once the broker is unfenced, just before it logs "Kafka Server
  // started": a connection accepted there means ready. The controller port opens earlier.
  while (!(await accepts(o.port))) {
    if (spawnError !== undefined) throw javaMissing(spawnError);
    if (exited !== undefined) {
      rmSync(pidFile(runDir), { force: true });
      throw startFailed(runDir, `the broker exited during start-up (${exited})`);
    }
    if (performance.now() - started > timeout) {
      await stopBroker(runDir);
      throw startFailed(runDir, `the broker was not ready after ${timeout / 1000} s`);
    }
    await sleep(100);
  }
  return {
    running: true,
    pid: child.pid!,
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
  const status = brokerStatus(runDir);
  if (!status.running) {
    rmSync(pidFile(runDir), { force: true });
    return status;
  }
  const pid = status.pid!;
  process.kill(pid, 'SIGTERM');
  const started = performance.now();
  while (isOurBroker(pid, resolve(runDir))) {
    if (performance.now() - started > timeoutMs) {
      process.kill(pid, 'SIGKILL');
      await sleep(500);
      break;
    }
    await sleep(50);
  }
  rmSync(pidFile(runDir), { force: true });
  return status;
}

/** Whether the broker of `runDir` runs, from its pid file, checked against the process table. */
export function brokerStatus(runDir: string): BrokerStatus {
  const dir = resolve(runDir);
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile(dir), 'utf8').trim());
  } catch {
    return { running: false };
  }
  if (!Number.isInteger(pid) || !isOurBroker(pid, dir)) return { running: false };
  const port = configuredPort(dir);
  return { running: true, pid, port, bootstrap: `127.0.0.1:${port}` };
}

/**
 * True when `pid` is alive and is the broker of `runDir`, not a pid the system has reused. A
 * zombie (exited, not yet reaped by init once its parent is gone) counts as stopped.
 */
function isOurBroker(pid: number, runDir: string): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return false;
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return cmdline.includes('kafka.Kafka') && cmdline.includes(join(runDir, 'server.properties'));
  } catch {
    return false;
  }
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

function startFailed(runDir: string, what: string): DStreamError {
  let log = '';
  try {
    log = tail(readFileSync(logFile(runDir), 'utf8'), 30);
  } catch {
    // no log yet
  }
  return new DStreamError(
    'DSTREAM_ERR_KAFKA_BROKER_START',
    `${what}. The end of ${logFile(runDir)}:\n${log}\n` +
      'A port in use, a run directory formatted for another cluster (remove it) or too little ' +
      'memory (--heap) are the usual causes.',
  );
}

function javaMissing(e: NodeJS.ErrnoException): Error {
  if (e.code !== 'ENOENT') return e;
  return new DStreamError(
    'DSTREAM_ERR_KAFKA_SETUP',
    'java not found on PATH: install Java 17 or newer (the Kafka 4.1 broker runs on it).',
  );
}

/** Runs a command to its end, with its output; a missing `java` is a setup error. */
function runToEnd(command: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.on('error', (e) => fail(javaMissing(e)));
    child.on('close', (code) => done({ code: code ?? -1, output }));
  });
}

/** True when something accepts TCP connections on 127.0.0.1:`port`. */
export function accepts(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((done) => {
    const socket = createConnection({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

/** True when 127.0.0.1:`port` can be bound now. */
export function portFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
}

/** A port free now on 127.0.0.1 (the system picks it), for tests and `--port 0`. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
