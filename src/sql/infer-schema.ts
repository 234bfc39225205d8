// A schema read off the rows when createDataFrame is given none, as PySpark infers one: integral
// numbers are BIGINT, others DOUBLE (a column with both is DOUBLE), strings STRING, booleans
// BOOLEAN, Dates TIMESTAMP, bigints BIGINT, byte arrays BINARY, arrays ARRAY, Maps MAP, plain
// objects STRUCT. Object rows name their columns by key (first seen first); array rows are
// _1, _2, ... as Spark names a tuple's fields.
import { DStreamError } from '../errors.js';
import {
  ArrayType,
  BinaryType,
  BooleanType,
  DoubleType,
  LongType,
  MapType,
  StringType,
  StructField,
  StructType,
  TimestampType,
  type DataType,
} from './types.js';
import { describeValue, isPlainObject, type Row } from './values.js';

/** `undefined` while only nulls have been seen. */
type Inferred = DataType | undefined;

// The element of an empty array, or key or value of an empty Map: unknown until a later row shows
// one, STRING if none does.
const UNKNOWN = new ArrayType(StringType);

function known(type: Inferred): DataType {
  if (type === undefined || type === UNKNOWN) return StringType;
  if (type instanceof ArrayType) return new ArrayType(known(type.elementType));
  if (type instanceof MapType) return new MapType(known(type.keyType), known(type.valueType));
  if (type instanceof StructType) {
    return new StructType(type.fields.map((f) => new StructField(f.name, known(f.dataType))));
  }
  return type;
}

function inferValue(value: unknown, where: string): Inferred {
  if (value === null || value === undefined) return undefined;
  switch (typeof value) {
    case 'number':
      return Number.isInteger(value) ? LongType : DoubleType;
    case 'bigint':
      return LongType;
    case 'string':
      return StringType;
    case 'boolean':
      return BooleanType;
  }
  if (value instanceof Date) return TimestampType;
  if (value instanceof Uint8Array) return BinaryType;
  if (Array.isArray(value)) {
    let element: Inferred;
    for (const item of value) element = merge(element, inferValue(item, where), where);
    return new ArrayType(element ?? UNKNOWN);
  }
  if (value instanceof Map) {
    let key: Inferred;
    let val: Inferred;
    for (const [k, v] of value) {
      key = merge(key, inferValue(k, where), where);
      val = merge(val, inferValue(v, where), where);
    }
    return new MapType(key ?? UNKNOWN, val ?? UNKNOWN);
  }
  if (isPlainObject(value)) {
    return new StructType(
      Object.entries(value).map(
        ([k, v]) => new StructField(k, inferValue(v, `${where}.${k}`) ?? UNKNOWN),
      ),
    );
  }
  throw new DStreamError(
    'DSTREAM_ERR_SQL_SCHEMA',
    `cannot infer a type for ${where}: ${describeValue(value)}. Pass a schema to createDataFrame`,
  );
}

function merge(a: Inferred, b: Inferred, where: string): Inferred {
  if (a === undefined || a === UNKNOWN) return b ?? a;
  if (b === undefined || b === UNKNOWN || a === b) return a;
  if (a instanceof ArrayType && b instanceof ArrayType) {
    return new ArrayType(merge(a.elementType, b.elementType, where)!);
  }
  if (a instanceof MapType && b instanceof MapType) {
    return new MapType(
      merge(a.keyType, b.keyType, where)!,
      merge(a.valueType, b.valueType, where)!,
    );
  }
  if (a instanceof StructType && b instanceof StructType) {
    const names = [...new Set([...a.fieldNames(), ...b.fieldNames()])];
    const typeIn = (s: StructType, name: string): Inferred =>
      s.fields.find((f) => f.name === name)?.dataType;
    return new StructType(
      names.map(
        (n) => new StructField(n, merge(typeIn(a, n), typeIn(b, n), `${where}.${n}`) ?? UNKNOWN),
      ),
    );
  }
  if ((a === LongType && b === DoubleType) || (a === DoubleType && b === LongType)) {
    return DoubleType;
  }
  if (a.simpleString() === b.simpleString()) return a;
  throw new DStreamError(
    'DSTREAM_ERR_SQL_SCHEMA',
    `cannot infer one type for ${where}: it holds both ${a.simpleString()} and ${b.simpleString()}. ` +
      'Pass a schema to createDataFrame',
  );
}

/** The schema of `rows`, or a DSTREAM_ERR_SQL_SCHEMA error that says which column defeats it. */
export function inferSchema(rows: readonly Row[]): StructType {
  if (rows.length === 0) {
    throw new DStreamError(
      'DSTREAM_ERR_SQL_SCHEMA',
      'can not infer schema from empty dataset: pass a schema to createDataFrame',
    );
  }
  const names: string[] = [];
  const types = new Map<string, Inferred>();
  for (const row of rows) {
    const entries: [string, unknown][] = Array.isArray(row)
      ? row.map((v, i) => [`_${i + 1}`, v])
      : Object.entries(row);
    for (const [name, value] of entries) {
      if (!types.has(name)) names.push(name);
      types.set(name, merge(types.get(name), inferValue(value, `column '${name}'`), name));
    }
  }
  return new StructType(
    names.map((name) => {
      const type = types.get(name);
      if (type === undefined || type === UNKNOWN) {
        throw new DStreamError(
          'DSTREAM_ERR_SQL_SCHEMA',
          `Some of types cannot be determined after inferring: column '${name}' is null in every row. ` +
            'Pass a schema to createDataFrame',
        );
      }
      return new StructField(name, known(type));
    }),
  );
}
