// The Spark type of each column DuckDB answers with, so that a query's DataFrame has a Spark
// schema. DuckDB's wider results are Spark's narrower names where Spark would answer with those:
// SUM over BIGINT is HUGEINT in DuckDB and bigint in Spark, so HUGEINT is LongType (a value
// past 64 bits still arrives whole, as a bigint).
import type * as DuckDB from '@duckdb/node-api';
import {
  ArrayType,
  BinaryType,
  BooleanType,
  ByteType,
  DateType,
  DecimalType,
  DoubleType,
  FloatType,
  IntegerType,
  LongType,
  MapType,
  ShortType,
  StringType,
  StructField,
  StructType,
  TimestampType,
  type DataType,
} from './types.js';

/** The Spark type of a DuckDB column type (types Spark lacks, such as UUID or TIME, are strings). */
export function sparkTypeOf(type: DuckDB.DuckDBType): DataType {
  switch (type.typeId) {
    case 1: // BOOLEAN
      return BooleanType;
    case 2: // TINYINT
      return ByteType;
    case 3: // SMALLINT
    case 6: // UTINYINT
      return ShortType;
    case 4: // INTEGER
    case 7: // USMALLINT
      return IntegerType;
    case 5: // BIGINT
    case 8: // UINTEGER
    case 9: // UBIGINT
    case 16: // HUGEINT
    case 32: // UHUGEINT
      return LongType;
    case 10: // FLOAT
      return FloatType;
    case 11: // DOUBLE
      return DoubleType;
    case 12: // TIMESTAMP
    case 20: // TIMESTAMP_S
    case 21: // TIMESTAMP_MS
    case 22: // TIMESTAMP_NS
    case 31: // TIMESTAMP_TZ
      return TimestampType;
    case 13: // DATE
      return DateType;
    case 18: // BLOB
      return BinaryType;
    case 19: {
      const decimal = type as DuckDB.DuckDBDecimalType;
      return new DecimalType(decimal.width, decimal.scale);
    }
    case 24: // LIST
    case 33: // ARRAY
      return new ArrayType(sparkTypeOf((type as DuckDB.DuckDBListType).valueType));
    case 26: {
      const map = type as DuckDB.DuckDBMapType;
      return new MapType(sparkTypeOf(map.keyType), sparkTypeOf(map.valueType));
    }
    case 25: {
      const struct = type as DuckDB.DuckDBStructType;
      return new StructType(
        struct.entryNames.map(
          (name, i) => new StructField(name, sparkTypeOf(struct.entryTypes[i]!)),
        ),
      );
    }
    default:
      return StringType;
  }
}

/** The schema of a query's answer. */
export function resultSchema(
  names: readonly string[],
  types: readonly DuckDB.DuckDBType[],
): StructType {
  return new StructType(names.map((name, i) => new StructField(name, sparkTypeOf(types[i]!))));
}
