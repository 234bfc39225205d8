// Several processes of one example sharing a Kafka topic's partitions (spark.streaming.kafka.scaleOut),
// as the scale-out tests watch them: what each says it owns (its latest `partitions:` line) and
// how many batches it has finished (its `<time>: <n> orders added` lines).
import { expect } from 'vitest';
import { startCli, type Cli } from './cli.js';

/** The partitions a process said it owns last (`partitions: t-0, t-1`), none before it said. */
export function ownedBy(run: Cli): string[] {
  const lines = run.stdout().match(/^partitions:.*$/gm);
  const last = lines?.at(-1)?.slice('partitions:'.length).trim();
  return last ? last.split(', ') : [];
}

/** Batches the process has finished (each prints how many orders it added). */
export function batchesOf(run: Cli): number {
  return run.stdout().match(/^\d+ ms: \d+ orders added$/gm)?.length ?? 0;
}

/** Whether the processes together own `partitions`, each partition exactly once. */
export function ownEachOnce(runs: readonly Cli[], partitions: readonly string[]): boolean {
  const owned = runs.flatMap(ownedBy).sort();
  return JSON.stringify(owned) === JSON.stringify([...partitions].sort());
}

const alive = (run: Cli) => run.child.exitCode === null && run.child.signalCode === null;

/**
 * Waits until `condition` holds, checking every 100 ms; fails after `timeoutMs` with what each
 * process printed, or as soon as one of `runs` exits.
 */
export async function until(
  what: string,
  condition: () => boolean,
  runs: readonly Cli[],
  timeoutMs: number,
): Promise<number> {
  const since = performance.now();
  while (!condition()) {
    const dead = runs.findIndex((r) => !alive(r));
    const waited = performance.now() - since;
    if (dead >= 0 || waited > timeoutMs) {
      const outputs = runs.map(
        (r, i) =>
          `--- process ${i + 1}\nstdout:\n${r.stdout().slice(-1500)}\nstderr:\n${r.stderr().slice(-1500)}`,
      );
      expect.fail(
        `${what}: ${dead >= 0 ? `process ${dead + 1} exited` : `not within ${timeoutMs / 1000} s`}\n${outputs.join('\n')}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return performance.now() - since;
}

/** Starts `count` processes of `dstream run <args>`. */
export function startProcesses(count: number, args: readonly string[]): Cli[] {
  return Array.from({ length: count }, () => startCli(args));
}

/** Stops the processes still running (SIGINT: a graceful stop) and waits for them. */
export async function stopAll(runs: readonly Cli[]): Promise<void> {
  for (const r of runs) if (alive(r)) r.child.kill('SIGINT');
  await Promise.all(runs.map((r) => r.exited));
}

/** Waits until every one of `runs` has finished `more` batches after now. */
export async function moreBatches(runs: readonly Cli[], more: number): Promise<void> {
  const from = runs.map(batchesOf);
  await until(
    `${more} more batches`,
    () => runs.every((r, i) => batchesOf(r) >= from[i]! + more),
    runs,
    30_000,
  );
}
