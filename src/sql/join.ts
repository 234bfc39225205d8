// Spark's join(right, on, how) as SQL. `on` as column names is a USING join: the keys once, first,
// then the left's other columns, then the right's (for a full join the key is whichever side has
// it); `on` as a Column is a condition, and the output is every left column then every right one.
import { DStreamError } from '../errors.js';
import { dslPlan, type ResolvedInput } from './dsl-plan.js';
import { InputScope, unresolvedColumn } from './scope.js';
import { quoteIdentifier } from './types.js';
import type { Column } from './column.js';
import type { Plan } from './catalog.js';

/** Spark's join types, by every name Spark accepts, as DuckDB's join. */
const JOIN_TYPES: Readonly<Record<string, string>> = {
  inner: 'INNER',
  cross: 'CROSS',
  outer: 'FULL OUTER',
  full: 'FULL OUTER',
  fullouter: 'FULL OUTER',
  full_outer: 'FULL OUTER',
  left: 'LEFT',
  leftouter: 'LEFT',
  left_outer: 'LEFT',
  right: 'RIGHT',
  rightouter: 'RIGHT',
  right_outer: 'RIGHT',
  semi: 'SEMI',
  leftsemi: 'SEMI',
  left_semi: 'SEMI',
  anti: 'ANTI',
  leftanti: 'ANTI',
  left_anti: 'ANTI',
};

const LEFT = '__dstream_left';
const RIGHT = '__dstream_right';
const l = quoteIdentifier(LEFT);
const r = quoteIdentifier(RIGHT);

function joinType(how: string): string {
  const type = JOIN_TYPES[how.toLowerCase()];
  if (type === undefined) {
    throw new DStreamError(
      'DSTREAM_ERR_SQL_ARGUMENT',
      `Unsupported join type '${how}'. Supported join types include: 'inner', 'outer', 'full', ` +
        "'fullouter', 'full_outer', 'leftouter', 'left', 'left_outer', 'rightouter', 'right', " +
        "'right_outer', 'leftsemi', 'left_semi', 'semi', 'leftanti', 'left_anti', 'anti', 'cross'.",
    );
  }
  return type;
}

function columnNamed(input: ResolvedInput, name: string): string | undefined {
  return input.columns.find((c) => c.name.toLowerCase() === name.toLowerCase())?.name;
}

/** `on` given as column names: a USING join. */
function usingJoin(
  left: ResolvedInput,
  right: ResolvedInput,
  keys: readonly string[],
  type: string,
): Joined {
  const keyPairs = keys.map((k) => {
    const lk = columnNamed(left, k);
    const rk = columnNamed(right, k);
    if (lk === undefined)
      throw unresolvedColumn(
        k,
        left.columns.map((c) => c.name),
      );
    if (rk === undefined)
      throw unresolvedColumn(
        k,
        right.columns.map((c) => c.name),
      );
    return [lk, rk] as const;
  });
  const keyItems = keyPairs.map(([lk, rk]) => {
    const fromLeft = `${l}.${quoteIdentifier(lk)}`;
    const fromRight = `${r}.${quoteIdentifier(rk)}`;
    const value =
      type === 'RIGHT'
        ? fromRight
        : type === 'FULL OUTER'
          ? `coalesce(${fromLeft}, ${fromRight})`
          : fromLeft;
    return `${value} AS ${quoteIdentifier(lk)}`;
  });
  const isKey = (name: string, side: 0 | 1): boolean =>
    keyPairs.some((pair) => pair[side].toLowerCase() === name.toLowerCase());
  const leftKept = left.columns.map((_, i) => i).filter((i) => !isKey(left.columns[i]!.name, 0));
  const rightKept =
    type === 'SEMI' || type === 'ANTI'
      ? []
      : right.columns.map((_, i) => i).filter((i) => !isKey(right.columns[i]!.name, 1));
  const leftItems = leftKept.map((i) => `${l}.${quoteIdentifier(left.columns[i]!.name)}`);
  const rightItems =
    type === 'SEMI' || type === 'ANTI'
      ? []
      : right.columns
          .filter((c) => !isKey(c.name, 1))
          .map((c) => `${r}.${quoteIdentifier(c.name)}`);
  const condition = keyPairs
    .map(([lk, rk]) => `${l}.${quoteIdentifier(lk)} = ${r}.${quoteIdentifier(rk)}`)
    .join(' AND ');
  const join = type === 'CROSS' ? 'INNER' : type;
  const sql =
    `SELECT ${[...keyItems, ...leftItems, ...rightItems].join(', ')} ` +
    `FROM (${left.sql}) AS ${l} ${join} JOIN (${right.sql}) AS ${r} ON ${condition}`;
  const names = [
    ...keyPairs.map(([lk]) => lk),
    ...leftKept.map((i) => left.names[i]!),
    ...rightKept.map((i) => right.names[i]!),
  ];
  return { sql, names };
}

/** `on` given as a Column: a condition over both sides' columns. */
function conditionJoin(
  left: ResolvedInput,
  right: ResolvedInput,
  on: Column,
  type: string,
): Joined {
  const scope = new InputScope([
    { input: left, alias: LEFT },
    { input: right, alias: RIGHT },
  ]);
  const condition = on.compile(scope).sql;
  const join = type === 'CROSS' ? 'INNER' : type;
  return {
    sql: `SELECT ${bothSides(type)} FROM (${left.sql}) AS ${l} ${join} JOIN (${right.sql}) AS ${r} ON ${condition}`,
    names: namesOfBoth(left, right, type),
  };
}

/** A join's SQL and Spark's names of its columns. */
interface Joined {
  readonly sql: string;
  readonly names: readonly string[];
}

/** Every column of both sides; of the left only for a semi or anti join. */
function bothSides(type: string): string {
  return type === 'SEMI' || type === 'ANTI' ? `${l}.*` : `${l}.*, ${r}.*`;
}

function namesOfBoth(left: ResolvedInput, right: ResolvedInput, type: string): string[] {
  return type === 'SEMI' || type === 'ANTI' ? [...left.names] : [...left.names, ...right.names];
}

/** The plan of `left.join(right, on, how)`; without `on`, every pair of rows (a cross join). */
export function joinPlan(
  left: Plan,
  right: Plan,
  on: string | readonly string[] | Column | undefined,
  how: string,
): Plan {
  const type = joinType(how);
  return dslPlan([left, right], ([a, b]) => {
    if (on === undefined) {
      const join = type === 'CROSS' || type === 'INNER' ? 'CROSS JOIN' : `${type} JOIN`;
      const condition = join === 'CROSS JOIN' ? '' : ' ON TRUE';
      return {
        sql: `SELECT ${bothSides(type)} FROM (${a!.sql}) AS ${l} ${join} (${b!.sql}) AS ${r}${condition}`,
        names: namesOfBoth(a!, b!, type),
      };
    }
    if (typeof on === 'string') return usingJoin(a!, b!, [on], type);
    if (Array.isArray(on)) return usingJoin(a!, b!, on as readonly string[], type);
    return conditionJoin(a!, b!, on as Column, type);
  });
}
