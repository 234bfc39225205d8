import { systemClock } from './clock.js';

/** Log levels in Spark's (log4j's) order. */
export const LOG_LEVELS = [
  'ALL',
  'TRACE',
  'DEBUG',
  'INFO',
  'WARN',
  'ERROR',
  'FATAL',
  'OFF',
] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

type Sink = (line: string) => void;

const initial = (process.env.DSTREAM_LOG_LEVEL ?? 'INFO').toUpperCase();
let threshold = Math.max(0, LOG_LEVELS.indexOf(initial as LogLevel));
let sink: Sink = (line) => process.stderr.write(line + '\n');

/** Sets the level below which messages are dropped, as Spark's `setLogLevel`. */
export function setLogLevel(level: string): void {
  const i = LOG_LEVELS.indexOf(level.toUpperCase() as LogLevel);
  if (i < 0) {
    throw new RangeError(`Supplied level ${level} did not match one of: ${LOG_LEVELS.join(',')}`);
  }
  threshold = i;
}

/** Replaces where log lines go (stderr by default); returns the previous sink. */
export function setLogSink(next: Sink): Sink {
  const previous = sink;
  sink = next;
  return previous;
}

/**
 * A named logger writing lines in Spark's console format: `yy/MM/dd HH:mm:ss LEVEL Name: message`.
 */
export class Logger {
  constructor(private readonly name: string) {}

  isEnabled(level: LogLevel): boolean {
    return LOG_LEVELS.indexOf(level) >= threshold;
  }

  debug(message: string): void {
    this.log('DEBUG', message);
  }

  info(message: string): void {
    this.log('INFO', message);
  }

  warn(message: string, error?: unknown): void {
    this.log('WARN', message, error);
  }

  error(message: string, error?: unknown): void {
    this.log('ERROR', message, error);
  }

  private log(level: LogLevel, message: string, error?: unknown): void {
    if (!this.isEnabled(level)) return;
    let line = `${timestamp()} ${level} ${this.name}: ${message}`;
    if (error !== undefined) line += '\n' + describeError(error);
    sink(line);
  }
}

function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}

function timestamp(): string {
  const d = new Date(systemClock.now());
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getFullYear() % 100)}/${p(d.getMonth() + 1)}/${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
