// The check `toDF(...colNames)` makes when the columns are known: one new name per column.
import { DStreamError } from '../errors.js';
import type { StructType } from './types.js';

/** Spark's check of `toDF(colNames)`: one new name per column. Returns the schema unchanged. */
export function checkColumnCount(schema: StructType, colNames: readonly string[]): StructType {
  if (colNames.length === 0 || colNames.length === schema.fields.length) return schema;
  throw new DStreamError(
    'DSTREAM_ERR_SQL_SCHEMA',
    "requirement failed: The number of columns doesn't match.\n" +
      `Old column names (${schema.fields.length}): ${schema.fieldNames().join(', ')}\n` +
      `New column names (${colNames.length}): ${colNames.join(', ')}`,
  );
}
