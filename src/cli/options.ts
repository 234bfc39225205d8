import { InvalidArgumentError } from 'commander';

/** A TCP port, 0 (any free port) to 65535. */
export function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new InvalidArgumentError('Not a port number (0 to 65535).');
  }
  return n;
}

/** A number greater than zero. */
export function parsePositive(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) {
    throw new InvalidArgumentError('Not a positive number.');
  }
  return n;
}

/** Writes a progress line of a command to stderr, keeping stdout for data. */
export function note(command: string, message: string): void {
  process.stderr.write(`dstream ${command}: ${message}\n`);
}

/** "1 client", "2 clients". */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * How long after a stop signal the same signal is taken for a copy of it, not a second one. A
 * Ctrl-C in a terminal reaches every process of the foreground group, and `npm start` or `npm run`
 * also forwards the one it gets to its script: the command gets two SIGINTs a few milliseconds
 * apart for one key press, and would take the second for "exit at once" (130).
 */
export const SIGNAL_COPY_MS = 500;

/**
 * Tells a second stop signal from a copy of the first: `'first'`, then `'copy'` for the same
 * signal within {@link SIGNAL_COPY_MS}, else `'again'`.
 */
export function stopSignals(): (signal: string) => 'first' | 'copy' | 'again' {
  let first: { signal: string; at: number } | undefined;
  return (signal) => {
    const now = performance.now();
    if (first === undefined) {
      first = { signal, at: now };
      return 'first';
    }
    return signal === first.signal && now - first.at < SIGNAL_COPY_MS ? 'copy' : 'again';
  };
}

/**
 * Calls `stop` on the first Ctrl-C (SIGINT) or SIGTERM, and exits at once on the second, so a stop
 * that hangs can always be cut short. A copy of the first (see {@link SIGNAL_COPY_MS}) is ignored.
 */
export function onInterrupt(command: string, stop: () => Promise<void>): void {
  const seen = stopSignals();
  const handler = (signal: NodeJS.Signals): void => {
    const which = seen(signal);
    if (which === 'copy') return;
    if (which === 'again') {
      note(command, 'interrupted again: exiting without waiting');
      process.exit(130);
    }
    stop().catch((e: unknown) => {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    });
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
