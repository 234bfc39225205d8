// A server dstream runs as a detached JVM (Kafka, HBase, OpenSearch): started in its own process
// group so that it outlives the command that started it, known by a pid file in its run directory,
// checked against the process table (a pid the system reused is not ours), stopped with SIGTERM
// and, after a timeout, SIGKILL.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { DStreamError, type ErrorCode } from '../../errors.js';
import { tail } from './maven.js';

/** The pid in `pidFile`, if it names a live process whose command line holds every marker. */
export function runningPid(pidFile: string, markers: readonly string[]): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile, 'utf8').trim());
  } catch {
    return undefined;
  }
  return Number.isInteger(pid) && isOurProcess(pid, markers) ? pid : undefined;
}

/**
 * True when `pid` is alive and its command line holds every marker, so not a pid the system has
 * reused. A zombie (exited, not yet reaped by init once its parent is gone) counts as stopped.
 */
export function isOurProcess(pid: number, markers: readonly string[]): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return false;
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return markers.every((m) => cmdline.includes(m));
  } catch {
    return false;
  }
}

/** Stops `pid` with SIGTERM, waits for it to exit, SIGKILL after `timeoutMs`; removes the pid file. */
export async function stopProcess(
  pid: number,
  markers: readonly string[],
  pidFile: string,
  timeoutMs: number,
): Promise<void> {
  process.kill(pid, 'SIGTERM');
  const started = performance.now();
  while (isOurProcess(pid, markers)) {
    if (performance.now() - started > timeoutMs) {
      process.kill(pid, 'SIGKILL');
      await sleep(500);
      break;
    }
    await sleep(50);
  }
  rmSync(pidFile, { force: true });
}

/** A JVM started detached, and what became of it while it starts. */
export interface Started {
  readonly pid: number | undefined;
  /** How it ended, if it did: `exit status 1`, `SIGKILL`. */
  exited?: string;
  spawnError?: NodeJS.ErrnoException;
}

/** Starts `java args` detached, its output appended to `logFile`, its pid written to `pidFile`. */
export function spawnJvm(args: readonly string[], logFile: string, pidFile: string): Started {
  const log = openSync(logFile, 'a');
  const child = spawn('java', args, { detached: true, stdio: ['ignore', log, log] });
  closeSync(log);
  const started: Started = { pid: child.pid };
  child.on('exit', (code, signal) => (started.exited = signal ?? `exit status ${code}`));
  child.on('error', (e) => (started.spawnError = e));
  child.unref();
  if (child.pid !== undefined) writeFileSync(pidFile, `${child.pid}\n`);
  return started;
}

/** What a server that did not start says, for {@link waitUntilReady}. */
export interface StartFailure {
  readonly code: ErrorCode;
  /** The server, for messages: `the broker`, `HBase`. */
  readonly server: string;
  readonly logFile: string;
  readonly pidFile: string;
  /** The usual causes, appended to the message. */
  readonly hint: string;
  /** The error when `java` is not on PATH. */
  readonly javaMissing: DStreamError;
  /** Stops what was started (on a timeout). */
  readonly stop: () => Promise<unknown>;
}

/**
 * Waits until `ready()` says yes; fails with the end of the log when the JVM exits first, cannot
 * be spawned, or is not ready after `timeoutMs` (then it is stopped).
 */
export async function waitUntilReady(
  started: Started,
  ready: () => Promise<boolean>,
  timeoutMs: number,
  failure: StartFailure,
): Promise<void> {
  const since = performance.now();
  while (!(await ready())) {
    if (started.spawnError !== undefined) {
      throw started.spawnError.code === 'ENOENT' ? failure.javaMissing : started.spawnError;
    }
    if (started.exited !== undefined) {
      rmSync(failure.pidFile, { force: true });
      throw startFailed(failure, `${failure.server} exited during start-up (${started.exited})`);
    }
    if (performance.now() - since > timeoutMs) {
      await failure.stop();
      throw startFailed(failure, `${failure.server} was not ready after ${timeoutMs / 1000} s`);
    }
    await sleep(100);
  }
}

function startFailed(failure: StartFailure, what: string): DStreamError {
  let log = '';
  try {
    log = tail(readFileSync(failure.logFile, 'utf8'), 30);
  } catch {
    // no log yet
  }
  return new DStreamError(
    failure.code,
    `${what}. The end of ${failure.logFile}:\n${log}\n${failure.hint}`,
  );
}

/** Runs a command to its end, with its output; `onMissing` when the command is not on PATH. */
export function runToEnd(
  command: string,
  args: readonly string[],
  onMissing: DStreamError,
): Promise<{ code: number; output: string }> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.on('error', (e: NodeJS.ErrnoException) => fail(e.code === 'ENOENT' ? onMissing : e));
    child.on('close', (code) => done({ code: code ?? -1, output }));
  });
}
