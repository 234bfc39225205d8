import { closeSync, openSync, readdirSync, readSync, fstatSync } from 'node:fs';
import { mkdir, open, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { DStreamError, messageOf } from '../errors.js';
import { Logger } from '../util/logging.js';

const log = new Logger('FileBasedWriteAheadLog');

/** Where one record of the log is: its file (a name in the log's directory), frame offset, size. */
export interface WalSegment {
  readonly file: string;
  readonly offset: number;
  readonly length: number;
}

export interface WriteAheadLogOptions {
  /** A new file is started after this long (`...writeAheadLog.rollingIntervalSecs`, 60 s). */
  readonly rollingIntervalMs: number;
  /** Attempts of one write before it fails (`...writeAheadLog.maxFailures`, 3). */
  readonly maxFailures: number;
  /** The context's clock: file names carry its times. */
  readonly now: () => number;
}

/** Each record: payload length and CRC-32 of the payload (both unsigned 32-bit LE), payload. */
const FRAME_HEADER = 8;
const FILE_NAME = /^log-(\d+)-(\d+)$/;

/**
 * An append-only log of records in rolling files `log-<startMs>-<endMs>`, as Spark's
 * FileBasedWriteAheadLog: a record is on disk (in the operating system's cache: a process that dies
 * right after loses nothing) when `write` resolves, and is read back by its segment. Unlike Spark's
 * frames, each carries a CRC-32, so a record torn by a crash is recognised and never read as data.
 * Writes run one at a time, in order: segments come back in the order of the calls.
 */
export class FileWriteAheadLog {
  private current: { name: string; handle: FileHandle; size: number; endMs: number } | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** The start of the oldest file kept by the last deletion. */
  private deletedBefore = -Infinity;

  constructor(
    readonly dir: string,
    private readonly o: WriteAheadLogOptions,
  ) {}

  /** Appends `payload`; resolves with where it is, once written. */
  write(payload: Uint8Array): Promise<WalSegment> {
    const run = this.queue.then(() => this.writeWithRetries(payload));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Reads the record at `segment`; throws `DSTREAM_ERR_WAL_UNREADABLE` if it is missing or torn. */
  read(segment: WalSegment): Buffer {
    const path = join(this.dir, segment.file);
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (e) {
      throw unreadable(path, segment, messageOf(e));
    }
    try {
      const frame = readFrame(fd, segment.offset, segment.offset + FRAME_HEADER + segment.length);
      if (typeof frame === 'string') throw unreadable(path, segment, frame);
      if (frame.length !== segment.length) {
        throw unreadable(path, segment, 'the record is incomplete');
      }
      return frame;
    } finally {
      closeSync(fd);
    }
  }

  /**
   * Every whole record after `after` (from the start when undefined), in order, across files. A torn
   * record ends its file's records (a crash cut the write), with a warning.
   */
  recordsAfter(after: WalSegment | undefined): { segment: WalSegment; payload: Buffer }[] {
    const records: { segment: WalSegment; payload: Buffer }[] = [];
    const afterStart = after ? startOf(after.file) : -Infinity;
    for (const file of this.files()) {
      if (startOf(file) < afterStart) continue;
      let offset = after && file === after.file ? after.offset + FRAME_HEADER + after.length : 0;
      const path = join(this.dir, file);
      const fd = openSync(path, 'r');
      try {
        const size = fstatSync(fd).size;
        while (offset < size) {
          const payload = readFrame(fd, offset, size);
          if (typeof payload === 'string') {
            log.warn(
              `Ignoring an incomplete record at offset ${offset} of ${path} (a write cut by a crash): it was never acknowledged`,
            );
            break;
          }
          records.push({ segment: { file, offset, length: payload.length }, payload });
          offset += FRAME_HEADER + payload.length;
        }
      } finally {
        closeSync(fd);
      }
    }
    return records;
  }

  /**
   * Deletes the files older than `file` (written before it: records are in file order, so the
   * records they hold come before any still needed).
   */
  async deleteFilesBefore(file: string): Promise<void> {
    const keepFrom = startOf(file);
    // Called after every checkpoint: list the directory only when the oldest file kept moved on.
    if (keepFrom <= this.deletedBefore) return;
    this.deletedBefore = keepFrom;
    for (const f of this.files()) {
      if (startOf(f) >= keepFrom || f === this.current?.name) continue;
      await rm(join(this.dir, f), { force: true });
      log.debug(`Deleted ${join(this.dir, f)}`);
    }
  }

  /** Closes the current file; writes asked for before still complete. */
  async close(): Promise<void> {
    this.closed = true;
    await this.queue;
    await this.current?.handle.close();
    this.current = undefined;
  }

  /** The log's files, oldest first (none when the directory does not exist yet). */
  private files(): string[] {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    return names.filter((n) => FILE_NAME.test(n)).sort((a, b) => startOf(a) - startOf(b));
  }

  private async writeWithRetries(payload: Uint8Array): Promise<WalSegment> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.append(payload);
      } catch (e) {
        // A failed append may have left part of a frame: continue in a new file.
        await this.current?.handle.close().catch(() => undefined);
        this.current = undefined;
        if (attempt >= this.o.maxFailures || this.closed) {
          throw new DStreamError(
            'DSTREAM_ERR_WAL_WRITE',
            `Failed to write to write ahead log after ${attempt} failures in ${this.dir}: ${messageOf(e)}`,
            { cause: e },
          );
        }
        log.warn(`Failed to write to write ahead log (attempt ${attempt})`, e);
      }
    }
  }

  private async append(payload: Uint8Array): Promise<WalSegment> {
    const now = this.o.now();
    if (this.current && now >= this.current.endMs) {
      await this.current.handle.close();
      this.current = undefined;
    }
    if (!this.current) {
      await mkdir(this.dir, { recursive: true });
      const endMs = now + this.o.rollingIntervalMs;
      // A file is never appended to by two runs: a restart within the same millisecond gets the
      // next free name.
      let start = now;
      while (this.files().some((f) => startOf(f) === start)) start++;
      const name = `log-${start}-${endMs}`;
      this.current = { name, handle: await open(join(this.dir, name), 'wx'), size: 0, endMs };
    }
    const frame = Buffer.allocUnsafe(FRAME_HEADER + payload.length);
    frame.writeUInt32LE(payload.length, 0);
    frame.writeUInt32LE(crc32(payload), 4);
    frame.set(payload, FRAME_HEADER);
    const { handle, name } = this.current;
    const offset = this.current.size;
    const { bytesWritten } = await handle.write(frame, 0, frame.length, offset);
    if (bytesWritten !== frame.length) throw new Error(`short write to ${name}`);
    this.current.size += frame.length;
    return { file: name, offset, length: payload.length };
  }
}

/**
 * The payload of the frame at `offset` (the file being `size` bytes long), or why it is not whole:
 * cut short, or its CRC does not match.
 */
function readFrame(fd: number, offset: number, size: number): Buffer | string {
  const header = Buffer.alloc(FRAME_HEADER);
  if (readSync(fd, header, 0, FRAME_HEADER, offset) !== FRAME_HEADER) {
    return 'the record is incomplete';
  }
  const length = header.readUInt32LE(0);
  if (offset + FRAME_HEADER + length > size) return 'the record is incomplete';
  const payload = Buffer.alloc(length);
  if (readSync(fd, payload, 0, length, offset + FRAME_HEADER) !== length) {
    return 'the record is incomplete';
  }
  return header.readUInt32LE(4) === crc32(payload) ? payload : 'its checksum does not match';
}

function startOf(file: string): number {
  return Number(FILE_NAME.exec(file)?.[1] ?? NaN);
}

function unreadable(path: string, segment: WalSegment, why: string): DStreamError {
  return new DStreamError(
    'DSTREAM_ERR_WAL_UNREADABLE',
    `Cannot read the record at offset ${segment.offset} of write ahead log file ${path}: ${why}`,
  );
}
