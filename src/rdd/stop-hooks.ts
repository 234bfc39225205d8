// What a context's stop releases besides the engine's own resources: connection pools that an
// integration (a sink) opens lazily on first use and that would otherwise keep the process alive
// after `ssc.stop()`. A hook runs once, at the next stop of a SparkContext in this thread; what it
// closed is opened again on next use, which registers a new hook.
//
// The hooks live on globalThis, as the partition readers do, so that two copies of dstream loaded
// in one thread share them.

type StopHook = () => Promise<void>;

const SHARED = Symbol.for('dstream.stopHooks');
const holder = globalThis as { [SHARED]?: Set<StopHook> };
const hooks: Set<StopHook> = (holder[SHARED] ??= new Set());

/**
 * Runs `hook` when a SparkContext of this thread next stops (once). Returns a function that
 * unregisters it, for a resource closed before then.
 */
export function onNextContextStop(hook: StopHook): () => void {
  hooks.add(hook);
  return () => void hooks.delete(hook);
}

/** Runs and forgets every registered hook; one that fails does not keep the others from running. */
export async function runStopHooks(): Promise<void> {
  const running = [...hooks];
  hooks.clear();
  await Promise.allSettled(running.map((hook) => hook()));
}
