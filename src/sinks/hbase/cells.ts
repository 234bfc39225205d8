// A batch's rows as the REST gateway's CellSet JSON: `{"Row":[{"key":b64,"Cell":[{"column":b64,
// "timestamp":ms,"$":b64}]}]}`, built as strings (no object per cell, no JSON.stringify of the
// whole body). This is the sink's hot path: per record, one base64 per key and per value, string
// appends, and a cached prefix per column (its base64 name and the timestamp are the same for
// every row of a put).
import { DStreamError } from '../../errors.js';

/** A cell's value: strings are written as UTF-8, numbers and booleans as their text, bytes as they are. */
export type CellValue = string | number | bigint | boolean | Uint8Array | null | undefined;

/** A row key: strings as UTF-8, numbers as their text, bytes as they are. */
export type RowKey = string | number | bigint | Uint8Array;

const base64 = (v: string | Uint8Array): string =>
  typeof v === 'string'
    ? Buffer.from(v, 'utf8').toString('base64')
    : Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');

/** The text of a key or value as users read it back (bytes in messages are shown as base64). */
export const textOf = (v: RowKey | CellValue): string =>
  v instanceof Uint8Array ? `base64:${base64(v)}` : String(v);

/** Builds the bodies of one put: rows appended, cut into requests of `rowsPerRequest` rows. */
export class CellSetBuilder {
  /** `{"column":"<b64 family:qualifier>","timestamp":<ms>,"$":"`, by qualifier. */
  private readonly prefixes = new Map<string, string>();
  private body = '';
  private count = 0;
  /** The first row and column of the body being built: what an error of its request names. */
  private firstRow = '';
  private firstColumn = '';

  constructor(
    private readonly family: string,
    private readonly timestamp: number,
    private readonly rowsPerRequest: number,
    /** Called with each full body (and its first row and column), in order. */
    private readonly emit: (body: RequestBody) => void,
  ) {}

  /** Adds a row: the cells named by `qualifiers` in `values` (null and undefined are left out). */
  row(key: RowKey, values: Readonly<Record<string, CellValue>>, qualifiers: readonly string[]) {
    let cells = '';
    let first = '';
    for (let i = 0; i < qualifiers.length; i++) {
      const q = qualifiers[i]!;
      const v = values[q];
      if (v === null || v === undefined) continue;
      const encoded =
        typeof v === 'string' || v instanceof Uint8Array ? base64(v) : base64(String(v));
      if (cells === '') first = q;
      else cells += ',';
      cells += this.prefix(q) + encoded + '"}';
    }
    if (cells === '') return; // HBase refuses a put without cells; a row of nulls writes nothing
    if (this.count === 0) {
      this.firstRow = textOf(key);
      this.firstColumn = `${this.family}:${first}`;
      this.body = '{"Row":[';
    } else {
      this.body += ',';
    }
    this.body += `{"key":"${base64(typeof key === 'object' ? key : String(key))}","Cell":[${cells}]}`;
    if (++this.count === this.rowsPerRequest) this.flush();
  }

  /** Emits the body being built, if it holds rows. */
  flush(): void {
    if (this.count === 0) return;
    this.emit({
      json: `${this.body}]}`,
      rows: this.count,
      firstRow: this.firstRow,
      firstColumn: this.firstColumn,
    });
    this.body = '';
    this.count = 0;
  }

  private prefix(qualifier: string): string {
    let p = this.prefixes.get(qualifier);
    if (p === undefined) {
      p = `{"column":"${base64(`${this.family}:${qualifier}`)}","timestamp":${this.timestamp},"$":"`;
      this.prefixes.set(qualifier, p);
    }
    return p;
  }
}

/** One multi-row PUT. */
export interface RequestBody {
  readonly json: string;
  readonly rows: number;
  readonly firstRow: string;
  readonly firstColumn: string;
}

/** Checks a row key a function or field gave, for a message that names the row. */
export function checkKey(key: unknown, row: unknown): RowKey {
  if (
    typeof key === 'string' ||
    typeof key === 'number' ||
    typeof key === 'bigint' ||
    key instanceof Uint8Array
  ) {
    return key;
  }
  throw new DStreamError(
    'DSTREAM_ERR_INVALID_ARGUMENT',
    `HBaseSink: a row key must be a string, a number or bytes; got ${String(key)} for the row ${preview(row)}`,
  );
}

function preview(row: unknown): string {
  try {
    return JSON.stringify(row).slice(0, 120);
  } catch {
    return String(row);
  }
}
