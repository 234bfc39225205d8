// The receiver write-ahead log's files: records come back by segment and in order; a record torn by
// a crash is never read as data; old files go.
import { readdirSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FileWriteAheadLog } from '../src/receiver/write-ahead-log.js';
import { removeTempDirs, tempDir } from './support/sums-app.js';

afterEach(() => {
  removeTempDirs();
  vi.restoreAllMocks();
});

function logAt(dir: string, clock: { now: number }, maxFailures = 3): FileWriteAheadLog {
  return new FileWriteAheadLog(dir, {
    rollingIntervalMs: 60_000,
    maxFailures,
    now: () => clock.now,
  });
}

const text = (b: Buffer) => b.toString('utf8');

describe('FileWriteAheadLog', () => {
  it('reads each record back by its segment, and all of them in order, across rolled files', async () => {
    const dir = join(tempDir(), 'receivedData', '0');
    const clock = { now: 1000 };
    const wal = logAt(dir, clock);
    const a = await wal.write(Buffer.from('first'));
    clock.now = 61_000; // the next write rolls to a new file
    const [b, c] = await Promise.all([
      wal.write(Buffer.from('second')),
      wal.write(Buffer.from('third')),
    ]);
    await wal.close();
    expect(readdirSync(dir).sort()).toEqual(['log-1000-61000', 'log-61000-121000']);
    expect(text(wal.read(b))).toBe('second');
    expect(text(wal.read(a))).toBe('first');
    expect(wal.recordsAfter(undefined).map((r) => text(r.payload))).toEqual([
      'first',
      'second',
      'third',
    ]);
    expect(wal.recordsAfter(a).map((r) => text(r.payload))).toEqual(['second', 'third']);
    expect(wal.recordsAfter(c)).toEqual([]);
  });

  it('never reads a record torn by a crash as data', async () => {
    const dir = tempDir();
    const wal = logAt(dir, { now: 5 });
    await wal.write(Buffer.from('whole'));
    const torn = await wal.write(Buffer.from('cut short by the crash'));
    await wal.close();
    const file = join(dir, torn.file);
    truncateSync(file, statSync(file).size - 4);
    const warn = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(wal.recordsAfter(undefined).map((r) => text(r.payload))).toEqual(['whole']);
    expect(String(warn.mock.calls[0]?.[0])).toContain('Ignoring an incomplete record at offset 13');
    expect(() => wal.read(torn)).toThrow(
      expect.objectContaining({ code: 'DSTREAM_ERR_WAL_UNREADABLE' }) as Error,
    );
  });

  it('starts a new file for a new run rather than appending to a file of an old one', async () => {
    const dir = tempDir();
    const first = logAt(dir, { now: 7 });
    await first.write(Buffer.from('old run'));
    await first.close();
    const second = logAt(dir, { now: 7 });
    await second.write(Buffer.from('new run'));
    await second.close();
    expect(readdirSync(dir).sort()).toEqual(['log-7-60007', 'log-8-60007']);
    expect(second.recordsAfter(undefined).map((r) => text(r.payload))).toEqual([
      'old run',
      'new run',
    ]);
  });

  it('deletes the files older than the oldest one still needed, never the current one', async () => {
    const dir = tempDir();
    const clock = { now: 0 };
    const wal = logAt(dir, clock);
    const segments = [];
    for (const t of [0, 60_000, 120_000, 180_000]) {
      clock.now = t;
      segments.push(await wal.write(Buffer.from(String(t))));
    }
    await wal.deleteFilesBefore(segments[2]!.file);
    expect(readdirSync(dir).sort()).toEqual(['log-120000-180000', 'log-180000-240000']);
    await wal.deleteFilesBefore('log-999999-1059999');
    expect(readdirSync(dir)).toEqual(['log-180000-240000']);
    await wal.close();
  });

  it('fails a write after maxFailures attempts, naming the log', async () => {
    const dir = tempDir();
    const wal = logAt(join(dir, 'file-not-dir'), { now: 0 }, 2);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'file-not-dir'), 'in the way');
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    await expect(wal.write(Buffer.from('x'))).rejects.toMatchObject({
      code: 'DSTREAM_ERR_WAL_WRITE',
      message: expect.stringMatching(
        /^Failed to write to write ahead log after 2 failures in .*file-not-dir: /,
      ) as string,
    });
  });
});
