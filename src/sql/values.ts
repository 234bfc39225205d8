// Rows as users hold them (plain objects or arrays of natural JS values) checked against the
// schema on their way into DuckDB, and DuckDB's values turned back into natural JS values.
import type * as DuckDB from '@duckdb/node-api';
import type { SqlInputRow } from '../rdd/sql-implicits.js';
import { ArrayType, AtomicType, DecimalType, MapType, StructType, type DataType } from './types.js';

/** A row: a plain object keyed by column name, or an array in column order. */
export type Row = SqlInputRow;

/** The DuckDB value classes, from the module loaded on first use (an optional peer). */
export type DuckDBModule = typeof DuckDB;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** A value for an error message: its JSON-ish text and its JS type. */
export function describeValue(value: unknown): string {
  const type =
    value instanceof Date
      ? 'Date'
      : value instanceof Map
        ? 'Map'
        : Array.isArray(value)
          ? 'array'
          : typeof value;
  let text: string;
  try {
    text = typeof value === 'bigint' ? `${value}n` : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return `${text.length > 60 ? text.slice(0, 57) + '...' : text} of type ${type}`;
}

const INT_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  integer: [-2147483648, 2147483647],
  short: [-32768, 32767],
  byte: [-128, 127],
};
const MS_PER_DAY = 86_400_000;

/** A mismatch, thrown from deep inside a value; createDataFrame adds the row and column. */
export class ValueMismatch extends Error {}

function mismatch(type: DataType, value: unknown, expected: string): never {
  throw new ValueMismatch(
    `${type.simpleString()} can not accept ${describeValue(value)} (expected ${expected})`,
  );
}

/** A decimal's digits at `scale`, rounded half up as Spark's changePrecision does. */
function decimalUnscaled(type: DecimalType, value: unknown): bigint {
  const text =
    typeof value === 'number' && Number.isFinite(value)
      ? Math.abs(value) < 1e21
        ? value.toFixed(Math.min(100, type.scale + 1))
        : BigInt(value).toString()
      : typeof value === 'bigint'
        ? value.toString()
        : typeof value === 'string'
          ? value.trim()
          : mismatch(type, value, 'a number, a bigint or a decimal string');
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (m === null || (m[2] === '' && (m[3] ?? '') === '')) {
    mismatch(type, value, 'a number, a bigint or a decimal string');
  }
  const fraction = (m[3] ?? '').padEnd(type.scale + 1, '0');
  let unscaled = BigInt((m[2] || '0') + fraction.slice(0, type.scale));
  if (Number(fraction[type.scale]) >= 5) unscaled += 1n;
  if (unscaled.toString().length > type.precision) {
    mismatch(type, value, `at most ${type.precision - type.scale} digits before the point`);
  }
  return m[1] === '-' ? -unscaled : unscaled;
}

/**
 * The DuckDB value of one natural JS value of `type` (null stays null); a {@link ValueMismatch}
 * when the value cannot be one. Primitives pass through: no wrapper for the common columns.
 */
export function toDuckDBValue(
  duckdb: DuckDBModule,
  type: DataType,
  value: unknown,
): DuckDB.DuckDBValue {
  if (value === null || value === undefined) return null;
  if (type instanceof AtomicType) {
    switch (type.typeName) {
      case 'string':
        return typeof value === 'string' ? value : mismatch(type, value, 'a string');
      case 'double':
      case 'float':
        return typeof value === 'number' ? value : mismatch(type, value, 'a number');
      case 'boolean':
        return typeof value === 'boolean' ? value : mismatch(type, value, 'a boolean');
      case 'long':
        if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
        if (typeof value === 'bigint' && BigInt.asIntN(64, value) === value) return value;
        return mismatch(type, value, 'an integral number, or a bigint within 64 bits');
      case 'integer':
      case 'short':
      case 'byte': {
        const [min, max] = INT_RANGES[type.typeName]!;
        if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) {
          return value;
        }
        return mismatch(type, value, `an integral number from ${min} to ${max}`);
      }
      case 'date':
        if (value instanceof Date && !Number.isNaN(value.getTime())) {
          return new duckdb.DuckDBDateValue(Math.floor(value.getTime() / MS_PER_DAY));
        }
        if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
          return new duckdb.DuckDBDateValue(Math.floor(Date.parse(value) / MS_PER_DAY));
        }
        return mismatch(type, value, "a Date, or a 'yyyy-MM-dd' string");
      case 'timestamp':
        if (value instanceof Date && !Number.isNaN(value.getTime())) {
          return new duckdb.DuckDBTimestampValue(BigInt(value.getTime()) * 1000n);
        }
        return mismatch(type, value, 'a Date');
      case 'binary':
        return value instanceof Uint8Array
          ? new duckdb.DuckDBBlobValue(value)
          : mismatch(type, value, 'a Uint8Array (or Buffer)');
    }
  }
  if (type instanceof DecimalType) {
    return new duckdb.DuckDBDecimalValue(decimalUnscaled(type, value), type.precision, type.scale);
  }
  if (type instanceof ArrayType) {
    if (!Array.isArray(value)) return mismatch(type, value, 'an array');
    return new duckdb.DuckDBListValue(value.map((v) => toDuckDBValue(duckdb, type.elementType, v)));
  }
  if (type instanceof MapType) {
    const entries =
      value instanceof Map
        ? [...(value as Map<unknown, unknown>)]
        : isPlainObject(value)
          ? Object.entries(value)
          : mismatch(type, value, 'a Map');
    return new duckdb.DuckDBMapValue(
      entries.map(([k, v]) => ({
        key: toDuckDBValue(duckdb, type.keyType, k),
        value: toDuckDBValue(duckdb, type.valueType, v),
      })),
    );
  }
  return structValue(duckdb, type, value);
}

function structValue(duckdb: DuckDBModule, type: StructType, value: unknown): DuckDB.DuckDBValue {
  const entries: Record<string, DuckDB.DuckDBValue> = {};
  if (Array.isArray(value)) {
    type.fields.forEach((f, i) => (entries[f.name] = toDuckDBValue(duckdb, f.dataType, value[i])));
  } else if (isPlainObject(value)) {
    for (const f of type.fields) entries[f.name] = toDuckDBValue(duckdb, f.dataType, value[f.name]);
  } else {
    mismatch(type, value, 'a plain object keyed by field name, or an array in field order');
  }
  return new duckdb.DuckDBStructValue(entries);
}

/** A natural JS number for a 64-bit or wider integer that fits in a double exactly, else a bigint. */
function integral(value: bigint): number | bigint {
  return value >= -9007199254740991n && value <= 9007199254740991n ? Number(value) : value;
}

/**
 * The natural JS value of a DuckDB value of `type`: numbers (a bigint past 2^53, a string for a
 * decimal a double cannot hold), strings, booleans, Dates, Maps, plain objects, arrays, null.
 */
export function toNaturalValue(type: DataType, value: DuckDB.DuckDBValue): unknown {
  if (value === null) return null;
  if (typeof value === 'bigint') return integral(value);
  if (typeof value !== 'object') return value;
  if (type instanceof DecimalType) {
    const text = value.toString();
    // Up to 15 significant digits a double holds exactly, as written.
    return text.replace(/[-.]/g, '').replace(/^0+/, '').length <= 15 ? Number(text) : text;
  }
  if (type instanceof ArrayType && 'items' in value) {
    return value.items.map((v) => toNaturalValue(type.elementType, v));
  }
  if (type instanceof MapType && 'entries' in value && Array.isArray(value.entries)) {
    const entries = value.entries as readonly DuckDB.DuckDBMapEntry[];
    return new Map(
      entries.map((e) => [
        toNaturalValue(type.keyType, e.key),
        toNaturalValue(type.valueType, e.value),
      ]),
    );
  }
  if (type instanceof StructType && 'entries' in value) {
    const entries = value.entries as Readonly<Record<string, DuckDB.DuckDBValue>>;
    const out: Record<string, unknown> = {};
    for (const f of type.fields) out[f.name] = toNaturalValue(f.dataType, entries[f.name] ?? null);
    return out;
  }
  if ('days' in value) return new Date(value.days * MS_PER_DAY);
  if ('micros' in value && typeof value.micros === 'bigint') {
    return new Date(Number(value.micros / 1000n) - (value.micros % 1000n < 0n ? 1 : 0));
  }
  if ('bytes' in value) return value.bytes;
  return value.toString();
}
