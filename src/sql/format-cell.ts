// A cell as Spark 3.5's show() writes it (ToPrettyString): NULL, Java's doubles, decimals at their
// scale, dates yyyy-MM-dd, timestamps yyyy-MM-dd HH:mm:ss[.fraction] in the session time zone,
// [a, b] for arrays, {k -> v} for maps, {a, b} for structs, [0A 1B] for binary.
import type * as DuckDB from '@duckdb/node-api';
import { javaDoubleString, javaFloatString } from './java-number.js';
import { ArrayType, AtomicType, MapType, StructType, type DataType } from './types.js';

const MS_PER_DAY = 86_400_000;

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function isoDay(date: Date): string {
  return `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}`;
}

/** Writes timestamps in one time zone: the wall-clock fields of an instant there. */
export class TimestampFormatter {
  private readonly parts: Intl.DateTimeFormat | undefined;

  constructor(timeZone: string) {
    this.parts =
      timeZone === 'UTC'
        ? undefined
        : new Intl.DateTimeFormat('en-US', {
            timeZone,
            hourCycle: 'h23',
            year: 'numeric',
            month: 'numeric',
            day: 'numeric',
            hour: 'numeric',
            minute: 'numeric',
            second: 'numeric',
          });
  }

  format(micros: bigint): string {
    const fraction = Number(((micros % 1_000_000n) + 1_000_000n) % 1_000_000n);
    const seconds = Number((micros - BigInt(fraction)) / 1_000_000n);
    const wall = this.wallClock(seconds * 1000);
    const frac = fraction === 0 ? '' : '.' + pad(fraction, 6).replace(/0+$/, '');
    return `${wall}${frac}`;
  }

  private wallClock(ms: number): string {
    const date = new Date(ms);
    if (this.parts === undefined) {
      const time = `${pad(date.getUTCHours(), 2)}:${pad(date.getUTCMinutes(), 2)}:${pad(date.getUTCSeconds(), 2)}`;
      return `${isoDay(date)} ${time}`;
    }
    const f: Record<string, number> = {};
    for (const p of this.parts.formatToParts(date)) f[p.type] = Number(p.value);
    return (
      `${pad(f.year!, 4)}-${pad(f.month!, 2)}-${pad(f.day!, 2)} ` +
      `${pad(f.hour!, 2)}:${pad(f.minute!, 2)}:${pad(f.second!, 2)}`
    );
  }
}

/** The text of one value of `type`, as Spark's show() writes it before truncation. */
export function formatCell(
  type: DataType,
  value: DuckDB.DuckDBValue,
  timestamps: TimestampFormatter,
): string {
  if (value === null) return 'NULL';
  if (type instanceof AtomicType) {
    switch (type.typeName) {
      case 'double':
        return javaDoubleString(Number(value));
      case 'float':
        return javaFloatString(Number(value));
      case 'date':
        return isoDay(new Date((value as DuckDB.DuckDBDateValue).days * MS_PER_DAY));
      case 'timestamp':
        return timestamps.format((value as DuckDB.DuckDBTimestampValue).micros);
      case 'binary':
        return `[${[...(value as DuckDB.DuckDBBlobValue).bytes]
          .map((b) => b.toString(16).toUpperCase().padStart(2, '0'))
          .join(' ')}]`;
      default:
        return String(value);
    }
  }
  if (type instanceof ArrayType) {
    const items = (value as DuckDB.DuckDBListValue).items;
    return `[${items.map((v) => formatCell(type.elementType, v, timestamps)).join(', ')}]`;
  }
  if (type instanceof MapType) {
    const entries = (value as DuckDB.DuckDBMapValue).entries;
    return `{${entries
      .map(
        (e) =>
          `${formatCell(type.keyType, e.key, timestamps)} -> ${formatCell(type.valueType, e.value, timestamps)}`,
      )
      .join(', ')}}`;
  }
  if (type instanceof StructType) {
    const entries = (value as DuckDB.DuckDBStructValue).entries;
    return `{${type.fields.map((f) => formatCell(f.dataType, entries[f.name] ?? null, timestamps)).join(', ')}}`;
  }
  // A decimal: DuckDB's text keeps the scale's digits, as Spark's toPlainString.
  return String(value);
}
