// Spark SQL's data types, by Spark's names: the singletons StringType, IntegerType, LongType...
// and the parameterised DecimalType, ArrayType, MapType and StructType. Each knows its Spark names
// (`typeName` for printSchema, `simpleString` for DDL) and the DuckDB type that holds it.

/** The names of Spark's types without parameters, as `typeName` spells them. */
export type AtomicTypeName =
  | 'string'
  | 'integer'
  | 'long'
  | 'short'
  | 'byte'
  | 'double'
  | 'float'
  | 'boolean'
  | 'date'
  | 'timestamp'
  | 'binary';

/** A Spark SQL data type: `StringType`, `new DecimalType(10, 2)`, `new ArrayType(IntegerType)`... */
export type DataType = AtomicType | DecimalType | ArrayType | MapType | StructType;

/** A type without parameters; use the exported singletons (`StringType`, `LongType`...). */
export class AtomicType {
  /** Which kind of type this is, to tell the members of {@link DataType} apart. */
  readonly kind = 'atomic';
  /** @internal */
  constructor(
    /** Spark's `typeName`, printed by printSchema: `integer`, `long`, `string`... */
    readonly typeName: AtomicTypeName,
    private readonly simple: string,
    /** @internal the DuckDB type that holds it */
    readonly duckdbType: string,
  ) {}

  /** Spark's `simpleString`, as in DDL: `int`, `bigint`, `string`... */
  simpleString(): string {
    return this.simple;
  }

  /** The same as `simpleString()`. */
  toString(): string {
    return this.simple;
  }
}

/** Spark's `StringType`: text, a JS string. */
export const StringType = new AtomicType('string', 'string', 'VARCHAR');
/** Spark's `IntegerType` (`int`): a 32-bit integer, a JS number. */
export const IntegerType = new AtomicType('integer', 'int', 'INTEGER');
/** Spark's `LongType` (`bigint`): a 64-bit integer, a JS number (a bigint past 2^53). */
export const LongType = new AtomicType('long', 'bigint', 'BIGINT');
/** Spark's `ShortType` (`smallint`): a 16-bit integer, a JS number. */
export const ShortType = new AtomicType('short', 'smallint', 'SMALLINT');
/** Spark's `ByteType` (`tinyint`): an 8-bit integer, a JS number. */
export const ByteType = new AtomicType('byte', 'tinyint', 'TINYINT');
/** Spark's `DoubleType`: a 64-bit float, a JS number. */
export const DoubleType = new AtomicType('double', 'double', 'DOUBLE');
/** Spark's `FloatType`: a 32-bit float, a JS number. */
export const FloatType = new AtomicType('float', 'float', 'FLOAT');
/** Spark's `BooleanType`: a JS boolean. */
export const BooleanType = new AtomicType('boolean', 'boolean', 'BOOLEAN');
/** Spark's `DateType`: a calendar date. */
export const DateType = new AtomicType('date', 'date', 'DATE');
// Spark's TIMESTAMP is an instant (TIMESTAMP_LTZ), printed in the session time zone; DuckDB keeps
// its microseconds since the epoch in UTC (docs/sql.md says what SQL functions then see).
/** Spark's `TimestampType`: an instant, a JS `Date`. */
export const TimestampType = new AtomicType('timestamp', 'timestamp', 'TIMESTAMP');
/** Spark's `BinaryType`: bytes, a `Uint8Array`. */
export const BinaryType = new AtomicType('binary', 'binary', 'BLOB');

/** `DECIMAL(precision, scale)`; Spark's default is (10, 0), its maximum precision 38. */
export class DecimalType {
  /** Which kind of type this is, to tell the members of {@link DataType} apart. */
  readonly kind = 'decimal';
  /**
   * @param precision How many digits in all (at most 38).
   * @param scale How many of them after the decimal point.
   */
  constructor(
    readonly precision = 10,
    readonly scale = 0,
  ) {}

  /** Spark's `typeName`: `decimal(precision,scale)`. */
  get typeName(): string {
    return `decimal(${this.precision},${this.scale})`;
  }

  /** Spark's `simpleString`: the same as `typeName`. */
  simpleString(): string {
    return this.typeName;
  }

  /** The same as `simpleString()`. */
  toString(): string {
    return this.typeName;
  }
}

/** `ARRAY<elementType>`: a JS array. */
export class ArrayType {
  /** Which kind of type this is, to tell the members of {@link DataType} apart. */
  readonly kind = 'array';
  /** Spark's `typeName`, printed by `printSchema`. */
  readonly typeName = 'array';
  /**
   * @param elementType The type of the elements.
   * @param containsNull Whether elements may be null.
   */
  constructor(
    readonly elementType: DataType,
    readonly containsNull = true,
  ) {}

  /** Spark's `simpleString`: `array<element>`. */
  simpleString(): string {
    return `array<${this.elementType.simpleString()}>`;
  }

  /** The same as `simpleString()`. */
  toString(): string {
    return this.simpleString();
  }
}

/** `MAP<keyType, valueType>`: a JS `Map`. */
export class MapType {
  /** Which kind of type this is, to tell the members of {@link DataType} apart. */
  readonly kind = 'map';
  /** Spark's `typeName`, printed by `printSchema`. */
  readonly typeName = 'map';
  /**
   * @param keyType The type of the keys (never null).
   * @param valueType The type of the values.
   * @param valueContainsNull Whether values may be null.
   */
  constructor(
    readonly keyType: DataType,
    readonly valueType: DataType,
    readonly valueContainsNull = true,
  ) {}

  /** Spark's `simpleString`: `map<key,value>`. */
  simpleString(): string {
    return `map<${this.keyType.simpleString()},${this.valueType.simpleString()}>`;
  }

  /** The same as `simpleString()`. */
  toString(): string {
    return this.simpleString();
  }
}

/** One column of a {@link StructType}: like Spark's `StructField(name, dataType, nullable = true)`. */
export class StructField {
  /**
   * @param name The column's name.
   * @param dataType The column's type.
   * @param nullable Whether the column may hold nulls.
   */
  constructor(
    readonly name: string,
    readonly dataType: DataType,
    readonly nullable = true,
  ) {}
}

/**
 * The schema of a DataFrame, and the type of a struct column: its fields in order.
 *
 * ```ts
 * const schema = new StructType().add('word', StringType).add('total', LongType);
 * const same = new StructType([new StructField('word', StringType), new StructField('total', LongType)]);
 * ```
 */
export class StructType {
  /** Which kind of type this is, to tell the members of {@link DataType} apart. */
  readonly kind = 'struct';
  /** Spark's `typeName`, printed by `printSchema`. */
  readonly typeName = 'struct';
  /** The fields, in column order. */
  readonly fields: readonly StructField[];

  constructor(fields: readonly StructField[] = []) {
    this.fields = [...fields];
  }

  /** A new StructType with one more field at the end, as Spark's `add`. */
  add(name: string, dataType: DataType, nullable = true): StructType {
    return new StructType([...this.fields, new StructField(name, dataType, nullable)]);
  }

  /** The fields' names, in order, as Spark's `fieldNames`. */
  fieldNames(): string[] {
    return this.fields.map((f) => f.name);
  }

  /** How many fields there are. */
  get length(): number {
    return this.fields.length;
  }

  /** Spark's `simpleString`: `struct<word:string,total:bigint>`. */
  simpleString(): string {
    return `struct<${this.fields.map((f) => `${f.name}:${f.dataType.simpleString()}`).join(',')}>`;
  }

  /** The schema as Spark's DDL: `word STRING, total BIGINT`. */
  toDDL(): string {
    return this.fields.map((f) => `${quoteIfNeeded(f.name)} ${ddlOf(f.dataType)}`).join(', ');
  }

  /** What printSchema prints: `root`, then ` |-- name: type (nullable = true)` per field. */
  treeString(): string {
    const lines = ['root'];
    for (const f of this.fields)
      appendField(lines, ' |', f.name, f.dataType, `nullable = ${f.nullable}`);
    return lines.join('\n') + '\n';
  }

  /** The same as `simpleString()`. */
  toString(): string {
    return this.simpleString();
  }
}

/** Spark's tree of one field, and of the element, key, value or fields inside it. */
function appendField(
  lines: string[],
  prefix: string,
  name: string,
  type: DataType,
  nullability: string | undefined,
): void {
  const suffix = nullability === undefined ? '' : ` (${nullability})`;
  lines.push(`${prefix}-- ${name}: ${type.typeName}${suffix}`);
  const inner = `${prefix}    |`;
  if (type instanceof ArrayType) {
    appendField(lines, inner, 'element', type.elementType, `containsNull = ${type.containsNull}`);
  } else if (type instanceof MapType) {
    appendField(lines, inner, 'key', type.keyType, undefined);
    appendField(
      lines,
      inner,
      'value',
      type.valueType,
      `valueContainsNull = ${type.valueContainsNull}`,
    );
  } else if (type instanceof StructType) {
    for (const f of type.fields) {
      appendField(lines, inner, f.name, f.dataType, `nullable = ${f.nullable}`);
    }
  }
}

function quoteIfNeeded(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : '`' + name.replaceAll('`', '``') + '`';
}

/** A type in Spark's DDL spelling (`BIGINT`, `ARRAY<STRING>`, `STRUCT<a: INT>`). */
export function ddlOf(type: DataType): string {
  if (type instanceof StructType) {
    return `STRUCT<${type.fields.map((f) => `${quoteIfNeeded(f.name)}: ${ddlOf(f.dataType)}`).join(', ')}>`;
  }
  if (type instanceof ArrayType) return `ARRAY<${ddlOf(type.elementType)}>`;
  if (type instanceof MapType) return `MAP<${ddlOf(type.keyType)}, ${ddlOf(type.valueType)}>`;
  return type.simpleString().toUpperCase();
}

/** @internal The DuckDB column type that holds values of `type`. */
export function duckdbTypeOf(type: DataType): string {
  if (type instanceof AtomicType) return type.duckdbType;
  if (type instanceof DecimalType) return `DECIMAL(${type.precision}, ${type.scale})`;
  if (type instanceof ArrayType) return `${duckdbTypeOf(type.elementType)}[]`;
  if (type instanceof MapType) {
    return `MAP(${duckdbTypeOf(type.keyType)}, ${duckdbTypeOf(type.valueType)})`;
  }
  return `STRUCT(${type.fields.map((f) => `${quoteIdentifier(f.name)} ${duckdbTypeOf(f.dataType)}`).join(', ')})`;
}

/** @internal A name as a DuckDB identifier, whatever characters it holds. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
