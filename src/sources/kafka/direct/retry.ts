import { DStreamError, messageOf } from '../../../errors.js';
import { systemClock } from '../../../util/clock.js';
import { Logger } from '../../../util/logging.js';

const log = new Logger('DirectKafkaInputDStream');

/** Errors of ours say what is wrong with the stream itself: trying again would not help. */
function isOwnError(e: unknown): boolean {
  return e instanceof DStreamError && e.code !== 'DSTREAM_ERR_KAFKA_UNREACHABLE';
}

/**
 * Runs `work` until it succeeds while Kafka is away (a broker restarting, a network cut): the batch
 * waits, and the batches after it queue, rather than failing. Gives up after
 * `spark.streaming.kafka.consumer.poll.ms` (by default `spark.network.timeout`, 120 s) with the
 * last error. The client retries each call too (10 times, 1 s apart).
 */
export async function retryWhileUnreachable<T>(
  settings: { readonly bootstrap: readonly string[]; readonly pollTimeoutMs: number },
  what: string,
  work: () => Promise<T>,
  stopped: AbortSignal,
): Promise<T> {
  const deadline = systemClock.now() + settings.pollTimeoutMs;
  let warned = false;
  for (;;) {
    try {
      return await work();
    } catch (e) {
      // A stream being stopped does not wait for Kafka to come back.
      if (isOwnError(e) || stopped.aborted) throw e;
      if (systemClock.now() >= deadline) {
        throw new DStreamError(
          'DSTREAM_ERR_KAFKA_UNREACHABLE',
          `Kafka at ${settings.bootstrap.join(',')} did not give ${what} within ${settings.pollTimeoutMs} ms (spark.streaming.kafka.consumer.poll.ms): ${messageOf(e)}. Check that the broker runs (dstream kafka status).`,
          { cause: e },
        );
      }
      if (!warned) {
        log.warn(
          `Kafka at ${settings.bootstrap.join(',')} did not give ${what} (${messageOf(e)}): trying again for up to ${settings.pollTimeoutMs} ms`,
        );
        warned = true;
      }
      // A network wait, in real time whatever clock drives the batches.
      await systemClock.sleep(1000);
    }
  }
}
