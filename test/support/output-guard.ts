// A passing run reads green: a test fails when it prints a stack trace or an ERROR/FATAL log line
// that it did not capture. Tests that fail a batch or a receiver on purpose capture what dstream
// logs (captureStderr in ./capture-stderr.ts) and assert on it; anything else printed that looks
// like a failure is a failure nobody expected, so it stays visible and fails the test it came from.
// Installed for every test file by vitest.config.ts (`setupFiles`).
import { format } from 'node:util';
import { afterAll, afterEach } from 'vitest';

/** A stack frame line, as Node prints them: `    at fn (file:12:5)` or `    at file:12:5`. */
const STACK_FRAME = /^\s+at .*:\d+:\d+\)?$/m;
/** A log line of dstream's logger at ERROR or FATAL (`yy/MM/dd HH:mm:ss LEVEL Name: message`). */
const ERROR_LINE = /^\d\d\/\d\d\/\d\d \d\d:\d\d:\d\d (?:ERROR|FATAL) /m;

/** True when `text` holds a stack frame or an ERROR/FATAL log line. */
export function looksLikeFailure(text: string): boolean {
  return STACK_FRAME.test(text) || ERROR_LINE.test(text);
}

let unexpected: string[] = [];

function watch(text: string): void {
  if (looksLikeFailure(text)) unexpected.push(text);
}

/** Fails with what was printed since the last check, if any of it looked like a failure. */
function failOnUnexpectedOutput(where: string): void {
  const found = unexpected;
  unexpected = [];
  if (found.length === 0) return;
  throw new Error(
    `${where} printed a stack trace or an ERROR line it did not capture (shown above). ` +
      'A test that expects it captures it (test/support/capture-stderr.ts) and asserts on it:\n' +
      found.join('').slice(0, 2000),
  );
}

// Wrapped, not spied on: a test's vi.spyOn(process.stderr, 'write') replaces this wrapper while
// it captures, and vi.restoreAllMocks() puts the wrapper back. Worker threads' stderr reaches
// the test's process through this same write.
const write = process.stderr.write;
process.stderr.write = function (this: typeof process.stderr, ...args: Parameters<typeof write>) {
  const chunk = args[0];
  watch(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
  return Reflect.apply<typeof process.stderr, Parameters<typeof write>, boolean>(write, this, args);
} as typeof write;

for (const method of ['error', 'warn', 'log'] as const) {
  const original = console[method].bind(console);
  console[method] = (...args: unknown[]) => {
    watch(format(...args));
    original(...args);
  };
}

afterEach(() => failOnUnexpectedOutput('This test'));
afterAll(() => failOnUnexpectedOutput("This file's hooks or a test's late work"));
