/**
 * Runs one measurement in a fresh process and collects the JSON lines it prints on stdout. Every
 * program of the benchmark (dstream, the raw loop, the Spark driver) speaks the same line format:
 * `{"event":"data",...}`, one `{"event":"batch",...}` per batch, one `{"event":"summary",...}`.
 */
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';

export type BenchEvent = Record<string, unknown> & { event: string };

export interface ChildResult {
  /** The events printed on stdout, in order. */
  events: BenchEvent[];
  /** The last lines of stderr (logging), kept to explain a failure. */
  stderrTail: string[];
  wallMs: number;
  /** 1-minute load average when the run started. */
  loadAtStart: number;
}

export interface ChildOptions {
  env?: NodeJS.ProcessEnv;
  /** Copy the child's stderr to ours as it comes (else it is shown only if the child fails). */
  verbose?: boolean;
  label: string;
  /** Called with each event as it is printed (a run that must react while the child runs). */
  onEvent?: (event: BenchEvent) => void;
  /** Aborting it kills the child (SIGTERM): a run whose partner process failed. */
  signal?: AbortSignal;
}

const STDERR_LINES_KEPT = 40;

export function runChild(
  command: string,
  args: readonly string[],
  options: ChildOptions,
): Promise<ChildResult> {
  const t0 = performance.now();
  const loadAtStart = loadavg()[0]!;
  const child = spawn(command, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: options.env ?? process.env,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const events: BenchEvent[] = [];
  const stderrTail: string[] = [];
  const lines = (stream: NodeJS.ReadableStream, onLine: (line: string) => void): void => {
    let rest = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop()!;
      for (const p of parts) onLine(p);
    });
    stream.on('end', () => {
      if (rest) onLine(rest);
    });
  };
  lines(child.stdout, (line) => {
    const t = line.trim();
    if (!t.startsWith('{')) return;
    let event: BenchEvent;
    try {
      event = JSON.parse(t) as BenchEvent;
    } catch {
      stderrTail.push(`(unparsed stdout) ${t}`);
      return;
    }
    events.push(event);
    options.onEvent?.(event);
  });
  lines(child.stderr, (line) => {
    if (options.verbose) process.stderr.write(`  [${options.label}] ${line}\n`);
    stderrTail.push(line);
    if (stderrTail.length > STDERR_LINES_KEPT) stderrTail.shift();
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const result = { events, stderrTail, wallMs: performance.now() - t0, loadAtStart };
      if (code === 0) {
        resolve(result);
        return;
      }
      const why = signal ? `signal ${signal}` : `exit code ${code}`;
      reject(
        new Error(
          `${options.label} failed (${why}): ${command} ${args.join(' ')}\n` +
            stderrTail.map((l) => `  | ${l}`).join('\n'),
        ),
      );
    });
  });
}

/** The event of a kind, or an error naming the run. */
export function eventOf(result: ChildResult, kind: string, label: string): BenchEvent {
  const e = result.events.find((x) => x.event === kind);
  if (!e) throw new Error(`${label}: no "${kind}" line in its output`);
  return e;
}
