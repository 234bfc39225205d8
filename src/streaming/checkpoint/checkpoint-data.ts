import { DStreamError } from '../../errors.js';
import { decodeDocument, encodeDocument } from '../../state/snapshot-codec.js';

/** Where a stateful stream's state was last snapshotted (relative to the checkpoint directory). */
export interface SnapshotRef {
  readonly timeMs: number;
  readonly file: string;
}

/**
 * A metadata checkpoint: what a restarted application needs besides its code (which it rebuilds
 * with `createFn`). Stored with the snapshot codec (kind `M`), see docs/checkpoint-format.md.
 */
export interface CheckpointRecord {
  readonly appName: string;
  readonly master: string;
  readonly batchDurationMs: number;
  readonly zeroTimeMs: number;
  /** The batch this checkpoint was written for (after its generation or its completion). */
  readonly checkpointTimeMs: number;
  /** Batches submitted and not yet completed when the checkpoint was written. */
  readonly pendingTimesMs: readonly number[];
  /** Each input stream's position, by input key. */
  readonly inputs: readonly { readonly key: string; readonly position: unknown }[];
  /** Each stateful stream by state key, with its latest snapshot (`null`: none yet). */
  readonly states: readonly { readonly key: string; readonly snapshot: SnapshotRef | null }[];
}

export function encodeCheckpoint(record: CheckpointRecord): Buffer {
  return encodeDocument({ recordVersion: CHECKPOINT_RECORD_VERSION, ...record });
}

/** The version of the record below; a later dstream that changes the record increments it. */
export const CHECKPOINT_RECORD_VERSION = 1;

/**
 * Decodes and checks a metadata checkpoint; throws `DSTREAM_ERR_SNAPSHOT_CORRUPT` if malformed,
 * `DSTREAM_ERR_CHECKPOINT_INCOMPATIBLE` if a newer dstream wrote it.
 */
export function decodeCheckpoint(data: Uint8Array): CheckpointRecord {
  const v = decodeDocument(data) as Record<string, unknown> | null;
  const bad = (what: string): never => {
    throw new DStreamError('DSTREAM_ERR_SNAPSHOT_CORRUPT', `Malformed checkpoint: ${what}`);
  };
  if (typeof v !== 'object' || v === null) return bad('not a record');
  const version = v.recordVersion;
  if (typeof version === 'number' && version > CHECKPOINT_RECORD_VERSION) {
    throw new DStreamError(
      'DSTREAM_ERR_CHECKPOINT_INCOMPATIBLE',
      `Checkpoint record version ${version} is not supported: this dstream reads version ${CHECKPOINT_RECORD_VERSION} (the file was written by a newer dstream)`,
    );
  }
  if (version !== CHECKPOINT_RECORD_VERSION) return bad(`record version ${String(version)}`);
  const str = (k: string) => (typeof v[k] === 'string' ? v[k] : bad(k));
  const num = (k: string) => (Number.isSafeInteger(v[k]) ? (v[k] as number) : bad(k));
  const pending = Array.isArray(v.pendingTimesMs)
    ? (v.pendingTimesMs as unknown[])
    : bad('pending');
  if (!pending.every((t) => Number.isSafeInteger(t))) bad('pending times');
  const inputs = Array.isArray(v.inputs) ? (v.inputs as Record<string, unknown>[]) : bad('inputs');
  for (const i of inputs) if (typeof i?.key !== 'string') bad('input key');
  const states = Array.isArray(v.states) ? (v.states as Record<string, unknown>[]) : bad('states');
  for (const s of states) {
    if (typeof s?.key !== 'string') bad('state key');
    const ref = s.snapshot as Record<string, unknown> | null;
    if (ref !== null && (typeof ref?.file !== 'string' || !Number.isSafeInteger(ref.timeMs))) {
      bad(`snapshot of ${String(s.key)}`);
    }
  }
  const record: CheckpointRecord = {
    appName: str('appName'),
    master: str('master'),
    batchDurationMs: num('batchDurationMs'),
    zeroTimeMs: num('zeroTimeMs'),
    checkpointTimeMs: num('checkpointTimeMs'),
    pendingTimesMs: pending as number[],
    inputs: inputs as unknown as CheckpointRecord['inputs'],
    states: states as unknown as CheckpointRecord['states'],
  };
  if (record.batchDurationMs <= 0) bad('batch duration');
  return record;
}
