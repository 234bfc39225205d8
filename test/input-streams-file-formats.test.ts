import { mkdir, mkdtemp, rename, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  DStreamError,
  FixedLengthBinaryInputFormat,
  setLogLevel,
  TextInputFormat,
  WholeFileInputFormat,
  type DStream,
  type InputFormat,
} from 'dstream';
import { createManualContext } from 'dstream/testing';
import { captureStderr } from './support/capture-stderr.js';

// Spark's fileStream[K, V, F](directory, filter, newFilesOnly, conf) and binaryRecordsStream
// (InputStreamsSuite: "file input stream - newFilesOnly = true/false", "binary records stream"),
// with the input format as an object. Files are written elsewhere, given a modification time on
// the manual clock, then renamed into the directory, as Spark's tests use setLastModified.

let root: string;
let dir: string;
let staging: string;

beforeAll(() => setLogLevel('WARN'));
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'dstream-file-formats-'));
  dir = join(root, 'in');
  staging = join(root, 'staging');
  await mkdir(dir);
  await mkdir(staging);
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(root, { recursive: true, force: true });
});

/** Writes `content` elsewhere, sets its modification time, renames it into `dir`. */
async function dropFile(name: string, content: string | Buffer, mtimeMs: number): Promise<string> {
  const temp = join(staging, name);
  await writeFile(temp, content);
  await utimes(temp, mtimeMs / 1000, mtimeMs / 1000);
  await rename(temp, join(dir, name));
  return join(dir, name);
}

/** Every batch's records, in partition order (one partition per file, files in name order). */
function collect<T>(stream: DStream<T>): T[][] {
  const out: T[][] = [];
  stream.foreachRDD(async (rdd) => {
    out.push(await rdd.collect());
  });
  return out;
}

describe('fileStream with an input format', () => {
  it('reads [byte offset, line] with TextInputFormat by default, as Hadoop keys lines', async () => {
    const { ssc, clock } = createManualContext();
    await clock.advance(10_000);
    const out = collect(ssc.fileStream(dir));
    await ssc.start();
    // 'é' is two bytes in UTF-8: offsets count bytes, not characters.
    await dropFile('a.txt', 'héllo\nworld\r\n\r\nlast', 10_500);
    await dropFile('b.txt', '\uFEFFbom\rx\n', 10_600);
    await clock.advance(1000);
    await ssc.stop();
    expect(out).toEqual([
      [
        [0, 'héllo'],
        [7, 'world'],
        [14, ''],
        [16, 'last'],
        [0, 'bom'],
        [7, 'x'],
      ],
    ]);
  });

  it('splits at textinputformat.record.delimiter, from conf or from spark.hadoop.*', async () => {
    const { ssc, clock } = createManualContext({
      conf: { 'spark.hadoop.textinputformat.record.delimiter': '||' },
    });
    await clock.advance(10_000);
    const fromSparkConf = collect(ssc.fileStream(dir));
    const fromOption = collect(
      ssc.fileStream(dir, { conf: { 'textinputformat.record.delimiter': ';' } }),
    );
    await ssc.start();
    await dropFile('d.txt', 'a;b||c\nd||', 10_500);
    await clock.advance(1000);
    await ssc.stop();
    expect(fromSparkConf).toEqual([
      [
        [0, 'a;b'],
        [5, 'c\nd'],
      ],
    ]);
    expect(fromOption).toEqual([
      [
        [0, 'a'],
        [2, 'b||c\nd||'],
      ],
    ]);
  });

  it('gives the records of a user format, with the file path and conf it was given', async () => {
    const { ssc, clock } = createManualContext();
    await clock.advance(10_000);
    const csv: InputFormat<string, number[]> = {
      name: 'CsvNumbers',
      *read(content, { path, conf }) {
        const separator = conf.separator ?? ',';
        for (const line of content.toString('utf8').split('\n')) {
          if (line !== '') yield [path.slice(dir.length + 1), line.split(separator).map(Number)];
        }
      },
    };
    const stream = ssc.fileStream(dir, { inputFormat: csv, conf: { separator: ';' } });
    expect(stream.displayName).toBe('File stream [0]');
    const out = collect(stream);
    await ssc.start();
    await dropFile('n.csv', '1;2\n3;4\n', 10_500);
    await clock.advance(1000);
    await ssc.stop();
    expect(out).toEqual([
      [
        ['n.csv', [1, 2]],
        ['n.csv', [3, 4]],
      ],
    ]);
  });

  it('with newFilesOnly false and a filter: files already there in the window, chosen by path', async () => {
    const { ssc, clock } = createManualContext();
    await clock.advance(100_000);
    // The first batch is at 101 000; the remember window (60 s) starts after 41 000.
    await dropFile('recent.log', 'recent\n', 50_000);
    await dropFile('recent.txt', 'not a log\n', 50_000);
    await dropFile('too-old.log', 'too old\n', 41_000);
    // Hidden for the default filter; this filter replaces it and takes it.
    await dropFile('.hidden.log', 'hidden\n', 50_000);
    const stream = ssc.fileStream(dir, {
      inputFormat: WholeFileInputFormat,
      filter: (path) => path.endsWith('.log'),
      newFilesOnly: false,
    });
    const out = collect(stream.map(([path, content]) => [path, content.toString()] as const));
    await ssc.start();
    await dropFile('new.log', 'new\n', 100_500);
    await clock.advance(1000);
    await dropFile('next.log', 'next\n', 101_500);
    await clock.advance(1000);
    await ssc.stop();
    expect(out).toEqual([
      [
        [join(dir, '.hidden.log'), 'hidden\n'],
        [join(dir, 'new.log'), 'new\n'],
        [join(dir, 'recent.log'), 'recent\n'],
      ],
      [[join(dir, 'next.log'), 'next\n']],
    ]);
  });

  it('with newFilesOnly (the default) ignores the files already there', async () => {
    const { ssc, clock } = createManualContext();
    await clock.advance(100_000);
    await dropFile('before.txt', 'before\n', 99_000);
    const out = collect(ssc.fileStream(dir, { inputFormat: TextInputFormat }));
    await ssc.start();
    await dropFile('after.txt', 'after\n', 100_500);
    await clock.advance(1000);
    await ssc.stop();
    expect(out).toEqual([[[0, 'after']]]);
  });

  it('keys FixedLengthBinaryInputFormat records by their index, as Spark', async () => {
    const { ssc, clock } = createManualContext();
    await clock.advance(10_000);
    const out = collect(
      ssc
        .fileStream(dir, { inputFormat: FixedLengthBinaryInputFormat(3) })
        .map(([index, record]) => [index, record.toString('hex')] as const),
    );
    await ssc.start();
    await dropFile('r.bin', Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 9]), 10_500);
    await clock.advance(1000);
    await ssc.stop();
    expect(out).toEqual([
      [
        [0, '010203'],
        [1, '040506'],
        [2, '070809'],
      ],
    ]);
  });
});

describe('recovery', () => {
  it('reads the restored file lists of a checkpoint with the input format, and selects them no more', async () => {
    const { ssc, clock } = createManualContext();
    await clock.advance(10_000);
    const stream = ssc.fileStream(dir, { inputFormat: FixedLengthBinaryInputFormat(1) });
    const out = collect(stream.map(([i, b]) => `${i}:${b.toString()}`));
    const a = await dropFile('a.bin', 'xy', 10_500);
    const b = await dropFile('b.bin', 'z', 10_600);
    // As recovery restores them: the batch at 11 000 had selected only a.bin; b.bin is still new.
    stream.restoreSelectedFiles([[11_000, [a]]]);
    await ssc.start();
    await clock.advance(2000);
    await ssc.stop();
    expect(out).toEqual([['0:x', '1:y'], ['0:z']]);
    expect(stream.checkpointPosition()).toMatchObject({
      files: [
        [11_000, [a]],
        [12_000, [b]],
      ],
    });
  });
});

describe('reading in local[N] task threads', () => {
  it('describes the files of a built-in format as plain data a thread reads itself', async () => {
    const { ssc, clock } = createManualContext();
    await clock.advance(10_000);
    const own: InputFormat<string, string> = {
      name: 'Own',
      read: (content, { path }) => [[path, content.toString()]],
    };
    const sources: unknown[] = [];
    for (const stream of [
      ssc.fileStream(dir),
      ssc.binaryRecordsStream(dir, 2),
      ssc.fileStream(dir, { inputFormat: own }),
    ]) {
      stream.foreachRDD((rdd) => {
        sources.push(structuredClone(rdd.partitionSource(0)));
      });
    }
    await ssc.start();
    const file = await dropFile('f.bin', 'ab\n', 10_500);
    await clock.advance(1000);
    await ssc.stop();
    expect(sources).toEqual([
      { kind: 'fileRecords', file, format: { format: 'text' }, conf: {}, ignoreMissing: false },
      {
        kind: 'fileRecords',
        file,
        format: { format: 'fixedLength', recordLength: 2, valuesOnly: true },
        conf: {},
        ignoreMissing: false,
      },
      // A user's format is a function: the driver reads its files and sends the records.
      undefined,
    ]);
  });
});

describe('binaryRecordsStream', () => {
  it('gives each fixed-length record of the new files as a Buffer of its own', async () => {
    const { ssc, clock } = createManualContext();
    await clock.advance(10_000);
    await dropFile('old.bin', Buffer.alloc(4, 9), 9000);
    const stream = ssc.binaryRecordsStream(dir, 4);
    const records: Buffer[] = [];
    stream.foreachRDD(async (rdd) => {
      records.push(...(await rdd.collect()));
    });
    await ssc.start();
    const values = Buffer.alloc(16);
    [1.5, -2].forEach((v, i) => values.writeDoubleBE(v, i * 8));
    await dropFile('a.bin', values.subarray(0, 8), 10_500);
    await dropFile('.hidden.bin', Buffer.alloc(4), 10_500);
    await clock.advance(1000);
    await dropFile('b.bin', values.subarray(8), 11_500);
    await clock.advance(1000);
    await ssc.stop();
    expect(records.map((r) => r.length)).toEqual([4, 4, 4, 4]);
    expect(Buffer.concat(records).equals(values)).toBe(true);
  });

  it("fails the batch of a file whose length is not a multiple of recordLength, with Spark's message", async () => {
    const log = captureStderr();
    const { ssc, clock } = createManualContext();
    await clock.advance(10_000);
    const counts: number[] = [];
    ssc.binaryRecordsStream(dir, 4).foreachRDD(async (rdd) => {
      counts.push(await rdd.count());
    });
    const terminated = ssc.awaitTermination().catch((e: unknown) => e);
    await ssc.start();
    const torn = await dropFile('torn.bin', Buffer.alloc(10), 10_500);
    await clock.advance(1000);
    await dropFile('whole.bin', Buffer.alloc(8), 11_500);
    await clock.advance(1000);
    await ssc.stop();
    const error = (await terminated) as DStreamError;
    expect(error).toBeInstanceOf(DStreamError);
    expect(error.batchTime?.milliseconds).toBe(11_000);
    expect(error.code).toBe('DSTREAM_ERR_RECORD_LENGTH');
    expect(error.message).toMatch(
      /^requirement failed: Byte array does not have correct length\. 2 did not equal recordLength: 4 /,
    );
    expect(error.message).toContain(torn);
    // Later files are read: a failed batch does not stop the stream.
    expect(counts).toEqual([2]);
    expect(log.join('')).toContain('did not equal recordLength: 4');
  });

  it('refuses a record length below 1 where the stream is declared', () => {
    const { ssc } = createManualContext();
    for (const recordLength of [0, -4, 1.5]) {
      expect(() => ssc.binaryRecordsStream(dir, recordLength)).toThrow(
        expect.objectContaining({
          code: 'DSTREAM_ERR_INVALID_ARGUMENT',
          message: `requirement failed: recordLength must be a positive whole number of bytes, got ${recordLength}`,
        }),
      );
    }
    // Nothing half-declared: the next input stream still gets id 0.
    expect(ssc.binaryRecordsStream(dir, 2).inputStreamId).toBe(0);
  });
});
