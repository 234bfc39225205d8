import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DStreamError } from '../../errors.js';
import { runningPid, spawnJvm, stopProcess, waitUntilReady } from '../services/jvm-process.js';
import { accepts, portFree } from '../services/ports.js';
import { clusterHealthy } from './health.js';

// A single-node search server (OpenSearch for `dstream opensearch`, Elasticsearch for the test
// suite) started from Maven jars by a small Java main, on 127.0.0.1. Everything it writes is in
// its run directory:
//   home/config/<server>.yml, log4j2.properties   copied at each start
//   data/ logs/ tmp/                             path.data, path.logs, java.io.tmpdir
//   node.log  node.pid  http.port                its output, its pid while it runs, its port

/** What differs between the servers. */
export interface SearchServer {
  /** For messages: `OpenSearch`. */
  readonly name: string;
  /** The launcher's class. */
  readonly main: string;
  /** The folder with `<configFile>` and `log4j2.properties`. */
  readonly configDir: string;
  readonly configFile: string;
  /** Fetches and compiles what is missing; the JVM options that find the jars and the launcher. */
  readonly prepare: (
    libsDir: string,
    home: string,
    progress: (m: string) => void,
  ) => Promise<string[]>;
  /** JVM flags besides the heap, the log configuration and the temporary folder. */
  readonly jvmFlags: readonly string[];
  /** How a user starts it on other ports, for the "port in use" message. */
  readonly otherPorts: string;
}

export interface SearchNodeOptions {
  runDir: string;
  /** The HTTP port. */
  port: number;
  /** The transport (node-to-node) port; nothing connects to it on a single node. */
  transportPort: number;
  libsDir: string;
  /** The JVM heap, -Xms and -Xmx (a 512m OpenSearch node idles at about 370 MB RSS). */
  heap?: string;
  readyTimeoutMs?: number;
  progress?: (message: string) => void;
}

export interface SearchNodeStatus {
  running: boolean;
  pid?: number;
  port?: number;
  /** `http://127.0.0.1:<port>`. */
  url?: string;
}

const pidFile = (runDir: string) => join(runDir, 'node.pid');
const logFile = (runDir: string) => join(runDir, 'node.log');
const portFile = (runDir: string) => join(runDir, 'http.port');
/** What the JVM's command line holds: a pid with another command line is not ours. */
const markers = (server: SearchServer, runDir: string) => [server.main, join(runDir, 'home')];

/** Starts the node of `runDir` unless it runs, and waits until its cluster is yellow or green. */
export async function startSearchNode(
  server: SearchServer,
  o: SearchNodeOptions,
): Promise<SearchNodeStatus & { readyMs: number }> {
  const runDir = resolve(o.runDir);
  const progress = o.progress ?? (() => {});
  const current = searchNodeStatus(server, runDir);
  if (current.running) return { ...current, readyMs: 0 };
  for (const port of [o.port, o.transportPort]) {
    if (!(await portFree(port))) {
      throw new DStreamError(
        'DSTREAM_ERR_SEARCH_SERVER_START',
        `127.0.0.1:${port} is already in use by another process: stop it, or start ${server.name} on other ports (${server.otherPorts}).`,
      );
    }
  }
  const home = join(runDir, 'home');
  for (const dir of ['config', '../data', '../logs', '../tmp']) {
    mkdirSync(join(home, dir), { recursive: true });
  }
  const where = await server.prepare(resolve(o.libsDir), home, progress);
  copyFileSync(join(server.configDir, server.configFile), join(home, 'config', server.configFile));
  copyFileSync(
    join(server.configDir, 'log4j2.properties'),
    join(home, 'config', 'log4j2.properties'),
  );
  writeFileSync(portFile(runDir), `${o.port}\n`);
  const heap = o.heap ?? '512m';
  const started = performance.now();
  const jvm = spawnJvm(
    [
      `-Xms${heap}`,
      `-Xmx${heap}`,
      ...server.jvmFlags,
      `-Djava.io.tmpdir=${join(runDir, 'tmp')}`,
      `-Dlog4j2.configurationFile=${join(home, 'config', 'log4j2.properties')}`,
      ...where,
      server.main,
      home,
      `-Epath.data=${join(runDir, 'data')}`,
      `-Epath.logs=${join(runDir, 'logs')}`,
      `-Ehttp.port=${o.port}`,
      `-Etransport.port=${o.transportPort}`,
    ],
    logFile(runDir),
    pidFile(runDir),
  );
  const ready = async () => (await accepts(o.port)) && clusterHealthy(o.port);
  await waitUntilReady(jvm, ready, o.readyTimeoutMs ?? 90_000, {
    code: 'DSTREAM_ERR_SEARCH_SERVER_START',
    server: server.name,
    logFile: logFile(runDir),
    pidFile: pidFile(runDir),
    hint:
      'A port in use, a data folder another version wrote (remove the run directory) or too ' +
      'little memory (--heap) are the usual causes.',
    javaMissing: new DStreamError(
      'DSTREAM_ERR_SEARCH_SERVER_SETUP',
      `java not found on PATH: install Java 17 or newer (${server.name} runs on it).`,
    ),
    stop: () => stopSearchNode(server, runDir),
  });
  return {
    running: true,
    pid: jvm.pid!,
    port: o.port,
    url: `http://127.0.0.1:${o.port}`,
    readyMs: Math.round(performance.now() - started),
  };
}

/** Stops the node of `runDir` with SIGTERM (it flushes and closes), SIGKILL after `timeoutMs`. */
export async function stopSearchNode(
  server: SearchServer,
  runDir: string,
  timeoutMs = 30_000,
): Promise<SearchNodeStatus> {
  const dir = resolve(runDir);
  const status = searchNodeStatus(server, dir);
  if (!status.running) {
    rmSync(pidFile(dir), { force: true });
    return status;
  }
  await stopProcess(status.pid!, markers(server, dir), pidFile(dir), timeoutMs);
  return status;
}

/** Whether the node of `runDir` runs, from its pid file, checked against the process table. */
export function searchNodeStatus(server: SearchServer, runDir: string): SearchNodeStatus {
  const dir = resolve(runDir);
  const pid = runningPid(pidFile(dir), markers(server, dir));
  if (pid === undefined) return { running: false };
  const port = Number(readFileSync(portFile(dir), 'utf8').trim());
  return { running: true, pid, port, url: `http://127.0.0.1:${port}` };
}
