// The DSL's column functions, as Spark's `org.apache.spark.sql.functions`: each builds a Column
// whose SQL DuckDB runs and whose name is the one Spark gives (`sum(total)`, `count(1)`).
import { DStreamError } from '../errors.js';
import { caseOf, Column, literal, nameOf, quoteString, type Literal } from './column.js';
import type { DataFrame } from './dataframe.js';

export { window } from './window-function.js';

/** The column `colName` of the DataFrame it is used on (`'a.b'` is field b of struct a). */
export function col(colName: string): Column {
  return new Column((s) =>
    colName === '*' ? { sql: s.star(), name: undefined } : s.resolve(colName),
  );
}

/** Alias of {@link col}. */
export function column(colName: string): Column {
  return col(colName);
}

/** @internal The column `colName` of one DataFrame, as `df.col(name)`: pins a side of a join. */
export function boundColumn(owner: DataFrame, colName: string): Column {
  return new Column((s) =>
    colName === '*' ? { sql: s.star(owner.plan), name: undefined } : s.resolve(colName, owner.plan),
  );
}

/** A literal value: `lit(1)` is named `1`, `lit('a')` `a`. */
export function lit(value: Literal | Column): Column {
  return value instanceof Column ? value : literal(value);
}

/**
 * A SQL expression parsed by the engine, as Spark's `expr`: `expr('price * quantity')`. Its name
 * in a select is the one DuckDB gives it unless aliased (`expr('price * quantity AS total')`).
 */
export function expr(sqlExpression: string): Column {
  return new Column(() => ({ sql: `(${sqlExpression})`, name: undefined, raw: sqlExpression }));
}

/** A column given by name (the functions of Spark take either) or as a Column. */
type ColumnOrName = Column | string;

function columnOf(c: ColumnOrName): Column {
  return typeof c === 'string' ? col(c) : c;
}

/** `fn(arg, ...)` in DuckDB, named `sparkName(arg, ...)` as Spark names it. */
function call(duckdbFn: string, sparkName: string, args: readonly Column[], extra = ''): Column {
  return new Column((s) => {
    const compiled = args.map((a) => a.compile(s));
    return {
      sql: `${duckdbFn}(${compiled.map((c) => c.sql).join(', ')}${extra})`,
      name: `${sparkName}(${compiled.map(nameOf).join(', ')})`,
    };
  });
}

/** The sum of the group's non-null values, as Spark's `sum`: null for a group of nulls. */
export function sum(c: ColumnOrName): Column {
  return call('sum', 'sum', [columnOf(c)]);
}

/** The mean of the group's non-null values, as Spark's `avg`: a double. */
export function avg(c: ColumnOrName): Column {
  return call('avg', 'avg', [columnOf(c)]);
}

/** Alias of {@link avg}; Spark names it `avg(x)` too. */
export function mean(c: ColumnOrName): Column {
  return avg(c);
}

/** The smallest non-null value of the group, as Spark's `min`. */
export function min(c: ColumnOrName): Column {
  return call('min', 'min', [columnOf(c)]);
}

/** The largest non-null value of the group, as Spark's `max`. */
export function max(c: ColumnOrName): Column {
  return call('max', 'max', [columnOf(c)]);
}

/** The first value of the group (nulls included), as Spark's `first`. */
export function first(c: ColumnOrName): Column {
  return call('first', 'first', [columnOf(c)]);
}

/** The number of non-null values; `count('*')` counts rows and is named `count(1)`, as in Spark. */
export function count(c: ColumnOrName): Column {
  if (c === '*') return call('count', 'count', [literal(1)]);
  return call('count', 'count', [columnOf(c)]);
}

/** The number of distinct rows of the columns, nulls left out: `count(DISTINCT a, b)`. */
export function countDistinct(c: ColumnOrName, ...more: ColumnOrName[]): Column {
  const cols = [c, ...more].map(columnOf);
  return new Column((s) => {
    const compiled = cols.map((x) => x.compile(s));
    const names = `count(DISTINCT ${compiled.map(nameOf).join(', ')})`;
    if (compiled.length === 1) return { sql: `count(DISTINCT ${compiled[0]!.sql})`, name: names };
    // DuckDB's count takes one argument: a row of them, counted only when none is null (Spark's).
    const allSet = compiled.map((x) => `${x.sql} IS NOT NULL`).join(' AND ');
    const row = `row(${compiled.map((x) => x.sql).join(', ')})`;
    return { sql: `count(DISTINCT CASE WHEN ${allSet} THEN ${row} END)`, name: names };
  });
}

/** Sorts by `c` descending, nulls last. */
export function desc(c: ColumnOrName): Column {
  return columnOf(c).desc();
}

/** Sorts by `c` ascending, nulls first. */
export function asc(c: ColumnOrName): Column {
  return columnOf(c).asc();
}

/** `CASE WHEN condition THEN value`, continued with `.when(...)` and `.otherwise(...)`. */
export function when(condition: Column, value: Column | Literal): Column {
  return caseOf(undefined, condition, value);
}

/** The strings (or arrays) joined; null when any is null, as Spark's `concat`. */
export function concat(...cols: ColumnOrName[]): Column {
  return new Column((s) => {
    const compiled = cols.map((c) => columnOf(c).compile(s));
    // DuckDB's concat() skips nulls; its || operator is null when either side is, as Spark's.
    return {
      sql: `(${compiled.map((c) => c.sql).join(' || ')})`,
      name: `concat(${compiled.map(nameOf).join(', ')})`,
    };
  });
}

/** The text in upper case, as Spark's `upper`. */
export function upper(c: ColumnOrName): Column {
  return call('upper', 'upper', [columnOf(c)]);
}

/** The text in lower case, as Spark's `lower`. */
export function lower(c: ColumnOrName): Column {
  return call('lower', 'lower', [columnOf(c)]);
}

/** The number of characters of a string. */
export function length(c: ColumnOrName): Column {
  return call('length', 'length', [columnOf(c)]);
}

/** Rounded to `scale` decimal places, halves away from zero: named `round(x, scale)`. */
export function round(c: ColumnOrName, scale = 0): Column {
  return call('round', 'round', [columnOf(c), literal(scale)]);
}

/** The first non-null value. */
export function coalesce(...cols: ColumnOrName[]): Column {
  return call('coalesce', 'coalesce', cols.map(columnOf));
}

const DATE_FORMAT_LETTERS: Readonly<Record<string, string>> = {
  yyyy: '%Y',
  yy: '%y',
  MM: '%m',
  dd: '%d',
  HH: '%H',
  mm: '%M',
  ss: '%S',
  SSS: '%g',
  EEE: '%a',
  MMM: '%b',
};

/**
 * A timestamp or date as text in a Spark pattern (`yyyy-MM-dd HH:mm:ss`; the letters yyyy, yy, MM,
 * MMM, dd, HH, mm, ss, SSS, EEE and quoted text), as Spark's `date_format` (in UTC: docs/sql.md).
 */
export function date_format(c: ColumnOrName, format: string): Column {
  let strftime = '';
  const tokens = format.match(/'[^']*'|yyyy|yy|MMM|MM|dd|HH|mm|ss|SSS|EEE|[A-Za-z]+|[^A-Za-z']+/g);
  for (const token of tokens ?? []) {
    if (token.startsWith("'")) strftime += token.slice(1, -1).replaceAll('%', '%%');
    else if (/^[A-Za-z]/.test(token)) {
      const letter = DATE_FORMAT_LETTERS[token];
      if (letter === undefined) {
        throw new DStreamError(
          'DSTREAM_ERR_SQL_ARGUMENT',
          `date_format: the pattern letters '${token}' are not supported; use yyyy, yy, MM, MMM, ` +
            "dd, HH, mm, ss, SSS, EEE, and quote literal text ('T')",
        );
      }
      strftime += letter;
    } else strftime += token.replaceAll('%', '%%');
  }
  return new Column((s) => {
    const x = columnOf(c).compile(s);
    return {
      sql: `strftime(CAST(${x.sql} AS TIMESTAMP), ${quoteString(strftime)})`,
      name: `date_format(${nameOf(x)}, ${format})`,
    };
  });
}
