import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';

// The package's own source and build folders: frames inside them are not the user's call site.
const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ownFolders = [resolve(packageRoot, 'src') + '/', resolve(packageRoot, 'dist') + '/'];

/**
 * Where user code called into dstream, as `file.ts:12`, for names such as `print at app.ts:12`
 * (Spark names output operations by their call site).
 */
export function userCallSite(): string {
  return userFrames(1)[0]?.short ?? 'unknown';
}

/**
 * The user's frames of the current stack, innermost first, one per line as V8 writes them
 * (`main (/app/app.ts:12:5)`, at most 20): Spark's long call site, the `description` of an output
 * operation, which shows how the program reached the call when `file.ts:12` is not enough.
 */
export function userCallSiteLong(): string {
  const frames = userFrames(20);
  return frames.length === 0 ? 'unknown' : frames.map((f) => f.frame).join('\n');
}

function userFrames(max: number): { short: string; frame: string }[] {
  // The default limit (10 frames) can be spent entirely inside dstream before the user's code.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 50;
  const stack = new Error().stack?.split('\n').slice(1) ?? [];
  Error.stackTraceLimit = limit;
  const frames: { short: string; frame: string }[] = [];
  for (const frame of stack) {
    if (frames.length >= max) break;
    // `at fn (/app/app.ts:12:5)`, or without parentheses for anonymous code (top-level module
    // code, callbacks): `at file:///app/app.ts:12:5`.
    const text = frame.trim().replace(/^at /, '');
    const m = /\(?((?:file:\/\/)?[^():]+):(\d+):\d+\)?$/.exec(text);
    if (!m) continue;
    const path = m[1]!.startsWith('file://') ? fileURLToPath(m[1]!) : m[1]!;
    if (path.startsWith('node:') || !path.startsWith('/')) continue;
    if (ownFolders.some((f) => path.startsWith(f))) continue;
    if (path.includes('/node_modules/')) continue;
    frames.push({
      short: `${path.slice(path.lastIndexOf('/') + 1)}:${m[2]}`,
      frame: text,
    });
  }
  return frames;
}

/**
 * A call site captured now and formatted only when read: capturing the stack's frames is cheap,
 * turning them into text is most of the cost, and most call sites are never read.
 */
export class CapturedCallSite {
  private readonly holder: { stack?: string } = {};
  private formatted: string | undefined;

  constructor() {
    const limit = Error.stackTraceLimit;
    // Enough for the user's frame below dstream's own (about 8 deep); each frame costs.
    Error.stackTraceLimit = 16;
    Error.captureStackTrace(this.holder, CapturedCallSite);
    Error.stackTraceLimit = limit;
  }

  /**
   * Spark's short call site: the dstream operation the user's code called and where,
   * `reduceByKey at app.ts:12`; `unknown` when no frame is the user's.
   */
  get short(): string {
    this.formatted ??= shortCallSite(this.holder.stack?.split('\n').slice(1) ?? []);
    return this.formatted;
  }
}

function shortCallSite(stack: readonly string[]): string {
  let operation: string | undefined;
  for (const frame of stack) {
    const text = frame.trim().replace(/^at /, '');
    const m = /\(?((?:file:\/\/)?[^():]+):(\d+):\d+\)?$/.exec(text);
    if (!m) continue;
    const path = m[1]!.startsWith('file://') ? fileURLToPath(m[1]!) : m[1]!;
    if (path.startsWith('node:') || !path.startsWith('/')) continue;
    if (ownFolders.some((f) => path.startsWith(f))) {
      // `RDD.reduceByKey (/…/pair-rdd-functions.ts:1:2)`: the last own function before the user's.
      const name = /^(?:new )?([^\s(]+) \(/.exec(text)?.[1];
      if (name !== undefined) operation = name.slice(name.lastIndexOf('.') + 1);
      continue;
    }
    if (path.includes('/node_modules/')) continue;
    return `${operation ?? 'unknown'} at ${path.slice(path.lastIndexOf('/') + 1)}:${m[2]}`;
  }
  return 'unknown';
}
