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

/** DuckDB's type ids, from the module loaded at run time (an optional peer). */
type TypeIds = typeof DuckDB.DuckDBTypeId;

/** The Spark type of a DuckDB column type (types Spark lacks, such as UUID or TIME, are strings). */
export function sparkTypeOf(type: DuckDB.DuckDBType, id: TypeIds): DataType {
  switch (type.typeId) {
    case id.BOOLEAN:
      return BooleanType;
    case id.TINYINT:
      return ByteType;
    case id.SMALLINT:
    case id.UTINYINT:
      return ShortType;
    case id.INTEGER:
    case id.USMALLINT:
      return IntegerType;
    case id.BIGINT:
    case id.UINTEGER:
    case id.UBIGINT:
    case id.HUGEINT:
    case id.UHUGEINT:
      return LongType;
    case id.FLOAT:
      return FloatType;
    case id.DOUBLE:
      return DoubleType;
    case id.TIMESTAMP:
    case id.TIMESTAMP_S:
    case id.TIMESTAMP_MS:
    case id.TIMESTAMP_NS:
    case id.TIMESTAMP_TZ:
      return TimestampType;
    case id.DATE:
      return DateType;
    case id.BLOB:
      return BinaryType;
    case id.DECIMAL: {
      return new DecimalType(type.width, type.scale);
    }
    case id.LIST:
    case id.ARRAY:
      return new ArrayType(sparkTypeOf(type.valueType, id));
    case id.MAP: {
      return new MapType(sparkTypeOf(type.keyType, id), sparkTypeOf(type.valueType, id));
    }
    case id.STRUCT:
      return new StructType(
        type.entryNames.map(
          (name, i) => new StructField(name, sparkTypeOf(type.entryTypes[i]!, id)),
        ),
      );
    default:
      return StringType;
  }
}

/** The schema of a query's answer. */
export function resultSchema(
  names: readonly string[],
  types: readonly DuckDB.DuckDBType[],
  id: TypeIds,
): StructType {
  return new StructType(names.map((name, i) => new StructField(name, sparkTypeOf(types[i]!, id))));
}
