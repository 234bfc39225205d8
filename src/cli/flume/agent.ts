import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DStreamError } from '../../errors.js';
import { packageRoot } from '../services/maven.js';
import { runningPid, spawnJvm, stopProcess, waitUntilReady } from '../services/jvm-process.js';
import { accepts } from '../services/ports.js';
import { agentConfig, agentPlan, type SparkSinkAddress } from './config.js';
import { defaultLibsDir, defaultSparkSinkLibsDir, ensureFlumeJars } from './jars.js';

// A Flume agent, as `bin/flume-ng agent -n <name> -f <file>` runs one, from the Maven jars (Java
// 17, no flags). Everything it writes is in its run directory:
//   agent.properties    the configuration file with the --set settings applied
//   log4j2.properties   console logging at INFO (dstream reads the start-up lines)
//   agent.log           the JVM's output
//   agent.pid           the JVM's pid while it runs

export interface AgentOptions {
  runDir: string;
  /** The agent's configuration file. */
  confFile: string;
  /** The agent's name in it (`-n`). */
  name: string;
  /** Settings that replace or extend the file's, relative to the agent: `sinks.k1.port`. */
  overrides?: Readonly<Record<string, string>>;
  libsDir?: string;
  sparkSinkLibsDir?: string;
  /** The JVM heap (-Xmx); the verified agent idles at about 106 MiB RSS with 256m. */
  heap?: string;
  readyTimeoutMs?: number;
  progress?: (message: string) => void;
}

export interface AgentStatus {
  running: boolean;
  pid?: number;
  name?: string;
  /** The SparkSinks of its configuration: where a polling stream finds them. */
  sparkSinks?: readonly SparkSinkAddress[];
}

const confPath = (runDir: string) => join(runDir, 'agent.properties');
const pidFile = (runDir: string) => join(runDir, 'agent.pid');
const logFile = (runDir: string) => join(runDir, 'agent.log');
const markers = (runDir: string) => ['org.apache.flume.node.Application', confPath(runDir)];

const JAVA_MISSING = new DStreamError(
  'DSTREAM_ERR_FLUME_SETUP',
  'java not found on PATH: install Java 17 or newer (the Flume 1.11 agent runs on it).',
);

/**
 * Starts the agent and waits until it has started its sinks and sources, and every SparkSink of
 * its configuration accepts connections.
 */
export async function startAgent(o: AgentOptions): Promise<AgentStatus & { readyMs: number }> {
  const runDir = resolve(o.runDir);
  const current = agentStatus(runDir);
  if (current.running) return { ...current, readyMs: 0 };
  const text = agentConfig(o.confFile, o.name, o.overrides);
  const plan = agentPlan(text, o.name);
  const libsDir = o.libsDir ?? defaultLibsDir();
  const sparkSinkLibs =
    plan.sparkSinks.length > 0 ? (o.sparkSinkLibsDir ?? defaultSparkSinkLibsDir()) : undefined;
  await ensureFlumeJars(libsDir, sparkSinkLibs, o.progress ?? (() => {}));
  mkdirSync(runDir, { recursive: true });
  writeFileSync(confPath(runDir), text);
  copyFileSync(join(packageRoot, 'flume', 'log4j2.properties'), join(runDir, 'log4j2.properties'));
  writeFileSync(logFile(runDir), '');
  // SparkSink's extras after Flume's jars: its NettyServer from avro-ipc 1.8.2, the rest of Avro
  // from Flume's 1.11 (flume/pom-sparksink.xml).
  const classpath = [join(libsDir, '*'), ...(sparkSinkLibs ? [join(sparkSinkLibs, '*')] : [])];
  const started = performance.now();
  const jvm = spawnJvm(
    [
      `-Xmx${o.heap ?? '256m'}`,
      `-Dlog4j2.configurationFile=${join(runDir, 'log4j2.properties')}`,
      '-cp',
      classpath.join(':'),
      'org.apache.flume.node.Application',
      '-n',
      o.name,
      '-f',
      confPath(runDir),
      '--no-reload-conf',
    ],
    logFile(runDir),
    pidFile(runDir),
  );
  const ready = async (): Promise<boolean> => {
    const log = readFileSync(logFile(runDir), 'utf8');
    if (/Unable to start|ConfigurationException/.test(log)) {
      throw new DStreamError(
        'DSTREAM_ERR_FLUME_AGENT_START',
        `The Flume agent could not start a component; stop it with dstream flume stop. The end ` +
          `of ${logFile(runDir)}:\n${log.trimEnd().split('\n').slice(-30).join('\n')}`,
      );
    }
    for (const s of plan.sinks) if (!log.includes(`Starting Sink ${s}`)) return false;
    for (const s of plan.sources) if (!log.includes(`Starting Source ${s}`)) return false;
    for (const s of plan.listeningSources) if (!(await accepts(s.port, s.host))) return false;
    for (const s of plan.sparkSinks) if (!(await accepts(s.port, s.host))) return false;
    return true;
  };
  try {
    await waitUntilReady(jvm, ready, o.readyTimeoutMs ?? 60_000, {
      code: 'DSTREAM_ERR_FLUME_AGENT_START',
      server: 'the Flume agent',
      logFile: logFile(runDir),
      pidFile: pidFile(runDir),
      hint:
        'A configuration error (the agent name, a sink or channel setting), a SparkSink port in ' +
        'use, or too little memory (--heap) are the usual causes.',
      javaMissing: JAVA_MISSING,
      stop: () => stopAgent(runDir),
    });
  } catch (e) {
    await stopAgent(runDir);
    throw e;
  }
  return {
    running: true,
    pid: jvm.pid!,
    name: o.name,
    sparkSinks: plan.sparkSinks,
    readyMs: Math.round(performance.now() - started),
  };
}

/** Stops the agent of `runDir` with SIGTERM (it stops in under a second), SIGKILL after `timeoutMs`. */
export async function stopAgent(runDir: string, timeoutMs = 15_000): Promise<AgentStatus> {
  const dir = resolve(runDir);
  const status = agentStatus(dir);
  if (!status.running) {
    rmSync(pidFile(dir), { force: true });
    return status;
  }
  await stopProcess(status.pid!, markers(dir), pidFile(dir), timeoutMs);
  return status;
}

/** Whether the agent of `runDir` runs, from its pid file, checked against the process table. */
export function agentStatus(runDir: string): AgentStatus {
  const dir = resolve(runDir);
  const pid = runningPid(pidFile(dir), markers(dir));
  if (pid === undefined) return { running: false };
  const text = readFileSync(confPath(dir), 'utf8');
  const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  const at = args.indexOf('-n');
  const name = at >= 0 ? args[at + 1] : undefined;
  const sparkSinks = name === undefined ? [] : agentPlan(text, name).sparkSinks;
  return { running: true, pid, ...(name === undefined ? {} : { name }), sparkSinks };
}
