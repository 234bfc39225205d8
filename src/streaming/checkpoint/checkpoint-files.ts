import { closeSync, fsyncSync, openSync, readdirSync } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

// The files of a checkpoint directory, as Spark names them: `checkpoint-<timeMs>` (metadata),
// `checkpoint-<timeMs>.bk` (the previous content of a file written twice for one time), and our
// state snapshots under `state/<key dir>/snapshot-<timeMs>`. Every file is written to a temporary
// name, flushed to disk, then renamed: a reader sees a whole file or none.

const CHECKPOINT_FILE = /^checkpoint-(\d+)(\.bk)?$/;
const SNAPSHOT_FILE = /^snapshot-(\d+)$/;
const TEMP_PREFIX = '.tmp-';

export interface CheckpointFile {
  readonly name: string;
  readonly timeMs: number;
  readonly backup: boolean;
}

export function checkpointFileName(timeMs: number): string {
  return `checkpoint-${timeMs}`;
}

export function snapshotFileName(timeMs: number): string {
  return `snapshot-${timeMs}`;
}

/**
 * The metadata checkpoint files of `dir`, newest first (for equal times the plain file before its
 * `.bk`, which holds older content). Throws what `readdir` throws (ENOENT for no directory).
 */
export function listCheckpointFiles(dir: string): CheckpointFile[] {
  return sortNewestFirst(readdirSync(dir));
}

/** The checkpoint file names among `names`, newest first (see {@link listCheckpointFiles}). */
export function sortNewestFirst(names: Iterable<string>): CheckpointFile[] {
  const files: CheckpointFile[] = [];
  for (const name of names) {
    const m = CHECKPOINT_FILE.exec(name);
    if (m) files.push({ name, timeMs: Number(m[1]), backup: m[2] !== undefined });
  }
  return files.sort((a, b) => b.timeMs - a.timeMs || Number(a.backup) - Number(b.backup));
}

let tempCounter = 0;

/**
 * Writes `data` to `dir/name` atomically: to a temporary file in the same directory, flushed
 * (fsync), renamed over the target, and the directory flushed so the rename itself survives a
 * crash. With `backup`, an existing file of that name is first renamed to `<name>.bk`.
 */
export async function writeFileAtomic(
  dir: string,
  name: string,
  data: Uint8Array,
  options: { backup?: boolean } = {},
): Promise<void> {
  const temp = join(dir, `${TEMP_PREFIX}${name}-${process.pid}-${tempCounter++}`);
  const target = join(dir, name);
  try {
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (options.backup && (await exists(target))) await rename(target, `${target}.bk`);
    await rename(temp, target);
  } catch (e) {
    // A write cut short (a full disk) must not leave its partial file taking the space of the
    // next attempt: the temporary file goes, whatever failed.
    await rm(temp, { force: true }).catch(() => undefined);
    throw e;
  }
  syncDirectory(dir);
}

/**
 * Why writing a checkpoint file into `dir` failed, and what to do, for a log line: a full disk or
 * quota and a denied permission get advice, anything else its own message.
 */
export function writeFailureReason(error: unknown, dir: string): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  switch (code) {
    case 'ENOSPC':
      return `no space left on device (ENOSPC): free space on the disk that holds ${dir}, or move the checkpoint directory to a larger one`;
    case 'EDQUOT':
      return `disk quota exceeded (EDQUOT): raise the quota of the application's user on the disk that holds ${dir}, or free space there`;
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return `permission denied (${code}): let the application's user write to ${dir}`;
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

function syncDirectory(dir: string): void {
  // Not every platform can open a directory for fsync (Windows): the rename is then as durable
  // as the platform makes it.
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // best effort
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Deletes all but the newest `keep` metadata checkpoint files (`.bk` files count), as Spark. */
export async function deleteOldCheckpointFiles(dir: string, keep: number): Promise<void> {
  const files = sortNewestFirst(await readdir(dir));
  for (const f of files.slice(keep)) await rm(join(dir, f.name), { force: true });
}

/** Creates the directory of a state key's snapshots. */
export async function ensureDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
}

/** The snapshot times present in a state key's directory, newest first. */
export async function listSnapshotTimes(dir: string): Promise<number[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const times: number[] = [];
  for (const name of names) {
    const m = SNAPSHOT_FILE.exec(name);
    if (m) times.push(Number(m[1]));
  }
  return times.sort((a, b) => b - a);
}

/** Removes temporary files a crash left behind (never a complete checkpoint). */
export async function removeStaleTempFiles(dir: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  const mine = `-${process.pid}-`;
  for (const name of names) {
    if (name.startsWith(TEMP_PREFIX) && !name.includes(mine)) {
      await rm(join(dir, name), { force: true });
    }
  }
}
