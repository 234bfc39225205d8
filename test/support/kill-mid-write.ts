// Kills an application exactly while it writes a checkpoint file. dstream writes every checkpoint
// file to a temporary file (`.tmp-<final name>-<pid>-<n>`) and renames it (checkpoint-files.ts).
// When the temporary file of the wanted kind appears, the process is stopped (SIGSTOP) and, once
// /proc says it is stopped, the temporary file is looked at: if it is still there, the process
// was stopped in the middle of the write and is killed (SIGKILL); if the rename already happened,
// it goes on (SIGCONT) until the next write. So every kill lands mid-write, and the number of
// writes that finished before the stop took hold is counted.
import { existsSync, readFileSync, readdirSync, statSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import type { AppProcess } from './app-process.js';

export type CheckpointWrite = 'metadata' | 'snapshot';

/**
 * When to stop the process: as the temporary file is created (empty), or once data was written to
 * it (before or during its flush to disk, before its rename).
 */
export type WriteStage = 'created' | 'written';

export interface MidWriteKill {
  /** The temporary file that existed when the process was stopped, and its size then. */
  readonly file: string;
  readonly bytes: number;
  /** Temporary files of that kind seen already renamed once the process was stopped. */
  readonly missed: number;
}

const PREFIX: Record<CheckpointWrite, string> = {
  metadata: '.tmp-checkpoint-',
  snapshot: '.tmp-snapshot-',
};

/** The directories the writes of `kind` go to: the checkpoint directory or its state dirs. */
function directoriesOf(checkpointDir: string, kind: CheckpointWrite): string[] {
  if (kind === 'metadata') return [checkpointDir];
  const state = join(checkpointDir, 'state');
  if (!existsSync(state)) return [];
  return readdirSync(state).map((d) => join(state, d));
}

/** Whether /proc says process `pid` is stopped (state T) or gone. */
function isStopped(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The state follows the command name in parentheses, which may contain spaces.
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state === 'T' || state === 't' || state === 'Z' || state === 'X';
  } catch {
    return true; // no such process
  }
}

function waitStopped(pid: number): void {
  const deadline = Date.now() + 5_000;
  while (!isStopped(pid)) {
    if (Date.now() > deadline) throw new Error(`process ${pid} did not stop on SIGSTOP`);
  }
}

/**
 * SIGKILLs `app` while it writes a file of `kind` in `checkpointDir` (see the top of this file)
 * at `stage`, and resolves once it has exited. Rejects if the application exits or no write is caught within
 * `timeoutMs`.
 */
export function killMidWrite(
  app: AppProcess,
  checkpointDir: string,
  kind: CheckpointWrite,
  stage: WriteStage = 'created',
  timeoutMs = 30_000,
): Promise<MidWriteKill> {
  const pid = app.child.pid!;
  const mine = `-${pid}-`;
  return new Promise((resolve, reject) => {
    const watchers = new Map<string, FSWatcher>();
    let missed = 0;
    let settled = false;
    const finish = (error: Error | undefined, kill?: MidWriteKill): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearInterval(rescan);
      for (const w of watchers.values()) w.close();
      if (error) reject(error);
      else void app.exited.then(() => resolve(kill!));
    };
    const onEvent = (dir: string, event: string, name: string | null): void => {
      if (settled || !name?.startsWith(PREFIX[kind]) || !name.includes(mine)) return;
      // inotify: 'rename' for the creation of the file, 'change' for a write to it.
      if (event !== (stage === 'created' ? 'rename' : 'change')) return;
      const path = join(dir, name);
      if (!existsSync(path)) return; // the event of its rename or removal
      app.child.kill('SIGSTOP');
      waitStopped(pid);
      let bytes: number;
      try {
        bytes = statSync(path).size;
      } catch {
        missed++;
        app.child.kill('SIGCONT');
        return;
      }
      app.child.kill('SIGKILL');
      finish(undefined, { file: path, bytes, missed });
    };
    const watchAll = (): void => {
      for (const dir of directoriesOf(checkpointDir, kind)) {
        if (watchers.has(dir)) continue;
        try {
          watchers.set(
            dir,
            watch(dir, (event, name) => onEvent(dir, event, name)),
          );
        } catch {
          // not there yet: the next scan tries again
        }
      }
    };
    // State directories appear with an operator's first snapshot.
    const rescan = setInterval(watchAll, 20);
    const timer = setTimeout(
      () =>
        finish(
          new Error(
            `no ${kind} write of process ${pid} caught within ${timeoutMs} ms (${missed} finished before the stop)\nstderr:\n${app.stderr.slice(-3000)}`,
          ),
        ),
      timeoutMs,
    );
    void app.exited.then((code) => {
      if (!settled) finish(new Error(`the application exited (${code}) before a ${kind} write`));
    });
    watchAll();
  });
}

/** Temporary files under `checkpointDir` (recursively) that process `pid` did not write. */
export function strayTempFiles(checkpointDir: string, pid: number): string[] {
  const found: string[] = [];
  const visit = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) visit(join(dir, e.name));
      else if (e.name.startsWith('.tmp-') && !e.name.includes(`-${pid}-`)) {
        found.push(join(dir, e.name));
      }
    }
  };
  visit(checkpointDir);
  return found;
}

/** Whether every state directory under `checkpointDir` holds a snapshot of `timeMs` or later. */
export function snapshotsSince(checkpointDir: string, timeMs: number): boolean {
  const state = join(checkpointDir, 'state');
  if (!existsSync(state)) return false;
  const keys = readdirSync(state);
  return (
    keys.length > 0 &&
    keys.every((k) =>
      readdirSync(join(state, k)).some(
        (n) => n.startsWith('snapshot-') && Number(n.slice('snapshot-'.length)) >= timeMs,
      ),
    )
  );
}
