import { mkdir, mkdtemp, rename, rm, utimes, writeFile } from 'node:fs/promises';
import { unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { setLogLevel, type DStreamError, type StreamingContext } from 'dstream';
import { createManualContext, type ManualClock } from 'dstream/testing';
import { captureStderr } from './support/capture-stderr.js';

// Bad input for a file stream (docs/reliability.md): a file that vanishes between the listing
// of its batch and the reading. As in Spark, the batch that needs it fails with a clear error
// (Spark: "Input path does not exist" when it builds the batch, FileNotFoundException when a task
// reads it), later batches go on, and spark.files.ignoreMissingFiles=true skips it with a warning.

let root: string;
let dir: string;

beforeAll(() => setLogLevel('WARN'));
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'dstream-bad-files-'));
  dir = join(root, 'in');
  await mkdir(dir);
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(root, { recursive: true, force: true });
});

/** Writes a file elsewhere, sets its modification time, then renames it into the directory. */
async function dropFile(name: string, text: string | Buffer, mtimeMs: number): Promise<string> {
  const temp = join(root, `${name}.part`);
  await writeFile(temp, text);
  await utimes(temp, mtimeMs / 1000, mtimeMs / 1000);
  await rename(temp, join(dir, name));
  return join(dir, name);
}

interface App {
  readonly ssc: StreamingContext;
  readonly clock: ManualClock;
  /** The lines of each batch that ran, sorted, by batch time. */
  readonly out: Map<number, string[]>;
  readonly terminated: Promise<unknown>;
}

/**
 * A file stream whose `beforeRead(time)` runs once the batch's files are listed and its RDD is
 * made, before any job reads them: where a file removed by someone else would vanish.
 */
async function fileApp(
  beforeRead: (time: number) => void,
  conf: Record<string, string> = {},
): Promise<App> {
  const { ssc, clock } = createManualContext({ conf });
  const out = new Map<number, string[]>();
  ssc
    .textFileStream(dir)
    .transform((rdd, time) => {
      beforeRead(time.milliseconds);
      return rdd;
    })
    .foreachRDD(async (rdd, time) => {
      out.set(time.milliseconds, (await rdd.collect()).sort());
    });
  const terminated = ssc.awaitTermination().catch((e: unknown) => e);
  await ssc.start();
  return { ssc, clock, out, terminated };
}

describe('a file that vanishes between listing and reading', () => {
  it('fails its batch with a clear error, and later batches go on', async () => {
    const log = captureStderr();
    let a = '';
    const app = await fileApp((time) => {
      if (time === 1000) unlinkSync(a);
    });
    a = await dropFile('a.txt', 'a1\n', 500);
    await dropFile('b.txt', 'b1\n', 600);
    await app.clock.advance(1000);
    await dropFile('c.txt', 'c1\n', 1500);
    await app.clock.advance(1000);
    await app.ssc.stop();

    expect([...app.out]).toEqual([[2000, ['c1']]]);
    const error = (await app.terminated) as DStreamError;
    expect(error.code).toBe('DSTREAM_ERR_INPUT_PATH');
    expect(error.batchTime?.milliseconds).toBe(1000);
    expect(error.message).toBe(
      `File ${a} does not exist: it was removed after it was listed. Keep input files until the jobs that read them have run, or set spark.files.ignoreMissingFiles=true to skip missing files.`,
    );
    expect(log.join('')).toContain('ERROR JobScheduler: Error running job streaming job 1000 ms.0');
  });

  it('is skipped with a warning under spark.files.ignoreMissingFiles=true', async () => {
    const log = captureStderr();
    let a = '';
    const app = await fileApp(
      (time) => {
        if (time === 1000) unlinkSync(a);
      },
      { 'spark.files.ignoreMissingFiles': 'true' },
    );
    a = await dropFile('a.txt', 'a1\n', 500);
    await dropFile('b.txt', 'b1\n', 600);
    await app.clock.advance(1000);
    await app.ssc.stop();

    expect([...app.out]).toEqual([[1000, ['b1']]]);
    expect(await app.terminated).toBe(true);
    expect(log.join('')).toContain(`WARN TextFileRDD: Skipped missing file: ${a}\n`);
  });
});

describe('a file of a recovered batch, removed while the application was down', () => {
  it("fails that batch with Spark's message when the batch is built, and later batches go on", async () => {
    const log = captureStderr();
    const { ssc, clock } = createManualContext();
    const stream = ssc.textFileStream(dir);
    const out = new Map<number, string[]>();
    stream.foreachRDD(async (rdd, time) => {
      out.set(time.milliseconds, await rdd.collect());
    });
    // As recovery restores it: the batch at 1000 had selected a file that is gone now.
    const gone = join(dir, 'gone.txt');
    stream.restoreSelectedFiles([[1000, [gone]]]);
    const terminated = ssc.awaitTermination().catch((e: unknown) => e);
    await ssc.start();
    await clock.advance(1000);
    await dropFile('next.txt', 'n1\n', 1500);
    await clock.advance(1000);
    await ssc.stop();

    expect([...out]).toEqual([[2000, ['n1']]]);
    const error = (await terminated) as DStreamError;
    expect(error.code).toBe('DSTREAM_ERR_INPUT_PATH');
    expect(error.batchTime?.milliseconds).toBe(1000);
    expect(error.message).toContain(`Input path does not exist: ${gone}.`);
    expect(log.join('')).toContain('ERROR JobGenerator: Error generating jobs for time 1000 ms');
  });
});

describe('bad content in a file stream', () => {
  it('reads binary garbage as UTF-8 with replacement characters, line by line, as Spark', async () => {
    captureStderr();
    const app = await fileApp(() => {});
    const bytes = Buffer.alloc(64 * 1024);
    let x = 0x2545f491; // xorshift32 from a fixed seed, so that a failure can be reproduced
    for (let i = 0; i < bytes.length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      bytes[i] = x & 0xff;
    }
    await dropFile('garbage.bin', bytes, 500);
    await app.clock.advance(1000);
    await app.ssc.stop();

    const expected = bytes.toString('utf8').split(/\r\n|\n|\r/);
    if (expected.at(-1) === '') expected.pop();
    expect(app.out.get(1000)).toEqual(expected.sort());
    expect(expected.join('')).toContain('\uFFFD');
    expect(await app.terminated).toBe(true);
  });

  it("reads an empty file as no lines, with Spark's error that files must be moved in", async () => {
    const log = captureStderr();
    const app = await fileApp(() => {});
    const empty = await dropFile('empty.txt', '', 500);
    await app.clock.advance(1000);
    await app.ssc.stop();
    expect([...app.out]).toEqual([[1000, []]]);
    expect(log.join('')).toContain(`ERROR FileInputDStream: File ${empty} has no data in it.`);
  });
});
