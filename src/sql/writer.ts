// df.write: Spark's DataFrameWriter over DuckDB's COPY. The save modes, the directory layout
// (`path/province=1/part-00000-<uuid>-c000.snappy.parquet`, partition columns in the directory
// names and not in the files) and the `_SUCCESS` marker are Spark's; DuckDB writes the files.
import { randomUUID } from 'node:crypto';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DStreamError } from '../errors.js';
import type { Answer } from './dataframe.js';
import { sqlError, type Engine } from './engine.js';
import { partitionDirectory, renameDuckDBPartitions } from './partition-paths.js';
import { quoteIdentifier, type StructType } from './types.js';
import { copyOptions, fileExtension, literal, type FileFormat } from './writer-options.js';

/** Spark's save modes; `default` is `errorifexists`. */
export type SaveMode = 'error' | 'errorifexists' | 'append' | 'overwrite' | 'ignore' | 'default';

const SAVE_MODES: readonly string[] = [
  'error',
  'errorifexists',
  'append',
  'overwrite',
  'ignore',
  'default',
];

/** What the writer needs of a DataFrame: its schema, and its query run inside a statement. */
export interface WritableFrame {
  readonly schema: Promise<StructType>;
  answer(wrap: (sql: string) => string): Promise<Answer>;
  withQuery<T>(work: (sql: string, engine: Engine) => Promise<T>): Promise<T>;
}

function writeError(message: string): DStreamError {
  return new DStreamError('DSTREAM_ERR_SQL_WRITE', message);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Spark's directory name for a null or empty partition value: `col=__HIVE_DEFAULT_PARTITION__`. */
const HIVE_DEFAULT_PARTITION = '__HIVE_DEFAULT_PARTITION__';

/**
 * `sql` with its partition columns as the text of their directory names, a null or an empty value
 * as Spark names it (DuckDB would write `col=NULL`, which a string 'NULL' also gives). They are
 * left out of the files, so their type there does not matter.
 */
function hiveDefaultPartition(sql: string, columns: readonly string[]): string {
  const replaced = columns.map((c) => {
    const text = `CAST(${quoteIdentifier(c)} AS VARCHAR)`;
    return `CASE WHEN ${text} IS NULL OR ${text} = '' THEN '${HIVE_DEFAULT_PARTITION}' ELSE ${text} END AS ${quoteIdentifier(c)}`;
  });
  return `SELECT * REPLACE (${replaced.join(', ')}) FROM (${sql})`;
}

/**
 * Writes a DataFrame's rows to files, as Spark's `DataFrameWriter`:
 *
 * ```ts
 * await df.write.mode('overwrite').partitionBy('province').parquet('/data/orders');
 * ```
 */
export class DataFrameWriter {
  private saveMode: SaveMode = 'errorifexists';
  private partitionColumns: string[] = [];
  private readonly extraOptions = new Map<string, string>();
  private source: string = 'parquet';

  /** @internal */
  constructor(private readonly df: WritableFrame) {}

  /**
   * What to do when the path exists: `errorifexists` (`error`, `default`: fail), `append` (add
   * files), `overwrite` (delete the path first), `ignore` (write nothing).
   */
  mode(saveMode: SaveMode): this {
    const mode = String(saveMode).toLowerCase();
    if (!SAVE_MODES.includes(mode)) {
      throw writeError(
        `[INVALID_SAVE_MODE] The specified save mode "${String(saveMode)}" is invalid. Valid save ` +
          'modes include "append", "overwrite", "ignore", "error", "errorifexists", and "default".',
      );
    }
    this.saveMode = mode as SaveMode;
    return this;
  }

  /** Lays the files out in one directory per value of these columns: `path/col=value/part-...`. */
  partitionBy(...colNames: string[]): this {
    this.partitionColumns = colNames;
    return this;
  }

  /** An option of the format: `header`, `sep`, `quote`, `escape`, `nullValue`, `compression`. */
  option(key: string, value: string | number | boolean): this {
    this.extraOptions.set(key, String(value));
    return this;
  }

  /** Several options at once. */
  options(options: Readonly<Record<string, string | number | boolean>>): this {
    for (const [k, v] of Object.entries(options)) this.option(k, v);
    return this;
  }

  /** The format {@link save} writes: `parquet` (the default), `csv` or `json`. */
  format(source: string): this {
    this.source = source;
    return this;
  }

  /** Writes in the format given to {@link format}. */
  save(path: string): Promise<void> {
    const format = this.source.toLowerCase();
    if (format !== 'parquet' && format !== 'csv' && format !== 'json') {
      return Promise.reject(
        writeError(
          `df.write.format('${this.source}'): dstream writes parquet, csv and json. Use one of them`,
        ),
      );
    }
    return this.writeFiles(format, path);
  }

  /** Parquet files, snappy-compressed as Spark writes them. */
  parquet(path: string): Promise<void> {
    return this.writeFiles('parquet', path);
  }

  /** CSV files, without a header unless `.option('header', true)`. */
  csv(path: string): Promise<void> {
    return this.writeFiles('csv', path);
  }

  /** JSON Lines files: one object per row. */
  json(path: string): Promise<void> {
    return this.writeFiles('json', path);
  }

  private async writeFiles(format: FileFormat, path: string): Promise<void> {
    const dir = resolve(path);
    const mode = this.saveMode;
    if (await exists(dir)) {
      if (mode === 'ignore') return;
      if (mode === 'error' || mode === 'errorifexists' || mode === 'default') {
        throw new DStreamError(
          'DSTREAM_ERR_SQL_PATH_EXISTS',
          `[PATH_ALREADY_EXISTS] Path file:${dir} already exists. Set mode as "overwrite" to ` +
            'overwrite the existing path.',
        );
      }
      if (mode === 'overwrite') await rm(dir, { recursive: true, force: true });
    }
    await this.checkPartitionColumns();
    const options = copyOptions(format, this.extraOptions);
    // One name per job, as Spark's: `part-<task>-<job uuid>-c<file>`, so that appends never clash.
    const stem = `part-00000-${randomUUID()}-c000`;
    const extension = fileExtension(format, this.extraOptions);
    await mkdir(dir, { recursive: true });
    const partitioned = this.partitionColumns;
    if (partitioned.length === 0) {
      const target = join(dir, `${stem}.${extension}`);
      await this.df.answer((sql) => `COPY (${sql}) TO ${literal(target)} (${options.join(', ')})`);
    } else if (format === 'json') {
      // DuckDB's COPY has no PARTITION_BY for JSON: one COPY per partition.
      await this.writeEachPartition(dir, `${stem}.${extension}`, options);
    } else {
      options.push(
        `PARTITION_BY (${partitioned.map(quoteIdentifier).join(', ')})`,
        // DuckDB numbers the files of each directory from 0: part-00000, as Spark's first task.
        `FILENAME_PATTERN ${literal(stem.replace('part-00000', 'part-0000{i}'))}`,
        `FILE_EXTENSION ${literal(extension)}`,
        // The directory exists (append, or made just now); other files in it are kept.
        'OVERWRITE_OR_IGNORE true',
      );
      await this.df.answer(
        (sql) =>
          `COPY (${hiveDefaultPartition(sql, partitioned)}) TO ${literal(dir)} (${options.join(', ')})`,
      );
      await renameDuckDBPartitions(dir, partitioned.length);
    }
    await writeFile(join(dir, '_SUCCESS'), '');
  }

  /**
   * The rows, their partition columns as directory names' text, in a temporary table; then, for
   * each partition, its rows without those columns into `<dir>/<col=value>/.../<file>`.
   */
  private async writeEachPartition(dir: string, file: string, options: string[]): Promise<void> {
    const columns = this.partitionColumns;
    const names = columns.map(quoteIdentifier).join(', ');
    const table = quoteIdentifier(`__dstream_write_${randomUUID().replaceAll('-', '')}`);
    await this.df.withQuery(async (sql, engine) => {
      const run = (statement: string) =>
        engine.connection.runAndReadAll(statement).catch((e: unknown) => {
          throw sqlError(sql, e);
        });
      await run(`CREATE TEMP TABLE ${table} AS ${hiveDefaultPartition(sql, columns)}`);
      try {
        const partitions = (await run(`SELECT DISTINCT ${names} FROM ${table}`)).getRows();
        for (const values of partitions) {
          const texts = values.map((v) => String(v));
          const subdir = join(dir, ...columns.map((c, i) => partitionDirectory(c, texts[i]!)));
          await mkdir(subdir, { recursive: true });
          const where = columns.map((c, i) => `${quoteIdentifier(c)} = ${literal(texts[i]!)}`);
          await run(
            `COPY (SELECT * EXCLUDE (${names}) FROM ${table} WHERE ${where.join(' AND ')}) ` +
              `TO ${literal(join(subdir, file))} (${options.join(', ')})`,
          );
        }
      } finally {
        await run(`DROP TABLE IF EXISTS ${table}`);
      }
    });
  }

  /** Spark's checks of partition columns, before anything is written. */
  private async checkPartitionColumns(): Promise<void> {
    if (this.partitionColumns.length === 0) return;
    const schema = await this.df.schema;
    const names = schema.fieldNames();
    for (const column of this.partitionColumns) {
      if (!names.includes(column)) {
        throw writeError(
          `Partition column \`${column}\` not found in schema ${schema.simpleString()}`,
        );
      }
    }
    if (names.every((n) => this.partitionColumns.includes(n))) {
      throw writeError('Cannot use all columns for partition columns');
    }
  }
}
