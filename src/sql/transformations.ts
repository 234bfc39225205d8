// The DSL's one-input transformations as plans: each writes a SELECT over its input's SQL when an
// action runs (dsl-plan.ts), with the Columns compiled against the input's columns then.
import { DStreamError } from '../errors.js';
import { Column, type Compiled } from './column.js';
import { dslPlan, type ResolvedInput } from './dsl-plan.js';
import { col, expr } from './functions.js';
import { singleScope } from './scope.js';
import { quoteIdentifier } from './types.js';
import type { Plan } from './catalog.js';

/** A Column, or a column name (`'*'` for all of them). */
export type ColumnOrName = Column | string;

export function columnOf(c: ColumnOrName): Column {
  return typeof c === 'string' ? col(c) : c;
}

/** One item of a select list: the expression under Spark's name. */
export function selectItem(c: Compiled): string {
  if (c.name === undefined) return c.raw ?? c.sql;
  return `${c.sql} AS ${quoteIdentifier(c.name)}`;
}

/** Spark's names of a select list's columns (`*` is the input's), unless DuckDB names one. */
export function namesOf(
  compiled: readonly Compiled[],
  starNames: readonly string[],
): string[] | undefined {
  const names: string[] = [];
  for (const c of compiled) {
    if (c.sql === '*') names.push(...starNames);
    else if (c.name === undefined) return undefined;
    else names.push(c.name);
  }
  return names;
}

/** The input's columns under their names, for a select list that keeps them all. */
function sameColumn(input: ResolvedInput, i: number): string {
  return quoteIdentifier(input.columns[i]!.name);
}

function findColumn(input: ResolvedInput, name: string): number {
  return input.columns.findIndex((c) => c.name.toLowerCase() === name.toLowerCase());
}

export function selectPlan(plan: Plan, cols: readonly ColumnOrName[]): Plan {
  const columns = cols.map(columnOf);
  return dslPlan([plan], ([input]) => {
    const scope = singleScope(input!);
    const compiled = columns.map((c) => c.compile(scope));
    const sql = `SELECT ${compiled.map(selectItem).join(', ')} FROM (${input!.sql})`;
    return { sql, names: namesOf(compiled, input!.names) };
  });
}

export function selectExprPlan(plan: Plan, exprs: readonly string[]): Plan {
  return selectPlan(plan, exprs.map(expr));
}

/** `condition`: a boolean Column, or SQL text such as `'total > 1'`. */
export function wherePlan(plan: Plan, condition: Column | string): Plan {
  const c = typeof condition === 'string' ? expr(condition) : condition;
  return dslPlan([plan], ([input]) => {
    const compiled = c.compile(singleScope(input!));
    return `SELECT * FROM (${input!.sql}) WHERE ${compiled.sql}`;
  });
}

/** A column added at the end, or one of that name replaced where it is, as Spark's withColumn. */
export function withColumnPlan(plan: Plan, colName: string, value: Column): Plan {
  return dslPlan([plan], ([input]) => {
    const c = value.compile(singleScope(input!));
    const at = findColumn(input!, colName);
    const items = input!.columns.map((_, i) =>
      i === at ? `${c.sql} AS ${quoteIdentifier(colName)}` : sameColumn(input!, i),
    );
    const names = [...input!.names];
    if (at < 0) {
      items.push(`${c.sql} AS ${quoteIdentifier(colName)}`);
      names.push(colName);
    }
    return { sql: `SELECT ${items.join(', ')} FROM (${input!.sql})`, names };
  });
}

/** A column renamed; nothing happens when there is none of that name, as in Spark. */
export function withColumnRenamedPlan(plan: Plan, existing: string, newName: string): Plan {
  return dslPlan([plan], ([input]) => {
    const at = findColumn(input!, existing);
    const items = input!.columns.map((_, i) =>
      i === at ? `${sameColumn(input!, i)} AS ${quoteIdentifier(newName)}` : sameColumn(input!, i),
    );
    const names = input!.names.map((n, i) => (i === at ? newName : n));
    return { sql: `SELECT ${items.join(', ')} FROM (${input!.sql})`, names };
  });
}

/** Columns left out; names that are not columns are ignored, as in Spark. */
export function dropPlan(plan: Plan, colNames: readonly string[]): Plan {
  const dropped = new Set(colNames.map((n) => n.toLowerCase()));
  return dslPlan([plan], ([input]) => {
    const kept = input!.columns
      .map((c, i) => i)
      .filter((i) => !dropped.has(input!.names[i]!.toLowerCase()));
    // No column left: Spark answers with rows of no columns, which SQL cannot hold.
    if (kept.length === 0) {
      throw new DStreamError(
        'DSTREAM_ERR_SQL_ARGUMENT',
        `drop: dropping every column (${input!.names.join(', ')}) leaves a DataFrame SQL cannot hold`,
      );
    }
    return {
      sql: `SELECT ${kept.map((i) => sameColumn(input!, i)).join(', ')} FROM (${input!.sql})`,
      names: kept.map((i) => input!.names[i]!),
    };
  });
}

/** Sorted by the columns, ascending with nulls first unless a Column says desc() (nulls last). */
export function orderByPlan(plan: Plan, cols: readonly ColumnOrName[]): Plan {
  const columns = cols.map(columnOf);
  return dslPlan([plan], ([input]) => {
    const scope = singleScope(input!);
    const keys = columns.map((c) => {
      const k = c.compile(scope);
      const order = k.order ?? { descending: false, nullsFirst: true };
      return `${k.sql} ${order.descending ? 'DESC' : 'ASC'} NULLS ${order.nullsFirst ? 'FIRST' : 'LAST'}`;
    });
    return `SELECT * FROM (${input!.sql}) ORDER BY ${keys.join(', ')}`;
  });
}

export function limitPlan(plan: Plan, n: number): Plan {
  if (!Number.isInteger(n) || n < 0) {
    throw new DStreamError(
      'DSTREAM_ERR_SQL_ARGUMENT',
      `limit: the limit expression must be equal to or greater than 0, but got ${n}`,
    );
  }
  return dslPlan([plan], ([input]) => `SELECT * FROM (${input!.sql}) LIMIT ${n}`);
}

export function distinctPlan(plan: Plan): Plan {
  return dslPlan([plan], ([input]) => `SELECT DISTINCT * FROM (${input!.sql})`);
}

/** One row per distinct value of `colNames` (of every column without them), as Spark's. */
export function dropDuplicatesPlan(plan: Plan, colNames: readonly string[]): Plan {
  if (colNames.length === 0) return distinctPlan(plan);
  return dslPlan([plan], ([input]) => {
    const scope = singleScope(input!);
    const keys = colNames.map((n) => col(n).compile(scope).sql);
    return `SELECT DISTINCT ON (${keys.join(', ')}) * FROM (${input!.sql})`;
  });
}

/** The rows of both, by position, duplicates kept: Spark's union (SQL's UNION ALL). */
export function unionPlan(plan: Plan, other: Plan): Plan {
  return dslPlan([plan, other], ([left, right]) => {
    if (left!.columns.length !== right!.columns.length) {
      throw new DStreamError(
        'DSTREAM_ERR_SQL_ARGUMENT',
        `[NUM_COLUMNS_MISMATCH] UNION can only be performed on inputs with the same number of ` +
          `columns, but the first input has ${left!.columns.length} columns and the second input ` +
          `has ${right!.columns.length} columns. (Use unionByName to match columns by name)`,
      );
    }
    return `SELECT * FROM (${left!.sql}) UNION ALL SELECT * FROM (${right!.sql})`;
  });
}

/** The rows of both, columns matched by name in the first one's order, as Spark's unionByName. */
export function unionByNamePlan(plan: Plan, other: Plan, allowMissingColumns: boolean): Plan {
  return dslPlan([plan, other], ([left, right]) => {
    const names = left!.columns.map((c) => c.name);
    for (const c of right!.columns) {
      if (findColumn(left!, c.name) < 0) {
        if (!allowMissingColumns) throw missingInUnion(c.name, 'first', left!);
        names.push(c.name);
      }
    }
    const side = (input: ResolvedInput): string =>
      names
        .map((n) => {
          if (findColumn(input, n) >= 0) return quoteIdentifier(n);
          if (!allowMissingColumns) throw missingInUnion(n, 'second', input);
          return `NULL AS ${quoteIdentifier(n)}`;
        })
        .join(', ');
    const sql = `SELECT ${side(left!)} FROM (${left!.sql}) UNION ALL SELECT ${side(right!)} FROM (${right!.sql})`;
    return { sql, names };
  });
}

function missingInUnion(name: string, which: string, input: ResolvedInput): DStreamError {
  return new DStreamError(
    'DSTREAM_ERR_SQL_UNRESOLVED_COLUMN',
    `unionByName: the column \`${name}\` is missing from the ${which} DataFrame, whose columns are ` +
      `[${input.columns.map((c) => c.name).join(', ')}] (pass allowMissingColumns = true to fill ` +
      'it with nulls)',
  );
}
