// A query's rows as users get them from collect() and df.rdd: plain objects of natural JS values.
// Read column by column (one converter per column, chosen once), never as DuckDB's row arrays:
// a million-row result would otherwise allocate a million arrays that are thrown away at once.
import type * as DuckDB from '@duckdb/node-api';
import type { ResultRow } from './dataframe.js';
import { DecimalType, type DataType, type StructType } from './types.js';
import { toNaturalValue } from './values.js';

type Converter = (value: DuckDB.DuckDBValue) => unknown;

/** 10^15: a decimal whose unscaled value is below it has at most 15 digits, which a double holds. */
const EXACT_IN_DOUBLE = 10n ** 15n;

/**
 * A decimal as a number when a double holds its digits exactly (at most 15), else its text.
 * `unscaled / 10^scale` is then the double nearest the decimal, as parsing its text would give:
 * both operands are exact and IEEE division rounds correctly.
 */
function decimalConverter(type: DecimalType): Converter {
  const divisor = 10 ** type.scale;
  return (value) => {
    if (value === null || typeof value !== 'object' || !('scale' in value)) {
      return toNaturalValue(type, value);
    }
    const unscaled = value.value;
    return unscaled < EXACT_IN_DOUBLE && unscaled > -EXACT_IN_DOUBLE
      ? Number(unscaled) / divisor
      : value.toString();
  };
}

function converterFor(type: DataType): Converter {
  if (type instanceof DecimalType) return decimalConverter(type);
  return (value) => toNaturalValue(type, value);
}

/** The rows of `reader`'s result under `schema`, as plain objects keyed by column name. */
export function naturalRows(schema: StructType, reader: DuckDB.DuckDBResultReader): ResultRow[] {
  const fields = schema.fields;
  const rowCount = reader.currentRowCount;
  const rows: ResultRow[] = new Array<ResultRow>(rowCount);
  for (let r = 0; r < rowCount; r++) rows[r] = {};
  const columns = reader.getColumns();
  for (let c = 0; c < fields.length; c++) {
    const name = fields[c]!.name;
    const convert = converterFor(fields[c]!.dataType);
    const column = columns[c]!;
    for (let r = 0; r < rowCount; r++) rows[r]![name] = convert(column[r]!);
  }
  return rows;
}
