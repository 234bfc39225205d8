// What dstream logs (warnings and errors go to stderr), captured instead of printed, for tests
// that check a message. Restore with vi.restoreAllMocks() after each test.
import { vi } from 'vitest';

/** Captures every write to stderr from now on; returns the chunks, filled as they come. */
export function captureStderr(): string[] {
  const lines: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  return lines;
}
