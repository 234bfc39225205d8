import type { StreamingContext } from '../streaming/streaming-context.js';

/**
 * Stops `ssc` as a crash (`kill -9`) would leave its checkpoint directory: from this call on it
 * writes no checkpoint — neither the one of a stop nor those of batches still running — so a
 * `getOrCreate` afterwards recovers exactly as after a crash at this point. In-process recovery
 * tests use it instead of a real process and a real SIGKILL. Writes already under way finish, as
 * they would have before the kill.
 */
export async function simulateCrash(ssc: StreamingContext): Promise<void> {
  ssc.generator.checkpointer = undefined;
  await ssc.stop({ stopGracefully: false });
}
