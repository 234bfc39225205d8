// Spark's options of the file formats, as the options of DuckDB's COPY, and the file extensions
// Spark gives each format and compression (`.snappy.parquet`, `.csv`, `.json.gz`).
import { DStreamError } from '../errors.js';

export type FileFormat = 'parquet' | 'csv' | 'json';

/** Spark's codec names to DuckDB's, per format, with the extension Spark puts before the format's. */
const CODECS: Readonly<Record<FileFormat, Readonly<Record<string, readonly [string, string]>>>> = {
  parquet: {
    snappy: ['snappy', '.snappy'],
    gzip: ['gzip', '.gz'],
    zstd: ['zstd', '.zstd'],
    lz4: ['lz4_raw', '.lz4raw'],
    lz4_raw: ['lz4_raw', '.lz4raw'],
    none: ['uncompressed', ''],
    uncompressed: ['uncompressed', ''],
  },
  csv: { none: ['none', ''], uncompressed: ['none', ''], gzip: ['gzip', '.gz'] },
  json: { none: ['none', ''], uncompressed: ['none', ''], gzip: ['gzip', '.gz'] },
};

/** Spark's default codec per format: snappy Parquet, plain text CSV and JSON. */
const DEFAULT_CODEC: Readonly<Record<FileFormat, string>> = {
  parquet: 'snappy',
  csv: 'none',
  json: 'none',
};

function codec(
  format: FileFormat,
  options: ReadonlyMap<string, string>,
): readonly [string, string] {
  const name = (options.get('compression') ?? DEFAULT_CODEC[format]).toLowerCase();
  const found = CODECS[format][name];
  if (found === undefined) {
    throw new DStreamError(
      'DSTREAM_ERR_SQL_WRITE',
      `Codec [${name}] is not available for ${format}. Known codecs are ` +
        `${Object.keys(CODECS[format]).join(', ')}.`,
    );
  }
  return found;
}

/** A SQL string literal. */
export function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** A file's extension after its name: `snappy.parquet`, `csv`, `json.gz`. */
export function fileExtension(format: FileFormat, options: ReadonlyMap<string, string>): string {
  const [, suffix] = codec(format, options);
  return format === 'parquet'
    ? `${suffix.slice(1)}${suffix ? '.' : ''}parquet`
    : `${format}${suffix}`;
}

/**
 * The COPY options for `format` and Spark's options of it. Spark ignores options a format does not
 * know, and so does this.
 */
export function copyOptions(format: FileFormat, options: ReadonlyMap<string, string>): string[] {
  const out = [`FORMAT ${format}`, `COMPRESSION ${codec(format, options)[0]}`];
  if (format !== 'csv') return out;
  // Spark writes no header unless asked, quotes with ", escapes with \ and writes null as nothing.
  const header = (options.get('header') ?? 'false').toLowerCase() === 'true';
  out.push(`HEADER ${header}`);
  out.push(`DELIMITER ${literal(options.get('sep') ?? options.get('delimiter') ?? ',')}`);
  out.push(`QUOTE ${literal(options.get('quote') ?? '"')}`);
  out.push(`ESCAPE ${literal(options.get('escape') ?? '\\')}`);
  out.push(`NULLSTR ${literal(options.get('nullValue') ?? '')}`);
  return out;
}
