// Spark's DDL for a schema, as StructType.fromDDL reads it: `word STRING, total BIGINT`, with
// Spark's type names and their aliases, DECIMAL(p, s), ARRAY<T>, MAP<K, V>, STRUCT<a: T, ...>,
// backquoted names, and NOT NULL / COMMENT '...' after a column's type.
import { DStreamError } from '../errors.js';
import {
  ArrayType,
  BinaryType,
  BooleanType,
  ByteType,
  DateType,
  DecimalType,
  DoubleType,
  FloatType,
  IntegerType,
  LongType,
  MapType,
  ShortType,
  StringType,
  StructField,
  StructType,
  TimestampType,
  type DataType,
} from './types.js';

const ATOMIC: Readonly<Record<string, DataType>> = {
  STRING: StringType,
  VARCHAR: StringType,
  CHAR: StringType,
  INT: IntegerType,
  INTEGER: IntegerType,
  BIGINT: LongType,
  LONG: LongType,
  SMALLINT: ShortType,
  SHORT: ShortType,
  TINYINT: ByteType,
  BYTE: ByteType,
  DOUBLE: DoubleType,
  FLOAT: FloatType,
  REAL: FloatType,
  BOOLEAN: BooleanType,
  DATE: DateType,
  TIMESTAMP: TimestampType,
  TIMESTAMP_LTZ: TimestampType,
  BINARY: BinaryType,
};

// A word, a backquoted name (`` doubled inside), a number, a quoted string, or one punctuation mark.
const TOKEN =
  /\s*(?:(`(?:[^`]|``)*`)|([A-Za-z_][A-Za-z0-9_]*)|(\d+)|('(?:[^'\\]|\\.)*')|([<>(),:]))/y;

interface Token {
  text: string;
  at: number;
  kind: 'quoted' | 'word' | 'number' | 'string' | 'mark';
}

function tokenize(ddl: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  let at = 0;
  while (at < ddl.length) {
    if (/^\s*$/.test(ddl.slice(at))) break;
    TOKEN.lastIndex = at;
    const m = TOKEN.exec(ddl);
    if (m === null) throw schemaError(ddl, at, `unexpected '${ddl.slice(at).trimStart()[0]}'`);
    const kinds = ['quoted', 'word', 'number', 'string', 'mark'] as const;
    const group = m.findIndex((g, i) => i > 0 && g !== undefined);
    const text = m[group]!;
    tokens.push({ text, at: m.index + m[0].length - text.length, kind: kinds[group - 1]! });
    at = TOKEN.lastIndex;
  }
  return tokens;
}

function schemaError(ddl: string, at: number, what: string): DStreamError {
  return new DStreamError(
    'DSTREAM_ERR_SQL_SCHEMA',
    `cannot parse the schema "${ddl}" at position ${at}: ${what}. ` +
      "Write it as Spark's DDL: 'word STRING, total BIGINT' (types: STRING, INT, BIGINT, " +
      'SMALLINT, TINYINT, DOUBLE, FLOAT, BOOLEAN, DECIMAL(p,s), DATE, TIMESTAMP, BINARY, ' +
      'ARRAY<T>, MAP<K,V>, STRUCT<a: T, ...>)',
  );
}

class DdlParser {
  private i = 0;
  constructor(
    private readonly ddl: string,
    private readonly tokens: Token[],
  ) {}

  private peek(): Token | undefined {
    return this.tokens[this.i];
  }

  private fail(what: string): never {
    throw schemaError(this.ddl, this.peek()?.at ?? this.ddl.length, what);
  }

  private next(): Token {
    const t = this.tokens[this.i++];
    if (t === undefined) this.fail('the schema ends too early');
    return t;
  }

  private expect(mark: string): void {
    const t = this.next();
    if (t.text !== mark) {
      this.i--;
      this.fail(`expected '${mark}', found '${t.text}'`);
    }
  }

  private acceptWord(word: string): boolean {
    const t = this.peek();
    if (t?.kind === 'word' && t.text.toUpperCase() === word) {
      this.i++;
      return true;
    }
    return false;
  }

  schema(): StructType {
    const fields = this.fields(undefined);
    if (this.peek() !== undefined) this.fail(`unexpected '${this.peek()!.text}'`);
    if (fields.length === 0) this.fail('no column');
    return new StructType(fields);
  }

  /** Fields separated by commas, up to `end` (a closing '>') or the end of the text. */
  private fields(end: string | undefined): StructField[] {
    const fields: StructField[] = [];
    while (this.peek() !== undefined && this.peek()!.text !== end) {
      if (fields.length > 0) this.expect(',');
      fields.push(this.field());
    }
    return fields;
  }

  private field(): StructField {
    const t = this.next();
    if (t.kind !== 'word' && t.kind !== 'quoted') {
      this.i--;
      this.fail(`expected a column name, found '${t.text}'`);
    }
    const name = t.kind === 'quoted' ? t.text.slice(1, -1).replaceAll('``', '`') : t.text;
    if (this.peek()?.text === ':') this.i++;
    const type = this.type();
    let nullable = true;
    if (this.acceptWord('NOT')) {
      if (!this.acceptWord('NULL')) this.fail('expected NULL after NOT');
      nullable = false;
    }
    if (this.acceptWord('COMMENT') && this.next().kind !== 'string') {
      this.i--;
      this.fail('expected a quoted comment');
    }
    return new StructField(name, type, nullable);
  }

  private type(): DataType {
    const t = this.next();
    if (t.kind !== 'word') {
      this.i--;
      this.fail(`expected a type, found '${t.text}'`);
    }
    const word = t.text.toUpperCase();
    switch (word) {
      case 'ARRAY': {
        this.expect('<');
        const element = this.type();
        this.expect('>');
        return new ArrayType(element);
      }
      case 'MAP': {
        this.expect('<');
        const key = this.type();
        this.expect(',');
        const value = this.type();
        this.expect('>');
        return new MapType(key, value);
      }
      case 'STRUCT': {
        this.expect('<');
        const fields = this.fields('>');
        this.expect('>');
        return new StructType(fields);
      }
      case 'DECIMAL':
      case 'DEC':
      case 'NUMERIC':
        return this.decimal();
    }
    const atomic = ATOMIC[word];
    if (atomic === undefined) {
      this.i--;
      this.fail(`unknown type '${t.text}'`);
    }
    // VARCHAR(n) and CHAR(n) are strings to Spark too, once read.
    if ((word === 'VARCHAR' || word === 'CHAR') && this.peek()?.text === '(') {
      this.i++;
      this.number();
      this.expect(')');
    }
    return atomic;
  }

  private decimal(): DecimalType {
    if (this.peek()?.text !== '(') return new DecimalType();
    this.i++;
    const precision = this.number();
    let scale = 0;
    if (this.peek()?.text === ',') {
      this.i++;
      scale = this.number();
    }
    this.expect(')');
    if (precision < 1 || precision > 38 || scale > precision) {
      this.fail(`DECIMAL(${precision}, ${scale}): precision 1..38 and scale at most precision`);
    }
    return new DecimalType(precision, scale);
  }

  private number(): number {
    const t = this.next();
    if (t.kind !== 'number') {
      this.i--;
      this.fail(`expected a number, found '${t.text}'`);
    }
    return Number(t.text);
  }
}

/** A schema from Spark's DDL (`'word STRING, total BIGINT'`), as Spark's `StructType.fromDDL`. */
export function parseDDL(ddl: string): StructType {
  return new DdlParser(ddl, tokenize(ddl)).schema();
}
