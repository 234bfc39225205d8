// An application run as a real child process by the crash and recovery tests, with what it prints
// (`<LABEL>[ v<n>] <time ms> <json entries>` lines) parsed as it comes, the order files those tests
// feed it, and their exact totals. The applications (test/fixtures/*-app.ts) run on the Node of the
// devDependency and the built package (dist/, which test/global-setup.ts rebuilds when stale).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OrderGenerator } from '../../src/cli/orders.js';

export const root = join(import.meta.dirname, '..', '..');
export const node = join(root, 'node_modules', '.bin', 'node');

export type Totals = Record<string, number>;

export interface Output {
  readonly time: number;
  readonly totals: Totals;
}

export interface AppOptions {
  /** Run as this user and group (an unprivileged reader). */
  uid?: number;
  /** Added to the environment. */
  env?: Record<string, string>;
}

export class AppProcess {
  readonly child: ChildProcess;
  /** Every `<LABEL> <time> <json>` line, by label (`TOTALS v2`, `TOTALS v3` count as `TOTALS`). */
  readonly outputs = new Map<string, Output[]>();
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | string>;
  private readonly waiters = new Set<() => void>();
  private done = false;

  constructor(app: string, args: readonly string[], options: AppOptions = {}) {
    this.child = spawn(node, [app, ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DSTREAM_LOG_LEVEL: 'WARN', ...options.env },
      ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.uid }),
    });
    let partial = '';
    this.child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      this.stdout += d;
      partial += d;
      const lines = partial.split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        const m = /^([A-Z]+)(?: v\d)? (\d+) (\[.*)$/.exec(line);
        if (!m) continue;
        const entries = JSON.parse(m[3]!) as [string, number][];
        let series = this.outputs.get(m[1]!);
        if (!series) this.outputs.set(m[1]!, (series = []));
        series.push({ time: Number(m[2]), totals: Object.fromEntries(entries) });
      }
      this.notify();
    });
    this.child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      this.stderr += d;
      this.notify();
    });
    this.exited = new Promise((resolve) =>
      this.child.on('close', (code, signal) => {
        this.done = true;
        resolve(code ?? signal ?? -1);
        this.notify();
      }),
    );
  }

  /** The outputs of `label` (`TOTALS` by default) so far, in the order printed. */
  series(label = 'TOTALS'): readonly Output[] {
    return this.outputs.get(label) ?? [];
  }

  /** The latest output of `label`. */
  latest(label = 'TOTALS'): Totals | undefined {
    return this.series(label).at(-1)?.totals;
  }

  get totals(): readonly Output[] {
    return this.series('TOTALS');
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }

  /** Resolves once `check` holds; rejects if the process ends first or after `timeoutMs`. */
  until(what: string, check: () => boolean, timeoutMs = 60_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error(`timed out waiting for ${what}`)), timeoutMs);
      const finish = (error?: Error): void => {
        clearTimeout(timer);
        this.waiters.delete(poll);
        if (error) {
          reject(
            new Error(
              `${error.message}\nstdout (tail):\n${this.stdout.slice(-2000)}\nstderr:\n${this.stderr.slice(-4000)}`,
            ),
          );
        } else resolve();
      };
      const poll = (): void => {
        if (check()) finish();
        else if (this.done) finish(new Error(`the application exited before ${what}`));
      };
      this.waiters.add(poll);
      poll();
    });
  }

  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }
}

const dirs: string[] = [];

/** A temporary directory, removed by {@link removeTempDirs}. */
export function tempDir(prefix = 'dstream-crash-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}

/** Removes the directories of {@link tempDir} (call it after each test). */
export function removeTempDirs(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** Files of order lines (5% malformed), the same for the same seed. */
export function orderFiles(seed: number, files: number, linesPerFile: number) {
  const g = new OrderGenerator({ seed, malformedRate: 0.05 });
  const contents = Array.from({ length: files }, () =>
    Array.from({ length: linesPerFile }, () => g.next()),
  );
  return { contents, malformed: g.malformed };
}

/** The total in cents per province, and `#orders`, of order lines (malformed ones skipped). */
export function totalsOf(lines: readonly string[]): Totals {
  const totals: Totals = {};
  for (const line of lines) {
    const m = /^(\d+),(\d+),(\d+(?:\.\d{1,2})?)$/.exec(line);
    if (!m) continue;
    totals[m[2]!] = (totals[m[2]!] ?? 0) + Math.round(Number(m[3]) * 100);
    totals['#orders'] = (totals['#orders'] ?? 0) + 1;
  }
  return totals;
}

/** Writes a file elsewhere and renames it into `dir`, as a file stream's input must arrive. */
export function drop(dir: string, name: string, lines: readonly string[]): void {
  const temp = join(dir, `.${name}.tmp`);
  writeFileSync(temp, lines.join('\n') + '\n');
  renameSync(temp, join(dir, name));
}
