// What dstream logs (warnings and errors go to stderr), captured instead of printed, for tests
// that check a message. The capture ends with the test that started it (vi.restoreAllMocks() after
// each test, as some files do, ends it too). Output a test does not capture stays visible, and a
// stack trace or an ERROR line in it fails the test (test/support/output-guard.ts).
import { onTestFinished, vi } from 'vitest';

/** Captures every write to stderr from now on, until the test ends; returns the chunks as they come. */
export function captureStderr(): string[] {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  onTestFinished(() => spy.mockRestore());
  return lines;
}

/**
 * The ERROR and FATAL log lines among captured chunks, without their timestamps and stack traces:
 * `ERROR JobScheduler: Error running job streaming job 1000 ms.0`.
 */
export function errorLines(chunks: readonly string[]): string[] {
  return chunks
    .join('')
    .split('\n')
    .flatMap((line) => {
      const m = /^\d\d\/\d\d\/\d\d \d\d:\d\d:\d\d ((?:ERROR|FATAL) .*)$/.exec(line);
      return m ? [m[1]!] : [];
    });
}
