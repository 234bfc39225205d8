import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { DStreamError, messageOf } from '../errors.js';
import { StorageLevel } from './storage-level.js';

/** A persisted partition: the records, their serialised bytes, or the file holding those. */
type StoredBlock =
  { readonly values: unknown[] } | { readonly bytes: Buffer } | { readonly file: string };

/**
 * Keeps the partitions of persisted RDDs, by RDD id and partition index, as their storage level
 * says (see {@link StorageLevel}): records as they are, serialised into a Buffer, or serialised
 * into a file of a directory made on first use under `localDir`.
 */
export class BlockManager {
  private readonly blocks = new Map<number, StoredBlock[]>();
  private diskDir: string | undefined;
  /**
   * In a task thread: emits the partitions of RDDs that the driver computes and ships (RDDs
   * created outside any stream's computation) and returns true; false for RDDs the thread
   * computes itself.
   */
  remote: ((rddId: number, split: number, emit: (item: unknown) => void) => boolean) | undefined;

  constructor(private readonly localDir: string = tmpdir()) {}

  /** The records of a partition (deserialised anew for serialised and disk levels). */
  get<T>(rddId: number, split: number): T[] | undefined {
    const block = this.blocks.get(rddId)?.[split];
    if (block === undefined) return undefined;
    if ('values' in block) return block.values as T[];
    const bytes = 'bytes' in block ? block.bytes : readFileSync(block.file);
    return deserialize(bytes) as T[];
  }

  /** Stores a computed partition at `level`. */
  put(rddId: number, split: number, block: unknown[], level = StorageLevel.MEMORY_ONLY): void {
    let parts = this.blocks.get(rddId);
    if (!parts) this.blocks.set(rddId, (parts = []));
    if (level.useMemory && level.deserialized) {
      parts[split] = { values: block };
      return;
    }
    const bytes = serializeBlock(rddId, split, block);
    if (level.useMemory) {
      parts[split] = { bytes };
      return;
    }
    this.diskDir ??= mkdtempSync(join(this.localDir, 'dstream-blockmgr-'));
    const file = join(this.diskDir, `rdd_${rddId}_${split}`);
    writeFileSync(file, bytes);
    parts[split] = { file };
  }

  hasAll(rddId: number, numPartitions: number): boolean {
    const parts = this.blocks.get(rddId);
    if (!parts) return numPartitions === 0;
    for (let i = 0; i < numPartitions; i++) if (!parts[i]) return false;
    return true;
  }

  /** How many partitions of an RDD are stored (for `toDebugString`). */
  storedPartitions(rddId: number): number {
    let n = 0;
    for (const block of this.blocks.get(rddId) ?? []) if (block !== undefined) n++;
    return n;
  }

  remove(rddId: number): void {
    for (const block of this.blocks.get(rddId) ?? []) {
      if (block !== undefined && 'file' in block) rmSync(block.file, { force: true });
    }
    this.blocks.delete(rddId);
  }

  clear(): void {
    this.blocks.clear();
    if (this.diskDir !== undefined) rmSync(this.diskDir, { recursive: true, force: true });
    this.diskDir = undefined;
  }
}

/**
 * A partition as bytes. The structured clone format keeps plain data only: an instance of a class
 * would come back as a plain object without its methods, so it is refused, as Spark refuses a
 * record that is not serialisable.
 */
function serializeBlock(rddId: number, split: number, block: unknown[]): Buffer {
  const sample = block[0];
  const notSerializable = (why: string) =>
    new DStreamError(
      'DSTREAM_ERR_NOT_SERIALIZABLE',
      `Task not serializable: partition ${split} of RDD ${rddId} holds ${why}, which a serialised or disk storage level cannot store. Persist it with StorageLevel.MEMORY_ONLY, or map the records to plain data first`,
    );
  if (!isPlainData(sample)) {
    const kind =
      typeof sample === 'object' && sample !== null
        ? `a ${(sample as { constructor?: { name?: string } }).constructor?.name ?? 'class instance'}`
        : `a ${typeof sample}`;
    throw notSerializable(kind);
  }
  try {
    return serialize(block);
  } catch (e) {
    throw notSerializable(`a value that cannot be serialised (${messageOf(e)})`);
  }
}

/** Whether a structured clone of `x` is equivalent to it, judged on the value and its first items. */
function isPlainData(x: unknown, depth = 0): boolean {
  if (typeof x === 'function' || typeof x === 'symbol') return false;
  if (typeof x !== 'object' || x === null || depth > 3) return true;
  if (Array.isArray(x)) return x.length === 0 || isPlainData(x[0], depth + 1);
  const proto: unknown = Object.getPrototypeOf(x);
  if (proto === Object.prototype || proto === null) {
    for (const k in x) return isPlainData((x as Record<string, unknown>)[k], depth + 1);
    return true;
  }
  if (x instanceof Map) {
    for (const [k, v] of x) return isPlainData(k, depth + 1) && isPlainData(v, depth + 1);
    return true;
  }
  if (x instanceof Set) {
    for (const v of x) return isPlainData(v, depth + 1);
    return true;
  }
  return ArrayBuffer.isView(x) || x instanceof Date || x instanceof RegExp;
}
