// A DSL transformation's plan. Its SQL depends on the columns of its inputs (withColumn replaces a
// column in place or adds one; an unknown name must fail with the names that exist), and those are
// known only when an action runs: a DataFrame of spark.sql or of an RDD without a schema has no
// columns before. So the step is one of the plan's sources: the action makes it ready after its
// inputs' sources, by asking DuckDB for the inputs' columns and writing the SQL against them.
import { DStreamError } from '../errors.js';
import { sqlError, type Engine } from './engine.js';
import { sparkTypeOf } from './result-schema.js';
import type { Plan, PlanSource } from './catalog.js';
import type { DataType } from './types.js';

/** One column of an input, as DuckDB reports it when the action runs. */
export interface InputColumn {
  readonly name: string;
  readonly type: DataType;
}

/**
 * Writes a step's SQL from its inputs' SQL and columns (in the order of the inputs given), and the
 * names Spark gives its columns when they are all known (else DuckDB's are shown). A step that
 * returns SQL alone keeps its first input's columns (where, orderBy, limit...).
 */
export type BuildSql = (
  inputs: readonly ResolvedInput[],
) => string | { readonly sql: string; readonly names: readonly string[] | undefined };

export interface ResolvedInput {
  readonly plan: Plan;
  readonly sql: string;
  readonly columns: readonly InputColumn[];
  /** The columns' names as Spark gives them (duplicates allowed), in order. */
  readonly names: readonly string[];
}

/** The names to show for an answer's columns: the plan's own, unless they do not fit. */
export function columnNamesOf(plan: Plan, duckdbNames: readonly string[]): readonly string[] {
  const own = plan.columnNames;
  return own !== undefined && own.length === duckdbNames.length ? own : duckdbNames;
}

/** The columns `plan` answers with, from DuckDB binding it (no rows are computed). */
async function columnsOf(engine: Engine, plan: Plan): Promise<InputColumn[]> {
  let reader;
  try {
    reader = await engine.connection.runAndReadAll(`SELECT * FROM (${plan.sql}) LIMIT 0`);
  } catch (e) {
    throw sqlError(plan.sql, e);
  }
  const types = reader.columnTypes();
  return reader
    .columnNames()
    .map((name, i) => ({ name, type: sparkTypeOf(types[i]!, engine.duckdb.DuckDBTypeId) }));
}

class DslStep implements PlanSource {
  readonly table = '';
  // Never a table to drop: the catalog's release skips it.
  loaded = false;
  private written: string | undefined;
  /** @see Plan.columnNames */
  names: readonly string[] | undefined;

  constructor(
    private readonly inputs: readonly Plan[],
    private readonly build: BuildSql,
  ) {}

  /** Written again by every action: an input such as a view may have other columns by then. */
  async load(engine: Engine): Promise<void> {
    const resolved: ResolvedInput[] = [];
    for (const plan of this.inputs) {
      const columns = await columnsOf(engine, plan);
      const names = columnNamesOf(
        plan,
        columns.map((c) => c.name),
      );
      resolved.push({ plan, sql: plan.sql, columns, names });
    }
    const built = this.build(resolved);
    if (typeof built === 'string') {
      this.written = built;
      this.names = resolved[0]?.names;
    } else {
      this.written = built.sql;
      this.names = built.names;
    }
  }

  get sql(): string {
    if (this.written === undefined) {
      throw new DStreamError(
        'DSTREAM_ERR_SQL',
        "a DataFrame transformation's SQL was read before the action made its sources ready",
      );
    }
    return this.written;
  }
}

/** The plan of a DSL step over `inputs`, its SQL written by `build` when an action runs. */
export function dslPlan(inputs: readonly Plan[], build: BuildSql): Plan {
  const step = new DslStep(inputs, build);
  // Inputs' sources first (loaded tables, earlier steps), each once: a self-join reads one table.
  const sources = [...new Set([...inputs.flatMap((p) => p.sources), step])];
  return {
    get sql() {
      return step.sql;
    },
    get columnNames() {
      return step.names;
    },
    sources,
  };
}
