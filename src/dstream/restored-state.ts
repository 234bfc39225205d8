import { DStreamError, messageOf } from '../errors.js';
import { describe, type StateShape } from '../state/index.js';
import { formatValue } from '../util/format.js';
import type { Time } from '../util/time.js';

// What a restore does to the stored states beyond putting them back: the user's migration of each
// state, and the check that the new code still stores states of the restored shape
// (docs/checkpoint-format.md, "A state that no longer matches the code").

/** States compared per check: enough to see every shape a batch stores, cheap for any batch. */
const CHECKED_STATES = 1000;

/** Applies `getOrCreate`'s migration of `stateKey` to one stored state; its errors name the key. */
export function migrateState(
  stateKey: string,
  migrate: (state: unknown, key: unknown) => unknown,
  state: unknown,
  key: unknown,
): unknown {
  try {
    return migrate(state, key);
  } catch (e) {
    throw new DStreamError(
      'DSTREAM_ERR_STATE_MIGRATION_FAILED',
      `The migration of the checkpointed state of '${stateKey}' failed for key ${formatValue(key)} (stored state ${formatValue(state)}): ${messageOf(e)}`,
      { cause: e },
    );
  }
}

/**
 * The shape of the states a stateful stream restored, against which the first batch that stores
 * states after the restore is checked, before any output reads that batch. Only that batch pays:
 * the stream drops the check once a batch has stored a state.
 */
export class ShapeCheck {
  /** States compared so far (by the batch being applied). */
  checked = 0;
  /** Whether updateStateByKey previewed its function on the restored states (once). */
  previewed = false;

  constructor(
    readonly stored: StateShape,
    readonly stateKey: string,
    /** Who stores the states, for the message: `the update function now returns`. */
    private readonly producer: string,
  ) {}

  /** Compares a state the new code stores for `key`; a mismatch fails the batch. */
  check(state: unknown, key: unknown): void {
    if (this.checked >= CHECKED_STATES) return;
    this.checked++;
    const what = this.stored.mismatch(state);
    if (what !== undefined) throw this.mismatch(state, key, what);
  }

  /**
   * What the checked batch fails with when a user function throws: the new code may have met a
   * stored state of a shape it no longer expects (`state.orders.push` on a number), so the error
   * says what the stored states are and how to convert them. dstream's own errors pass as they are.
   */
  explain(e: unknown, time: Time): unknown {
    if (e instanceof DStreamError) return e;
    const name = this.stateKey;
    return new DStreamError(
      'DSTREAM_ERR_BATCH_FAILED',
      `${messageOf(e)} (applying batch ${time} to the state of '${name}', the first batch since that state was restored from its checkpoint; stored states are ${this.stored.toString()}: if the code now expects states of another shape, convert them with StreamingContext.getOrCreate(dir, createFn, { migrate: { '${name}': (state, key) => newState } }) or discard them with { startEmpty: ['${name}'] })`,
      { cause: e },
    );
  }

  private mismatch(state: unknown, key: unknown, what: string): DStreamError {
    const name = this.stateKey;
    const detail = what.startsWith('is ') ? '' : `: it ${what}`;
    return new DStreamError(
      'DSTREAM_ERR_STATE_MISMATCH',
      `The checkpointed state of '${name}' no longer matches the code: stored states are ${this.stored.toString()}, and ${this.producer} ${describe(state)} for key ${formatValue(key)}${detail}. ` +
        `Convert the stored states as they are restored with StreamingContext.getOrCreate(dir, createFn, { migrate: { '${name}': (state, key) => newState } }), discard them with { startEmpty: ['${name}'] }, or give the operator a new name; ` +
        `if the code does take states of both shapes, recover with { skipShapeCheck: ['${name}'] }.`,
    );
  }
}

/** A check of the states of `stateKey` restored with this shape, or none when there is nothing to compare. */
export function shapeCheckOf(
  stored: StateShape,
  stateKey: string,
  producer: string,
): ShapeCheck | undefined {
  return stored.isEmpty ? undefined : new ShapeCheck(stored, stateKey, producer);
}
