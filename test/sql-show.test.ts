// dstream/sql's show() and printSchema() against what Apache Spark SQL 3.5.7 printed for the same
// tables (test/fixtures/spark-show, recorded by bench/spark/src/SparkShowFixtures.java), byte
// for byte: integers, doubles, decimals, strings (empty, long, multi-byte), nulls, booleans,
// dates, timestamps, arrays, maps, structs, more than 20 rows, each truncation and vertical.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  ArrayType,
  AtomicType,
  DecimalType,
  MapType,
  parseDDL,
  SparkSession,
  type DataType,
  type Row,
} from 'dstream/sql';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'spark-show');

interface Show {
  n?: number;
  truncate?: boolean | number;
  vertical?: boolean;
}
interface Case {
  name: string;
  schema: string;
  rows: Record<string, unknown>[];
  shows: Show[];
}

/** cases.json, with integers past 2^53 read whole as bigints (JSON.parse's source text). */
function readCases(): Case[] {
  const text = readFileSync(join(FIXTURES, 'cases.json'), 'utf8');
  const reviver = (_key: string, value: unknown, context?: { source?: string }): unknown =>
    typeof value === 'number' &&
    !Number.isSafeInteger(value) &&
    /^-?\d+$/.test(context?.source ?? '')
      ? BigInt(context!.source!)
      : value;
  return (JSON.parse(text, reviver as Parameters<typeof JSON.parse>[1]) as { cases: Case[] }).cases;
}

const SPECIAL_DOUBLES: Readonly<Record<string, number>> = {
  NaN: NaN,
  Infinity: Infinity,
  '-Infinity': -Infinity,
};

/** A JSON value of the fixtures as the natural JS value a user would hold for `type`. */
function natural(type: DataType, value: unknown): unknown {
  if (value === null) return null;
  if (type instanceof AtomicType) {
    if ((type.typeName === 'double' || type.typeName === 'float') && typeof value === 'string') {
      return SPECIAL_DOUBLES[value];
    }
    if (type.typeName === 'date' || type.typeName === 'timestamp') return new Date(value as string);
    return value;
  }
  if (type instanceof DecimalType) return value;
  if (type instanceof ArrayType)
    return (value as unknown[]).map((v) => natural(type.elementType, v));
  if (type instanceof MapType) {
    return new Map(
      Object.entries(value as object).map(([k, v]) => [k, natural(type.valueType, v)] as const),
    );
  }
  const struct = type;
  return Object.fromEntries(
    struct.fields.map((f) => [
      f.name,
      natural(f.dataType, (value as Record<string, unknown>)[f.name]),
    ]),
  );
}

/** The fixture's file name part, as SparkShowFixtures.showName writes it. */
function showName(show: Show): string {
  const parts: string[] = [];
  if (show.n !== undefined) parts.push(`n-${show.n}`);
  if (show.truncate !== undefined) parts.push(`truncate-${show.truncate}`);
  if (show.vertical !== undefined) parts.push('vertical');
  return parts.length === 0 ? 'default' : parts.join('-');
}

/** What `action` wrote on stdout. */
async function stdoutOf(action: () => Promise<void>): Promise<string> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  });
  try {
    await action();
  } finally {
    spy.mockRestore();
  }
  return out;
}

const cases = readCases();
let spark: SparkSession;

beforeAll(() => {
  spark = SparkSession.builder().config('spark.sql.session.timeZone', 'UTC').getOrCreate();
});
afterEach(() => vi.restoreAllMocks());
afterAll(() => spark.stop());

it('has a recorded output for every show() of every case, and a case for every recording', () => {
  const expected = cases.flatMap((c) => [
    `${c.name}.schema.txt`,
    ...c.shows.map((s) => `${c.name}.${showName(s)}.txt`),
  ]);
  const recorded = readdirSync(FIXTURES).filter((f) => f.endsWith('.txt'));
  expect(recorded.sort()).toEqual(expected.sort());
});

describe.each(cases)('$name', (c) => {
  const schema = parseDDL(c.schema);
  const rows: Row[] = c.rows.map((row) =>
    Object.fromEntries(schema.fields.map((f) => [f.name, natural(f.dataType, row[f.name])])),
  );

  it.each(c.shows.map((show) => ({ show, name: showName(show) })))(
    'show: $name prints what Spark prints',
    async ({ show, name }) => {
      const df = spark.createDataFrame(rows, c.schema);
      const printed = await stdoutOf(() => df.show(show.n, show.truncate, show.vertical));
      expect(printed).toBe(readFileSync(join(FIXTURES, `${c.name}.${name}.txt`), 'utf8'));
    },
  );

  it('printSchema prints what Spark prints', async () => {
    const df = spark.createDataFrame(rows, c.schema);
    const printed = await stdoutOf(() => df.printSchema());
    expect(printed).toBe(readFileSync(join(FIXTURES, `${c.name}.schema.txt`), 'utf8'));
  });
});
