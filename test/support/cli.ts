// Runs the built `dstream` command as a real child process, for the CLI, demo and example tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { expect, inject } from 'vitest';

export const root = join(import.meta.dirname, '..', '..');
export const mainJs = join(root, 'dist', 'cli', 'main.js');

/** Fails the calling test with the compiler's output when dist/ could not be built. */
export function expectBuilt(): void {
  const build = inject('distBuild');
  expect(build.ok, `npm run build failed:\n${build.output}`).toBe(true);
}

export interface Cli {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the output so far once `stream`'s output matches `pattern`; rejects on exit. */
  waitFor(stream: 'stdout' | 'stderr', pattern: RegExp): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (or the signal's name) when the process ends. */
  exited: Promise<number | string>;
}

/** Starts `node dist/cli/main.js ...args` in the repository root. */
export function startCli(
  args: readonly string[],
  options: { stdin?: 'pipe' | 'ignore'; cwd?: string; env?: Record<string, string> } = {},
): Cli {
  const child = spawn(process.execPath, [mainJs, ...args], {
    cwd: options.cwd ?? root,
    stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', ...options.env },
  });
  const out = { stdout: '', stderr: '' };
  const waiters: (() => void)[] = [];
  const notify = (): void => {
    for (const w of waiters.slice()) w();
  };
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    out.stdout += d;
    notify();
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    out.stderr += d;
    notify();
  });
  let done = false;
  // 'close' comes after the last output has been read, unlike 'exit'.
  const exited = new Promise<number | string>((resolve) =>
    child.on('close', (code, signal) => {
      done = true;
      resolve(code ?? signal ?? -1);
      notify();
    }),
  );
  return {
    child,
    stdout: () => out.stdout,
    stderr: () => out.stderr,
    exited,
    waitFor(stream, pattern) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const m = out[stream].match(pattern);
          if (m || done) {
            waiters.splice(waiters.indexOf(check), 1);
            if (m) resolve(m);
            else
              reject(
                new Error(
                  `dstream ${args.join(' ')} exited before its ${stream} matched ${pattern}\n` +
                    `stdout:\n${out.stdout}\nstderr:\n${out.stderr}`,
                ),
              );
          }
        };
        waiters.push(check);
        check();
      });
    },
  };
}
