import { DStreamError } from '../../errors.js';

/** Spark's default `spark.task.maxFailures`. */
export const DEFAULT_MAX_FAILURES = 4;

export type LostTaskOutcome =
  | { readonly retry: true; readonly warning: string }
  | { readonly retry: false; readonly error: DStreamError };

/**
 * What becomes of a task whose thread died, as Spark treats the tasks of a lost executor: it runs
 * again, unless `lost` attempts (this one included) reach `maxFailures`; then it fails, in
 * Spark's words (`Task 0 in stage 3 failed 4 times, most recent failure: ...`).
 */
export function lostTaskOutcome(
  where: { readonly thread: number; readonly partition: number; readonly stageId: number },
  why: string,
  cause: Error | undefined,
  lost: number,
  maxFailures = DEFAULT_MAX_FAILURES,
): LostTaskOutcome {
  const { thread, partition, stageId } = where;
  const failure = `Task thread ${thread} died while running task ${partition} of stage ${stageId}: ${why}`;
  const max = Math.max(1, maxFailures);
  if (lost < max) {
    return {
      retry: true,
      warning: `${failure}; running the task again (attempt ${lost + 1} of ${max})`,
    };
  }
  const message =
    max === 1
      ? failure
      : `Task ${partition} in stage ${stageId} failed ${lost} times, most recent failure: ${failure}`;
  return { retry: false, error: new DStreamError('DSTREAM_ERR_WORKER_FAILED', message, { cause }) };
}
