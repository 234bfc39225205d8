import { mkdir, mkdtemp, rename, rm, utimes, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { setLogLevel, type DStream, type StreamInputInfo } from 'dstream';
import { createManualContext } from 'dstream/testing';
import { captureStderr } from './support/capture-stderr.js';

// Spark's InputStreamsSuite / FileInputDStream rules, on a manual clock. Modification times are
// set with utimes to manual-clock times, as Spark's tests use setLastModified.

let root: string;
let staging: string;

beforeAll(() => setLogLevel('WARN'));
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'dstream-files-'));
  staging = join(root, 'staging');
  await mkdir(staging);
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(root, { recursive: true, force: true });
});

async function setMtime(path: string, ms: number): Promise<void> {
  await utimes(path, ms / 1000, ms / 1000);
}

/** Writes a file elsewhere, sets its modification time, then renames it into `dir`. */
async function dropFile(dir: string, name: string, lines: string[], mtimeMs: number) {
  const temp = join(staging, `${name}.part`);
  await writeFile(temp, lines.map((l) => `${l}\n`).join(''));
  await setMtime(temp, mtimeMs);
  await rename(temp, join(dir, name));
  return join(dir, name);
}

function collect<T>(stream: DStream<T>): T[][] {
  const out: T[][] = [];
  stream.foreachRDD(async (rdd) => {
    out.push((await rdd.collect()).sort());
  });
  return out;
}

describe('file input stream', () => {
  it('reads each new file once, in the batch its modification time falls in', async () => {
    const dir = join(root, 'in');
    await mkdir(dir);
    const { ssc, clock } = createManualContext();
    await clock.advance(10_000);
    // There before the stream is created: ignored (threshold = 10 000, strictly greater).
    await dropFile(dir, 'old.txt', ['old'], 9000);
    await dropFile(dir, 'at-threshold.txt', ['at threshold'], 10_000);
    const stream = ssc.textFileStream(dir);
    expect(stream.displayName).toBe('File stream [0]');
    const out = collect(stream);
    const infos: StreamInputInfo[] = [];
    ssc.addStreamingListener({
      onBatchCompleted: (e) => infos.push(e.batchInfo.streamIdToInputInfo.get(0)!),
    });
    await ssc.start();

    const a = await dropFile(dir, 'a.txt', ['a1', 'a2'], 10_500);
    await dropFile(dir, '.hidden.txt', ['hidden'], 10_500);
    await dropFile(dir, '_SUCCESS', ['marker'], 10_500);
    await dropFile(dir, 'b.txt._COPYING_', ['copying'], 10_500);
    // From the future relative to the next batches: waits for the batch at 13 000.
    await dropFile(dir, 'future.txt', ['f1'], 12_500);
    await clock.advance(1000); // batch 11 000

    // Written under a hidden name in the directory itself, then renamed.
    const hiddenTemp = join(dir, '.c.txt.tmp');
    await writeFile(hiddenTemp, 'c1\r\nc2');
    await setMtime(hiddenTemp, 11_200);
    await rename(hiddenTemp, join(dir, 'c.txt'));
    await clock.advance(1000); // batch 12 000
    await clock.advance(1000); // batch 13 000

    // Appended after its batch: not read again. Older than the window: never read.
    await appendFile(a, 'a3\n');
    await setMtime(a, 13_500);
    await dropFile(dir, 'late.txt', ['late'], 9500);
    await clock.advance(1000); // batch 14 000
    await ssc.stop();

    expect(out).toEqual([['a1', 'a2'], ['c1', 'c2'], ['f1'], []]);
    expect(infos[0]).toEqual({
      inputStreamId: 0,
      numRecords: 0,
      metadata: { files: [a], Description: a },
    });
    expect(infos[3]!.metadata).toEqual({ files: [], Description: '' });
  });

  it('remembers selected files for the remember window only', async () => {
    const dir = join(root, 'in');
    await mkdir(dir);
    const { ssc, clock } = createManualContext({
      conf: { 'spark.streaming.fileStream.minRememberDuration': '3s' },
    });
    await clock.advance(10_000);
    const stream = ssc.textFileStream(dir);
    const out = collect(stream);
    await ssc.start();
    const x = await dropFile(dir, 'x.txt', ['x'], 10_500);
    await clock.advance(1000); // batch 11 000 selects x
    await setMtime(x, 11_500);
    await clock.advance(1000); // 12 000: x is remembered
    await setMtime(x, 14_500);
    await clock.advance(3000); // 13 000, 14 000: x is from the future; 15 000: still remembered
    await clock.advance(1000); // 16 000: batch 11 000 forgotten, x is new again
    await ssc.stop();
    expect(out).toEqual([['x'], [], [], [], [], ['x']]);
    // What a checkpoint stores: the file lists of the remembered batches.
    expect([...stream.selectedFiles]).toEqual([
      [13_000, []],
      [14_000, []],
      [15_000, []],
      [16_000, [x]],
    ]);
  });

  it('with newFilesOnly: false reads the files already there, within the remember window', async () => {
    const dir = join(root, 'in');
    await mkdir(dir);
    const { ssc, clock } = createManualContext();
    await clock.advance(100_000);
    // The first batch is at 101 000; the window (60 s) starts after 41 000.
    await dropFile(dir, 'recent.txt', ['recent'], 50_000);
    await dropFile(dir, 'at-window-start.txt', ['at window start'], 41_000);
    await dropFile(dir, 'too-old.txt', ['too old'], 30_000);
    await dropFile(dir, '.hidden.txt', ['hidden'], 50_000);
    const out = collect(ssc.fileStream(dir, { newFilesOnly: false }).map(([, line]) => line));
    await ssc.start();
    await dropFile(dir, 'new.txt', ['new'], 100_500);
    await clock.advance(1000);
    await clock.advance(1000);
    await ssc.stop();
    expect(out).toEqual([['new', 'recent'], []]);
  });

  it('selects files with a filter given the path, which replaces the default filter', async () => {
    const dir = join(root, 'in');
    await mkdir(dir);
    const { ssc, clock } = createManualContext();
    await clock.advance(10_000);
    const seen: string[] = [];
    const stream = ssc.fileStream(dir, {
      filter: (path) => {
        seen.push(path);
        return path.endsWith('.log');
      },
    });
    const out = collect(stream.map(([, line]) => line));
    await ssc.start();
    await dropFile(dir, 'a.log', ['a'], 10_500);
    await dropFile(dir, 'b.txt', ['b'], 10_500);
    // Hidden for the default filter, but this filter takes it.
    await dropFile(dir, '_c.log', ['c'], 10_500);
    await clock.advance(1000);
    await ssc.stop();
    expect(out).toEqual([['a', 'c']]);
    expect(seen.sort()).toEqual([join(dir, '_c.log'), join(dir, 'a.log'), join(dir, 'b.txt')]);
  });

  it('warns once when the directory is missing and reads it once it appears', async () => {
    const log = captureStderr();
    const dir = join(root, 'later');
    const { ssc, clock } = createManualContext();
    await clock.advance(10_000);
    const out = collect(ssc.textFileStream(dir));
    const terminated = ssc.awaitTermination();
    await ssc.start();
    await clock.advance(2000);
    await mkdir(dir);
    await dropFile(dir, 'n.txt', ['n'], 12_500);
    await clock.advance(1000);
    await ssc.stop();
    await expect(terminated).resolves.toBe(true);
    expect(out).toEqual([[], [], ['n']]);
    const warnings = log.filter((l) => l.includes('WARN FileInputDStream: No directory to scan'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(dir);
  });

  it('lists every directory a glob matches', async () => {
    await mkdir(join(root, 'in-1'));
    await mkdir(join(root, 'in-2'));
    await mkdir(join(root, 'other'));
    const { ssc, clock } = createManualContext();
    await clock.advance(10_000);
    const out = collect(ssc.textFileStream(join(root, 'in-*')));
    await ssc.start();
    await dropFile(join(root, 'in-1'), 'p.txt', ['p'], 10_500);
    await dropFile(join(root, 'in-2'), 'q.txt', ['q'], 10_500);
    await dropFile(join(root, 'other'), 'r.txt', ['r'], 10_500);
    await dropFile(root, 'in-file.txt', ['not a directory'], 10_500);
    await clock.advance(1000);
    await ssc.stop();
    expect(out).toEqual([['p', 'q']]);
  });

  it('re-reads restored file lists and does not select those files again', async () => {
    const dir = join(root, 'in');
    await mkdir(dir);
    const { ssc, clock } = createManualContext();
    await clock.advance(10_000);
    const stream = ssc.textFileStream(dir);
    const out = collect(stream);
    const a = await dropFile(dir, 'a.txt', ['a'], 10_500);
    const b = await dropFile(dir, 'b.txt', ['b'], 10_600);
    // As recovery would: the batch at 11 000 had selected only a.txt, one at 9000 b.txt.
    stream.restoreSelectedFiles([
      [11_000, [a]],
      [9000, [b]],
    ]);
    await ssc.start();
    await clock.advance(2000);
    await ssc.stop();
    expect(out).toEqual([['a'], []]);
  });
});
