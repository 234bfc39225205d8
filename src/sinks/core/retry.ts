// A store that is down, restarting or refusing connections fails a batch's write; trying again a
// few times, further apart each time, rides out a restart. Then the batch fails with an error that
// names the store and the cause, and the context stops with it (nothing was committed, so the
// batch runs again from the same positions when the application restarts).
import { DStreamError, messageOf } from '../../errors.js';
import { systemClock } from '../../util/clock.js';
import { Logger } from '../../util/logging.js';

const log = new Logger('Sink');

/** How a sink tries again when its store fails a write. */
export interface RetryOptions {
  /** Attempts in all, the first included (default 5; 1 = no retry). */
  attempts?: number;
  /** The wait before the second attempt, doubled before each next one (default 500 ms). */
  initialBackoffMs?: number;
  /** The longest wait between two attempts (default 10000 ms). */
  maxBackoffMs?: number;
}

/** What a write is, for the messages. */
export interface RetryTarget {
  /** The store's name as users know it: `PostgreSQL`. */
  readonly store: string;
  readonly sinkId: string;
  /** Whether trying again may help: false for our own errors and for data the store rejects. */
  readonly retryable: (e: unknown) => boolean;
  /** What a failed batch leaves, ending the message (default: nothing committed, for transactions). */
  readonly afterFailure?: string;
}

/** Runs `work` until it succeeds, up to `options.attempts` times; then throws `DSTREAM_ERR_SINK_WRITE`. */
export async function withRetries<T>(
  target: RetryTarget,
  options: RetryOptions,
  work: () => Promise<T>,
): Promise<T> {
  const attempts = Math.max(1, options.attempts ?? 5);
  let backoff = Math.max(0, options.initialBackoffMs ?? 500);
  const maxBackoff = Math.max(backoff, options.maxBackoffMs ?? 10_000);
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (e) {
      // Ours (a refused batch) say what is wrong already, and are the same on every attempt.
      if (e instanceof DStreamError) throw e;
      const retryable = target.retryable(e);
      if (!retryable || attempt >= attempts) {
        throw new DStreamError(
          'DSTREAM_ERR_SINK_WRITE',
          `${target.store} sink '${target.sinkId}' could not write the batch (attempt ${attempt} of ${attempts}${retryable ? '' : ', not retried'}): ${messageOf(e)}. ${target.afterFailure ?? 'Nothing was committed: the stored positions did not move, so the batch runs again from them.'}`,
          { cause: e },
        );
      }
      log.warn(
        `${target.store} sink '${target.sinkId}': write failed (${messageOf(e)}), attempt ${attempt} of ${attempts}; trying again in ${backoff} ms`,
      );
      // A network wait, in real time whatever clock drives the batches.
      await systemClock.sleep(backoff);
      backoff = Math.min(maxBackoff, backoff * 2);
    }
  }
}
