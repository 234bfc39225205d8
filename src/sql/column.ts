// A Column of the DSL: an expression that compiles to DuckDB SQL together with the name Spark
// would give it (`(a + 1)`, `sum(total)`, `count(1)`), which is what show() prints as its header.
// A Column only knows the names it refers to; they are resolved when an action runs, against the
// columns its DataFrame's input has then, so an unknown name fails with Spark's error.
import { DStreamError } from '../errors.js';
import { javaDoubleString } from './java-number.js';
import type { Plan } from './catalog.js';
import type { DataType } from './types.js';
import { castTarget } from './cast-types.js';

/** A resolved reference to an input column: its SQL, its name and its type. */
export interface ResolvedColumn {
  readonly sql: string;
  readonly name: string;
  readonly type: DataType | undefined;
  readonly named?: boolean;
}

/** What a Column compiles against: the input columns of one transformation. */
export interface Scope {
  /** The input column `name` (Spark's dotted `a.b` reaches into a struct); `owner` pins a side. */
  resolve(name: string, owner?: Plan): ResolvedColumn;
  /** Every input column, for `*` (or one side's, `df.col('*')`). */
  star(owner?: Plan): string;
}

/** A compiled Column: DuckDB SQL, Spark's name (undefined: DuckDB names it, as for expr()). */
export interface Compiled {
  readonly sql: string;
  readonly name: string | undefined;
  readonly type?: DataType | undefined;
  /** Set by desc()/asc(): the order orderBy sorts by. */
  readonly order?: SortOrder;
  /** Set by when(): a CASE that otherwise() and when() may extend. */
  readonly caseChain?: boolean;
  /** Set by expr(): the text as written, for a select list (it may hold its own `AS name`). */
  readonly raw?: string;
  /** Set for an input column (and an alias): Spark names a cast of it after it. */
  readonly named?: boolean;
}

export interface SortOrder {
  readonly descending: boolean;
  readonly nullsFirst: boolean;
}

/** A value a Column function takes in place of a Column: a literal. */
export type Literal = string | number | boolean | bigint | Date | null;

/**
 * An expression over the columns of a DataFrame, like Spark's `Column`: `col('price').multiply(2)`,
 * `sum('total').alias('total')`. TypeScript has no operator overloading, so the operators are
 * Spark's Java names: `plus`, `minus`, `multiply`, `divide`, `equalTo`, `gt`, `and`...
 */
export class Column {
  /** @internal */
  constructor(
    /** @internal */
    readonly compile: (scope: Scope) => Compiled,
  ) {}

  /** The same value under the name `alias` (Spark's `as`). */
  alias(alias: string): Column {
    return new Column((s) => {
      const c = this.compile(s);
      return { sql: c.sql, name: alias, type: c.type, named: true };
    });
  }

  /** Alias of {@link Column.alias}. */
  as(alias: string): Column {
    return this.alias(alias);
  }

  /** Alias of {@link Column.alias}, as Spark's `name`. */
  name(alias: string): Column {
    return this.alias(alias);
  }

  /** Addition, as Spark's `+`. */
  plus(other: Column | Literal): Column {
    return binary(this, '+', other);
  }

  /** Subtraction, as Spark's `-`. */
  minus(other: Column | Literal): Column {
    return binary(this, '-', other);
  }

  /** Multiplication, as Spark's `*`. */
  multiply(other: Column | Literal): Column {
    return binary(this, '*', other);
  }

  /** Division as Spark's `/`: a double (DuckDB's `/` divides exactly, `//` would not). */
  divide(other: Column | Literal): Column {
    return binary(this, '/', other);
  }

  /** Remainder, as Spark's `mod` (`%`). */
  mod(other: Column | Literal): Column {
    return binary(this, '%', other);
  }

  /** Equality, as Spark's `===`: null when either side is null. */
  equalTo(other: Column | Literal): Column {
    return binary(this, '=', other);
  }

  /** Equality where null equals null, as Spark's `<=>`. */
  eqNullSafe(other: Column | Literal): Column {
    return binary(this, '<=>', other, 'IS NOT DISTINCT FROM');
  }

  /** Spark's `=!=`: its name is `(NOT (a = b))`, as Spark writes it. */
  notEqual(other: Column | Literal): Column {
    return this.equalTo(other).not();
  }

  /** Greater than, as Spark's `>`. */
  gt(other: Column | Literal): Column {
    return binary(this, '>', other);
  }

  /** Greater than or equal, as Spark's `>=`. */
  geq(other: Column | Literal): Column {
    return binary(this, '>=', other);
  }

  /** Less than, as Spark's `<`. */
  lt(other: Column | Literal): Column {
    return binary(this, '<', other);
  }

  /** Less than or equal, as Spark's `<=`. */
  leq(other: Column | Literal): Column {
    return binary(this, '<=', other);
  }

  /** Logical and, as Spark's `&&` (SQL's three-valued logic with nulls). */
  and(other: Column | Literal): Column {
    return binary(this, 'AND', other);
  }

  /** Logical or, as Spark's `||` (SQL's three-valued logic with nulls). */
  or(other: Column | Literal): Column {
    return binary(this, 'OR', other);
  }

  /** Logical negation, as Spark's `!` (`not(x)`). */
  not(): Column {
    return new Column((s) => {
      const c = this.compile(s);
      return { sql: `(NOT ${c.sql})`, name: `(NOT ${nameOf(c)})` };
    });
  }

  /** Whether the value is null, as Spark's `isNull`. */
  isNull(): Column {
    return postfix(this, 'IS NULL');
  }

  /** Whether the value is not null, as Spark's `isNotNull`. */
  isNotNull(): Column {
    return postfix(this, 'IS NOT NULL');
  }

  /** True when the value is one of `values`: `(a IN (1, 2))`. */
  isin(...values: (Column | Literal)[]): Column {
    return new Column((s) => {
      const c = this.compile(s);
      const list = values.map((v) => toColumn(v).compile(s));
      return {
        sql: `(${c.sql} IN (${list.map((v) => v.sql).join(', ')}))`,
        name: `(${nameOf(c)} IN (${list.map(nameOf).join(', ')}))`,
      };
    });
  }

  /** SQL's LIKE, with `%` and `_`. */
  like(pattern: string): Column {
    return new Column((s) => {
      const c = this.compile(s);
      return {
        sql: `(${c.sql} LIKE ${quoteString(pattern)})`,
        name: `${nameOf(c)} LIKE ${pattern}`,
      };
    });
  }

  /**
   * The value as Spark type `to` (`'bigint'`, `'string'`, `'double'`, `'decimal(10,2)'`...): null
   * when it does not convert, as Spark's cast outside ANSI mode.
   */
  cast(to: string | DataType): Column {
    return new Column((s) => {
      const c = this.compile(s);
      const { duckdb, spark } = castTarget(to);
      // Spark keeps a cast column's name (`quantity`), and names a cast expression CAST(... AS T).
      const name = c.named === true ? c.name : `CAST(${nameOf(c)} AS ${spark})`;
      return { sql: `TRY_CAST(${c.sql} AS ${duckdb})`, name };
    });
  }

  /** Sorts descending, nulls last (Spark's default for desc). */
  desc(): Column {
    return sorted(this, { descending: true, nullsFirst: false });
  }

  /** Sorts ascending, nulls first (Spark's default for asc). */
  asc(): Column {
    return sorted(this, { descending: false, nullsFirst: true });
  }

  /** Sorts descending, nulls first, as Spark's `desc_nulls_first`. */
  desc_nulls_first(): Column {
    return sorted(this, { descending: true, nullsFirst: true });
  }

  /** Sorts ascending, nulls last, as Spark's `asc_nulls_last`. */
  asc_nulls_last(): Column {
    return sorted(this, { descending: false, nullsFirst: false });
  }

  /** A field of a struct column: `col('window').getField('start')`, named `window.start`. */
  getField(fieldName: string): Column {
    return new Column((s) => {
      const c = this.compile(s);
      return {
        sql: `struct_extract(${c.sql}, ${quoteString(fieldName)})`,
        name: `${nameOf(c)}.${fieldName}`,
      };
    });
  }

  /** An element of an array (from 0, as Spark) or the value of a map key: `a[0]`, `m[k]`. */
  getItem(key: string | number): Column {
    return new Column((s) => {
      const c = this.compile(s);
      const type = c.type;
      const isMap = type !== undefined ? type.kind === 'map' : typeof key === 'string';
      // DuckDB's lists count from 1; a map is looked up by its key as given.
      const index = isMap ? toColumn(key).compile(s).sql : `${Number(key) + 1}`;
      return {
        sql: `(${c.sql})[${index}]`,
        name: `${nameOf(c)}[${typeof key === 'string' ? key : String(key)}]`,
      };
    });
  }

  /** Chained `when` after {@link when}: the next condition and value of the CASE. */
  when(condition: Column, value: Column | Literal): Column {
    return new Column((s) => {
      if (this.compile(s).caseChain !== true) {
        throw new DStreamError(
          'DSTREAM_ERR_SQL_ARGUMENT',
          'when() can only be applied on a Column previously generated by when()',
        );
      }
      return caseOf(this, condition, value).compile(s);
    });
  }

  /** The value of a `when(...)` chain when no condition holds: `ELSE`. */
  otherwise(value: Column | Literal): Column {
    return new Column((s) => {
      const c = this.compile(s);
      if (c.caseChain !== true) {
        throw new DStreamError(
          'DSTREAM_ERR_SQL_ARGUMENT',
          'otherwise() can only be applied on a Column previously generated by when()',
        );
      }
      const v = toColumn(value).compile(s);
      return {
        sql: `${c.sql.slice(0, -4)} ELSE ${v.sql} END`,
        name: `${nameOf(c).slice(0, -4)} ELSE ${nameOf(v)} END`,
        caseChain: false,
      };
    });
  }

  /** The text `Column`: a column is an expression, with no value until a query runs. */
  toString(): string {
    return 'Column';
  }
}

/** A column's name as Spark prints it inside a larger expression's name. */
export function nameOf(c: Compiled): string {
  return c.name ?? c.sql;
}

/** A Column, a column name (for the functions that take one: `sum('total')`) or a literal. */
export function toColumn(value: Column | Literal): Column {
  return value instanceof Column ? value : literal(value);
}

/** A SQL string literal, with its quotes doubled. */
export function quoteString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** A literal value, as `lit(value)`: its SQL and Spark's name (`1`, `a`, `true`, `NULL`). */
export function literal(value: Literal): Column {
  return new Column(() => literalOf(value));
}

function literalOf(value: Literal): Compiled {
  if (value === null) return { sql: 'NULL', name: 'NULL' };
  if (typeof value === 'string') return { sql: quoteString(value), name: value };
  if (typeof value === 'boolean') return { sql: value ? 'TRUE' : 'FALSE', name: String(value) };
  if (typeof value === 'bigint') return { sql: `CAST(${value} AS BIGINT)`, name: String(value) };
  if (value instanceof Date) {
    const us = BigInt(value.getTime()) * 1000n;
    return { sql: `make_timestamp(${us})`, name: `TIMESTAMP '${value.toISOString()}'` };
  }
  if (Number.isInteger(value) && Math.abs(value) <= 2 ** 31 - 1) {
    return { sql: String(value), name: String(value) };
  }
  if (Number.isInteger(value) && Number.isSafeInteger(value)) {
    return { sql: `CAST(${value} AS BIGINT)`, name: String(value) };
  }
  // A fraction is a double in Spark; DuckDB would read `1.5` as a DECIMAL.
  const text = Number.isFinite(value) ? javaDoubleString(value) : `'${javaDoubleString(value)}'`;
  return { sql: `CAST(${text} AS DOUBLE)`, name: javaDoubleString(value) };
}

function binary(left: Column, op: string, right: Column | Literal, duckdbOp = op): Column {
  return new Column((s) => {
    const a = left.compile(s);
    const b = toColumn(right).compile(s);
    return {
      sql: `(${a.sql} ${duckdbOp} ${b.sql})`,
      name: `(${nameOf(a)} ${op} ${nameOf(b)})`,
    };
  });
}

function postfix(operand: Column, op: string): Column {
  return new Column((s) => {
    const c = operand.compile(s);
    return { sql: `(${c.sql} ${op})`, name: `(${nameOf(c)} ${op})` };
  });
}

function sorted(operand: Column, order: SortOrder): Column {
  return new Column((s) => ({ ...operand.compile(s), order }));
}

/** `CASE WHEN ... END`, or one more `WHEN` inside a chain built so far. */
export function caseOf(
  chain: Column | undefined,
  condition: Column,
  value: Column | Literal,
): Column {
  return new Column((s) => {
    const cond = condition.compile(s);
    const v = toColumn(value).compile(s);
    const clause = {
      sql: `WHEN ${cond.sql} THEN ${v.sql}`,
      name: `WHEN ${nameOf(cond)} THEN ${nameOf(v)}`,
    };
    if (chain === undefined) {
      return { sql: `CASE ${clause.sql} END`, name: `CASE ${clause.name} END`, caseChain: true };
    }
    const c = chain.compile(s);
    return {
      sql: `${c.sql.slice(0, -4)} ${clause.sql} END`,
      name: `${nameOf(c).slice(0, -4)} ${clause.name} END`,
      caseChain: true,
    };
  });
}
