// Resolving the names a Column uses against the input columns of a transformation, as Spark's
// analyzer does: case-insensitively, `a.b` as field b of struct column a, and an unknown name
// failing with Spark's UNRESOLVED_COLUMN error listing the columns that exist, closest first.
import { DStreamError } from '../errors.js';
import { StructType, quoteIdentifier, type DataType } from './types.js';
import type { ResolvedColumn, Scope } from './column.js';
import type { Plan } from './catalog.js';
import type { ResolvedInput } from './dsl-plan.js';

/** An input of a transformation, and the SQL alias that qualifies its columns (in a join). */
export interface ScopeInput {
  readonly input: ResolvedInput;
  readonly alias: string | undefined;
}

/** Spark's name parts: `a.b` is two parts, a backquoted part keeps its dots (`` `a.b` ``). */
export function nameParts(name: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < name.length; i++) {
    const ch = name[i]!;
    if (ch === '`') {
      if (quoted && name[i + 1] === '`') {
        current += '`';
        i++;
      } else quoted = !quoted;
    } else if (ch === '.' && !quoted) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + cost));
    }
    previous = row;
  }
  return previous[b.length]!;
}

const backquoted = (name: string): string => '`' + name.replaceAll('`', '``') + '`';

/** Spark's error for a name no input has, with the (at most 5) names that exist closest to it. */
export function unresolvedColumn(name: string, existing: readonly string[]): DStreamError {
  const suggestions = [...existing]
    .sort((a, b) => levenshtein(a, name) - levenshtein(b, name))
    .slice(0, 5);
  return new DStreamError(
    'DSTREAM_ERR_SQL_UNRESOLVED_COLUMN',
    `[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column or function parameter with name ` +
      `${backquoted(name)} cannot be resolved. Did you mean one of the following? ` +
      `[${suggestions.map(backquoted).join(', ')}].`,
  );
}

function fieldType(type: DataType | undefined, field: string): DataType | undefined {
  if (!(type instanceof StructType)) return undefined;
  return type.fields.find((f) => f.name.toLowerCase() === field.toLowerCase())?.dataType;
}

/** The columns of one or more inputs (both sides of a join), as a Column compiles against. */
export class InputScope implements Scope {
  constructor(private readonly inputs: readonly ScopeInput[]) {}

  /**
   * The inputs a `df.col()` of `owner` can name: the one that is `owner` or was derived from it
   * (it reads all of owner's sources, as `owner.select(...)` does), else, when none or both are,
   * every input, looked up by the name alone.
   */
  private sides(owner: Plan | undefined): readonly ScopeInput[] {
    if (owner === undefined) return this.inputs;
    const exact = this.inputs.filter((i) => i.input.plan === owner);
    if (exact.length === 1) return exact;
    const derived = this.inputs.filter((i) =>
      owner.sources.every((source) => i.input.plan.sources.includes(source)),
    );
    return derived.length === 1 ? derived : this.inputs;
  }

  resolve(name: string, owner?: Plan): ResolvedColumn {
    const sides = this.sides(owner);
    const parts = nameParts(name);
    const matches: { side: ScopeInput; column: string; type: DataType; fields: string[] }[] = [];
    for (const side of sides) {
      // The whole name first: a column may be named `a.b`.
      const whole = side.input.columns.find((c) => c.name.toLowerCase() === name.toLowerCase());
      const head = side.input.columns.find((c) => c.name.toLowerCase() === parts[0]!.toLowerCase());
      if (whole) matches.push({ side, column: whole.name, type: whole.type, fields: [] });
      else if (head)
        matches.push({ side, column: head.name, type: head.type, fields: parts.slice(1) });
    }
    if (matches.length === 0) {
      throw unresolvedColumn(
        name,
        sides.flatMap((s) => s.input.columns.map((c) => c.name)),
      );
    }
    if (matches.length > 1) {
      throw new DStreamError(
        'DSTREAM_ERR_SQL_UNRESOLVED_COLUMN',
        `[AMBIGUOUS_REFERENCE] Reference ${backquoted(name)} is ambiguous, could be: ` +
          `[${matches.map((m) => backquoted(m.column)).join(', ')}]. (Name it through its ` +
          "DataFrame, as left.col('name'), or rename one side's column first)",
      );
    }
    const m = matches[0]!;
    const qualifier = m.side.alias === undefined ? '' : `${quoteIdentifier(m.side.alias)}.`;
    let sql = qualifier + quoteIdentifier(m.column);
    let type: DataType | undefined = m.type;
    for (const field of m.fields) {
      if (fieldType(type, field) === undefined && type instanceof StructType) {
        throw unresolvedColumn(
          name,
          type.fieldNames().map((f) => `${m.column}.${f}`),
        );
      }
      sql = `struct_extract(${sql}, '${field.replaceAll("'", "''")}')`;
      type = fieldType(type, field);
    }
    // Spark names a struct field reached by a dotted name after the field.
    return { sql, name: m.fields.at(-1) ?? m.column, type, named: true };
  }

  star(owner?: Plan): string {
    const sides = this.sides(owner);
    return sides
      .map((s) => (s.alias === undefined ? '*' : `${quoteIdentifier(s.alias)}.*`))
      .join(', ');
  }
}

/** The scope of a one-input transformation. */
export function singleScope(input: ResolvedInput): InputScope {
  return new InputScope([{ input, alias: undefined }]);
}
