/**
 * One socket benchmark run: the feeder (bench/lib/feeder.ts) in a process of its own, listening on
 * a free port of 127.0.0.1, and the engine in another, started once the port is known and given it
 * as `--port`. Both print JSON lines (lib/child.ts); the run ends when both have exited (the feeder
 * exits when the engine closes its connection).
 */
import { join } from 'node:path';
import { runChild, type BenchEvent, type ChildResult } from './child.ts';
import { REPO_ROOT } from './machine.ts';

export const FEEDER = join(REPO_ROOT, 'bench', 'lib', 'feeder.ts');

export interface SocketRunOptions {
  /** The feeder's flags (`--rate`, `--tick`, `--lines` or `--seconds`). */
  feederArgs: readonly string[];
  /** The engine's command line, given the port the feeder listens on. */
  engine: (port: number) => { command: string; args: string[]; env?: NodeJS.ProcessEnv };
  label: string;
  verbose: boolean;
  onEngineEvent?: (event: BenchEvent) => void;
}

export interface SocketRunResult {
  feeder: ChildResult;
  engine: ChildResult;
  port: number;
}

export async function runWithFeeder(o: SocketRunOptions): Promise<SocketRunResult> {
  const abort = new AbortController();
  let onPort: (port: number) => void = () => {};
  const listening = new Promise<number>((resolve) => (onPort = resolve));
  const feeder = runChild(process.execPath, [FEEDER, ...o.feederArgs], {
    label: `${o.label} feeder`,
    verbose: o.verbose,
    signal: abort.signal,
    onEvent: (e) => {
      if (e.event === 'listening') onPort(e.port as number);
    },
  });
  // A feeder that fails before listening must not leave us waiting for its port.
  const port = await Promise.race([listening, feeder.then(() => NaN)]);
  if (!Number.isInteger(port)) throw new Error(`${o.label}: the feeder exited without listening`);
  const e = o.engine(port);
  let engine: ChildResult;
  try {
    engine = await runChild(e.command, e.args, {
      label: `${o.label} engine`,
      verbose: o.verbose,
      env: e.env ?? process.env,
      ...(o.onEngineEvent ? { onEvent: o.onEngineEvent } : {}),
    });
  } catch (error) {
    abort.abort();
    await feeder.catch(() => undefined);
    throw error;
  }
  return { feeder: await feeder, engine, port };
}
