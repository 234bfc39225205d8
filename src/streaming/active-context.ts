import { DStreamError, requirement } from '../errors.js';
import { getOrCreate, type GetOrCreateOptions } from './checkpoint/recovery.js';
import type { StreamingContextState } from './context-options.js';
import type { StreamingContext } from './streaming-context.js';

// The process-wide slot of the one StreamingContext that may run, as Spark allows one active
// context per JVM.

let active: StreamingContext | undefined;
/** A context whose start() is in progress (Spark holds its activation lock meanwhile). */
let activating: StreamingContext | undefined;

/** The active context, or the one whose start() is in progress. */
export function activeOrStarting(): StreamingContext | undefined {
  return active ?? activating;
}

/** The context started and not stopped. */
export function activeContext(): StreamingContext | undefined {
  return active;
}

/**
 * Claims the slot for `ssc`, whose start() begins; fails with Spark's message when another
 * context holds it (`startedAt`: where that one was started).
 */
export function claimActivation(ssc: StreamingContext, startedAt: () => string | undefined): void {
  const running = activeOrStarting();
  if (running && running !== ssc) {
    throw new DStreamError(
      'DSTREAM_ERR_ANOTHER_CONTEXT_ACTIVE',
      `Only one StreamingContext may be started in this process. Currently running StreamingContext was started at${startedAt() ?? ''}`,
    );
  }
  activating = ssc;
}

/** `ssc` started: it is the active context. */
export function markActive(ssc: StreamingContext): void {
  active = ssc;
}

/** `ssc`'s start() ended, started or not. */
export function endActivation(ssc: StreamingContext): void {
  if (activating === ssc) activating = undefined;
}

/** `ssc` stopped: the slot is free. */
export function markStopped(ssc: StreamingContext): void {
  if (active === ssc) active = undefined;
}

/** Throws Spark's error when a stream is declared on a started or stopped context. */
export function checkCanAddStreams(state: StreamingContextState): void {
  if (state === 'ACTIVE') {
    throw new DStreamError(
      'DSTREAM_ERR_ADDED_AFTER_START',
      'Adding new inputs, transformations, and output operations after starting a context is not supported',
    );
  }
  if (state === 'STOPPED') {
    throw new DStreamError(
      'DSTREAM_ERR_ADDED_AFTER_STOP',
      'Adding new inputs, transformations, and output operations after stopping a context is not supported',
    );
  }
}

/** `StreamingContext.getActiveOrCreate`: the running context, else a new or recovered one. */
export function activeOrCreate(
  pathOrFunc: string | (() => StreamingContext),
  creatingFunc: (() => StreamingContext) | undefined,
  options: GetOrCreateOptions | undefined,
): StreamingContext {
  const running = activeOrStarting();
  if (running) return running;
  if (typeof pathOrFunc === 'function') return pathOrFunc();
  requirement(
    creatingFunc !== undefined,
    'DSTREAM_ERR_INVALID_ARGUMENT',
    'getActiveOrCreate(checkpointPath, creatingFunc) needs the function that creates the context',
  );
  return getOrCreate(pathOrFunc, creatingFunc, options);
}
