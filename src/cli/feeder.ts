import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { LineServer } from './line-server.js';

/** The words the generated lines are made of: few, so that counts add up visibly. */
export const VOCABULARY: readonly string[] = [
  'spark',
  'streaming',
  'dstream',
  'batch',
  'window',
  'state',
  'kafka',
  'receiver',
  'hello',
  'world',
];

/** A line of `count` words drawn from {@link VOCABULARY}. */
export function randomWordLine(count = 10, random: () => number = Math.random): string {
  let line = '';
  for (let i = 0; i < count; i++) {
    const word = VOCABULARY[Math.floor(random() * VOCABULARY.length)] ?? VOCABULARY[0]!;
    line += i === 0 ? word : ' ' + word;
  }
  return line;
}

/**
 * The lines of a text file, over and over. Throws when the file cannot be read or has no line.
 */
export function loopingFileLines(path: string): () => string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const missing = (e as { code?: string }).code === 'ENOENT';
    const reason = e instanceof Error ? e.message : String(e);
    throw new Error(missing ? `no such file: ${path}` : `cannot read ${path}: ${reason}`, {
      cause: e,
    });
  }
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) throw new Error(`${path} has no lines to send`);
  let next = 0;
  return () => {
    const line = lines[next]!;
    next = (next + 1) % lines.length;
    return line;
  };
}

const TICK_MS = 100;

/**
 * Sends lines from `nextLine` to the clients of a {@link LineServer} at `rate` lines per second.
 * Nothing is drawn while no client is connected (so a file starts from its first line for the
 * first client), and sending pauses while a client cannot keep up, so lines are never dropped.
 */
export class PacedFeeder {
  /** Lines sent so far (a line sent to two clients counts once). */
  sent = 0;
  private timer: NodeJS.Timeout | undefined;
  private tokens = 0;
  private last = 0;

  constructor(
    private readonly server: LineServer,
    private readonly rate: number,
    private readonly nextLine: () => string,
  ) {
    if (!(rate > 0)) throw new RangeError(`rate must be a positive number of lines per second`);
  }

  start(): void {
    this.last = performance.now();
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    const now = performance.now();
    const elapsed = now - this.last;
    this.last = now;
    if (this.server.clientCount === 0) {
      this.tokens = 0;
      return;
    }
    // A token bucket holding at most one second of lines: a late timer catches up, a long pause
    // (a congested client) does not turn into a burst.
    this.tokens = Math.min(this.tokens + (this.rate * elapsed) / 1000, Math.max(1, this.rate));
    if (this.tokens < 1 || this.server.congested) return;
    const n = Math.floor(this.tokens);
    this.tokens -= n;
    let text = '';
    for (let i = 0; i < n; i++) text += this.nextLine() + '\n';
    this.server.send(text);
    this.sent += n;
  }
}
