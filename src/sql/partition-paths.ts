// Spark's partition directory names (`province=gd`, `city=a%2Fb`): Hive's escaping, which DuckDB's
// PARTITION_BY does not share (DuckDB percent-encodes every byte outside [A-Za-z0-9_.~-], so
// `a b` is `a%20b` there and `a b` in Spark). dstream names directories as Spark does: the JSON
// writer names them itself; after a Parquet or CSV COPY the directories DuckDB made are renamed.
import { readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

// The characters Spark escapes in a path name (ExternalCatalogUtils): the controls 0x01-0x1F and
// 0x7F, and " # % ' * / : = ? \ { [ ] ^ (Spark adds space < > | on Windows
// only).
const ESCAPED = new Set(
  [...Array.from({ length: 0x1f }, (_, i) => i + 1), 0x7f].concat(
    [...'"#%\'*/:=?\\{[]^'].map((c) => c.charCodeAt(0)),
  ),
);

/** Spark's `escapePathName`: each escaped character as `%` and two upper-case hex digits. */
export function escapePathName(name: string): string {
  let out = '';
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    out += ESCAPED.has(code) ? `%${code.toString(16).toUpperCase().padStart(2, '0')}` : name[i];
  }
  return out;
}

/** `column=value` as Spark names a partition directory (the value already its text). */
export function partitionDirectory(column: string, value: string): string {
  return `${escapePathName(column)}=${escapePathName(value)}`;
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

/** Moves what `from` holds into the directory `to`, which exists (an append). */
async function mergeInto(from: string, to: string): Promise<void> {
  for (const entry of await readdir(from)) {
    const target = join(to, entry);
    if (await isDirectory(target)) await mergeInto(join(from, entry), target);
    else await rename(join(from, entry), target);
  }
  await rm(from, { recursive: true });
}

/** Spark's name for the directory DuckDB named `entry`, or undefined if DuckDB did not name it. */
function sparkName(entry: string, equals: number): string | undefined {
  try {
    return partitionDirectory(
      decodeURIComponent(entry.slice(0, equals)),
      decodeURIComponent(entry.slice(equals + 1)),
    );
  } catch {
    return undefined;
  }
}

/**
 * Renames the `depth` levels of partition directories under `dir` from DuckDB's names to Spark's,
 * merging into a directory of Spark's name that an earlier write (an append) made.
 */
export async function renameDuckDBPartitions(dir: string, depth: number): Promise<void> {
  if (depth === 0) return;
  for (const entry of await readdir(dir)) {
    const path = join(dir, entry);
    const equals = entry.indexOf('=');
    if (equals < 0 || !(await isDirectory(path))) continue;
    const spark = sparkName(entry, equals);
    if (spark === undefined) continue;
    let renamed = path;
    if (spark !== entry) {
      renamed = join(dir, spark);
      if (await isDirectory(renamed)) await mergeInto(path, renamed);
      else await rename(path, renamed);
    }
    await renameDuckDBPartitions(renamed, depth - 1);
  }
}
