// One column of a data chunk filled from rows, with a loop chosen once per column for its type:
// the common columns (numbers, strings, booleans) skip the general conversion of values.ts, and
// BIGINT numbers are written as two 32-bit words instead of one BigInt allocated per value.
import { endianness } from 'node:os';
import type * as DuckDB from '@duckdb/node-api';
import { DStreamError } from '../errors.js';
import { AtomicType, type StructField } from './types.js';
import {
  describeValue,
  toDuckDBValue,
  ValueMismatch,
  type DuckDBModule,
  type Row,
} from './values.js';

const TWO_TO_32 = 4294967296;
const LITTLE_ENDIAN = endianness() === 'LE';

function throwRowShapeError(row: unknown, index: number): never {
  throw new DStreamError(
    'DSTREAM_ERR_SQL_SCHEMA',
    `createDataFrame: row ${index} is ${describeValue(row)}; a row is a plain object keyed by ` +
      'column name or an array in column order',
  );
}

/** The value of `row` at `column` (an array row) or `name` (an object row). */
function valueAt(row: Row | undefined, column: number, name: string, index: number): unknown {
  if (Array.isArray(row)) return (row as readonly unknown[])[column];
  if (typeof row === 'object' && row !== null) {
    return (row as Readonly<Record<string, unknown>>)[name];
  }
  return throwRowShapeError(row, index);
}

/**
 * The 32-bit words of a BIGINT vector's values, when the client keeps them in a BigInt64Array
 * (its `items`, not part of its typed API: looked for, never assumed) on a little-endian machine.
 */
function int64Words(vector: DuckDB.DuckDBVector): Int32Array | undefined {
  const items = (vector as unknown as { items?: unknown }).items;
  if (!LITTLE_ENDIAN || !(items instanceof BigInt64Array)) return undefined;
  return new Int32Array(items.buffer, items.byteOffset, items.length * 2);
}

/** Where a chunk's column comes from: `count` rows of `rows` from `start`, row numbers from `first`. */
export interface ColumnSlice {
  readonly rows: readonly Row[];
  readonly start: number;
  readonly count: number;
  /** The first row's index in the whole DataFrame, for error messages. */
  readonly first: number;
}

/**
 * Fills one column of the chunks of a load. After a null in a BIGINT column the vector keeps a
 * validity mask that the word-by-word writes would not update, so from then on (the full chunk's
 * vectors are reused) that column goes through setItem, which sets the mask for every value.
 */
export class ColumnWriter {
  private hadNull = false;
  private readonly kind: string;

  constructor(
    private readonly duckdb: DuckDBModule,
    private readonly field: StructField,
    private readonly column: number,
  ) {
    const t = field.dataType;
    this.kind = t instanceof AtomicType ? t.typeName : 'other';
  }

  /** Writes the slice into `vector` (then flushed by the caller); a mismatch names the row. */
  fill(vector: DuckDB.DuckDBVector, s: ColumnSlice): void {
    const { rows, start, count, first } = s;
    const { column } = this;
    const name = this.field.name;
    const type = this.field.dataType;
    let i = 0;
    try {
      switch (this.kind) {
        case 'double':
        case 'float':
          for (; i < count; i++) {
            const v = valueAt(rows[start + i], column, name, first + i);
            if (typeof v === 'number') vector.setItem(i, v);
            else vector.setItem(i, toDuckDBValue(this.duckdb, type, v));
          }
          return;
        case 'string':
        case 'boolean':
        case 'integer':
          // toDuckDBValue passes these through unwrapped: only its checks run.
          for (; i < count; i++) {
            vector.setItem(
              i,
              toDuckDBValue(this.duckdb, type, valueAt(rows[start + i], column, name, first + i)),
            );
          }
          return;
        case 'long': {
          const words = this.hadNull ? undefined : int64Words(vector);
          if (words === undefined) break;
          for (; i < count; i++) {
            const v = valueAt(rows[start + i], column, name, first + i);
            if (typeof v === 'number' && Number.isSafeInteger(v)) {
              const high = Math.floor(v / TWO_TO_32);
              words[2 * i] = v - high * TWO_TO_32;
              words[2 * i + 1] = high;
            } else {
              const value = toDuckDBValue(this.duckdb, type, v);
              if (value === null) this.hadNull = true;
              vector.setItem(i, value);
            }
          }
          return;
        }
      }
      for (; i < count; i++) {
        const v = valueAt(rows[start + i], column, name, first + i);
        vector.setItem(i, toDuckDBValue(this.duckdb, type, v));
      }
    } catch (e) {
      if (e instanceof ValueMismatch) {
        throw new DStreamError(
          'DSTREAM_ERR_SQL_SCHEMA',
          `createDataFrame: row ${first + i}, column '${name}': ${e.message}. ` +
            'Fix the row, or the schema given to createDataFrame',
        );
      }
      throw e;
    }
  }
}
