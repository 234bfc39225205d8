// GroupedData, as Spark's: the keys of a groupBy, then agg(...) or one of the shortcuts (count,
// sum, avg, min, max) giving a DataFrame of the keys followed by the aggregates.
import { DStreamError } from '../errors.js';
import { Column, nameOf } from './column.js';
import { dslPlan, type InputColumn } from './dsl-plan.js';
import { avg, count, lit, max, min, sum } from './functions.js';
import { singleScope } from './scope.js';
import { columnOf, namesOf, selectItem, type ColumnOrName } from './transformations.js';
import { quoteIdentifier } from './types.js';
import type { Plan } from './catalog.js';
import type { DataFrame } from './dataframe.js';

const NUMERIC = new Set(['integer', 'long', 'short', 'byte', 'double', 'float']);

function isNumeric(column: InputColumn): boolean {
  return NUMERIC.has(column.type.typeName) || column.type.kind === 'decimal';
}

/** The plan of `keys` and `aggregates` over `plan`; `shortcut` builds aggregates from columns. */
function aggregatePlan(
  plan: Plan,
  keys: readonly Column[],
  aggregates: (columns: readonly InputColumn[]) => readonly Column[],
): Plan {
  return dslPlan([plan], ([input]) => {
    const scope = singleScope(input!);
    const compiledKeys = keys.map((k) => k.compile(scope));
    const aggs = aggregates(input!.columns).map((a) => a.compile(scope));
    const compiledAggs = aggs.map(selectItem);
    const names = namesOf([...compiledKeys, ...aggs], []);
    if (compiledKeys.length === 0) {
      return { sql: `SELECT ${compiledAggs.join(', ')} FROM (${input!.sql})`, names };
    }
    // The keys are computed first, beside the input's columns: a sliding window() is an unnest,
    // which GROUP BY cannot hold.
    const keyNames = compiledKeys.map((_, i) => quoteIdentifier(`__dstream_key_${i}`));
    const inner = `SELECT *, ${compiledKeys.map((k, i) => `${k.sql} AS ${keyNames[i]}`).join(', ')} FROM (${input!.sql})`;
    const outKeys = compiledKeys.map((k, i) => `${keyNames[i]} AS ${quoteIdentifier(nameOf(k))}`);
    const sql =
      `SELECT ${[...outKeys, ...compiledAggs].join(', ')} FROM (${inner}) ` +
      `GROUP BY ${keyNames.join(', ')}`;
    return { sql, names };
  });
}

/**
 * Rows grouped by key columns, from `df.groupBy(...)`: `agg(sum('total'), count('*'))`, or
 * `count()`, `sum(...)`, `avg(...)`, `min(...)`, `max(...)`, as Spark's `GroupedData`.
 */
export class GroupedData {
  /** @internal */
  constructor(
    private readonly plan: Plan,
    private readonly keys: readonly Column[],
    private readonly toDataFrame: (plan: Plan) => DataFrame,
  ) {}

  /** The keys, then one column per aggregate: `agg(sum('total').alias('total'), max('price'))`. */
  agg(...exprs: Column[]): DataFrame {
    if (exprs.length === 0) {
      throw new DStreamError('DSTREAM_ERR_SQL_ARGUMENT', 'agg: give at least one aggregate Column');
    }
    return this.toDataFrame(aggregatePlan(this.plan, this.keys, () => exprs));
  }

  /** The number of rows per group, in a column named `count`. */
  count(): DataFrame {
    return this.agg(count(lit(1)).alias('count'));
  }

  /** The sum of each column named (of every numeric column when none is): `sum(total)`. */
  sum(...colNames: string[]): DataFrame {
    return this.numeric(colNames, sum);
  }

  /** The mean of each column named (of every numeric column when none is): `avg(price)`. */
  avg(...colNames: string[]): DataFrame {
    return this.numeric(colNames, avg);
  }

  /** Alias of {@link avg}. */
  mean(...colNames: string[]): DataFrame {
    return this.avg(...colNames);
  }

  /** The minimum of each column named (of every numeric column when none is): `min(price)`. */
  min(...colNames: string[]): DataFrame {
    return this.numeric(colNames, min);
  }

  /** The maximum of each column named (of every numeric column when none is): `max(price)`. */
  max(...colNames: string[]): DataFrame {
    return this.numeric(colNames, max);
  }

  private numeric(colNames: readonly string[], fn: (c: ColumnOrName) => Column): DataFrame {
    return this.toDataFrame(
      aggregatePlan(this.plan, this.keys, (columns) => {
        if (colNames.length === 0) return columns.filter(isNumeric).map((c) => fn(c.name));
        return colNames.map((n) => {
          const column = columns.find((c) => c.name.toLowerCase() === n.toLowerCase());
          // Spark refuses a column that is not numeric; an unknown one fails as any other.
          if (column !== undefined && !isNumeric(column)) {
            throw new DStreamError(
              'DSTREAM_ERR_SQL_ARGUMENT',
              `"${n}" is not a numeric column. Aggregation function can only be applied on a ` +
                'numeric column.',
            );
          }
          return fn(columnOf(n));
        });
      }),
    );
  }
}
