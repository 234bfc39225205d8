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
 * Calls `stop` on the first Ctrl-C (SIGINT) or SIGTERM, and exits at once on the second, so a stop
 * that hangs can always be cut short.
 */
export function onInterrupt(command: string, stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (): void => {
    if (stopping) {
      note(command, 'interrupted again: exiting without waiting');
      process.exit(130);
    }
    stopping = true;
    stop().catch((e: unknown) => {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    });
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
