import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Seconds, StreamingContext, type DStreamError } from 'dstream';
import { decodeDocument, encodeDocument } from '../src/state/snapshot-codec.js';
import { readCheckpoint } from '../src/streaming/checkpoint/recovery.js';
import { LogInputDStream } from './fixtures/checkpoint-streams.js';
import {
  removeTempDirs,
  runUntil,
  startApp,
  tempDir,
  warnings,
  type Entry,
} from './support/sums-app.js';

// Checkpoints this application must not recover from (docs/reliability.md): one written by another
// application, and files written by a newer dstream. Each is a clear error that says what to do,
// never a silent recovery from something else: an older checkpoint than the newest would roll the
// application back and lose what it did since.

afterEach(() => {
  vi.restoreAllMocks();
  removeTempDirs();
});

/** The `sums` application run from 0 to `until` ms, then stopped: its checkpoint directory. */
async function checkpointedRun(until: number): Promise<{ dir: string; log: Entry[] }> {
  const dir = tempDir();
  const log: Entry[] = [];
  const app = startApp(dir, log, 0);
  await app.ssc.start();
  await runUntil(app, log, until);
  await app.ssc.stop();
  return { dir, log };
}

function errorOf(f: () => unknown): DStreamError {
  try {
    f();
  } catch (e) {
    return e as DStreamError;
  }
  throw new Error('expected an error');
}

/** Sets the format version byte of a checkpoint or snapshot file (outside its checksum). */
function setFormatVersion(file: string, version: number): void {
  const data = readFileSync(file);
  data[4] = version;
  writeFileSync(file, data);
}

describe('a checkpoint this application must not recover from', () => {
  it('of another application: refused, naming both applications', async () => {
    const { dir, log } = await checkpointedRun(3000);
    const error = errorOf(() =>
      StreamingContext.getOrCreate(dir, () => {
        const ssc = new StreamingContext({
          master: 'local[2]',
          appName: 'orders',
          batchDuration: Seconds(1),
        });
        new LogInputDStream(ssc, log).print();
        return ssc;
      }),
    );
    expect(error.code).toBe('DSTREAM_ERR_CHECKPOINT_INCOMPATIBLE');
    expect(error.message).toBe(
      `The checkpoint in ${dir} was written by application 'sums', not by 'orders'. Give each application a checkpoint directory of its own; if 'orders' is 'sums' renamed, recover with appName 'sums', or start with a new checkpoint directory.`,
    );
  });

  it('whose newest metadata checkpoint a newer dstream wrote: refused, with no fallback to older files', async () => {
    const { dir } = await checkpointedRun(3000);
    const newest = readCheckpoint(dir)!.file;
    setFormatVersion(newest, 2);
    const lines = warnings();
    for (const createOnError of [false, true]) {
      const error = errorOf(() => startApp(dir, [], 3000, { getOrCreate: { createOnError } }));
      expect(error.code).toBe('DSTREAM_ERR_CHECKPOINT_INCOMPATIBLE');
      expect(error.message).toBe(
        `Cannot recover from checkpoint file ${newest}: Format version 2 is not supported: this dstream reads version 1 (the file was written by a newer dstream). Run the application with a dstream at least as new as the one that wrote it, or start with a new checkpoint directory.`,
      );
    }
    expect(lines.join('')).not.toContain('Recovering from older checkpoint file');
  });

  it('whose newest checkpoint record a newer dstream wrote: refused', async () => {
    const { dir } = await checkpointedRun(3000);
    const newest = readCheckpoint(dir)!.file;
    const record = decodeDocument(readFileSync(newest)) as Record<string, unknown>;
    writeFileSync(newest, encodeDocument({ ...record, recordVersion: 2 }));
    const error = errorOf(() => startApp(dir, [], 3000));
    expect(error.code).toBe('DSTREAM_ERR_CHECKPOINT_INCOMPATIBLE');
    expect(error.message).toBe(
      `Cannot recover from checkpoint file ${newest}: Checkpoint record version 2 is not supported: this dstream reads version 1 (the file was written by a newer dstream). Run the application with a dstream at least as new as the one that wrote it, or start with a new checkpoint directory.`,
    );
  });

  it('whose state snapshot a newer dstream wrote: refused, with no fallback to an older snapshot', async () => {
    const { dir } = await checkpointedRun(12_000);
    const { record } = readCheckpoint(dir)!;
    const ref = record.states.find((s) => s.key === 'totals')!.snapshot!;
    const file = join(dir, ref.file);
    // Older snapshots are there to fall back to.
    expect(readdirSync(dirname(file)).length).toBeGreaterThan(1);
    setFormatVersion(file, 2);
    const lines = warnings();
    const error = errorOf(() => startApp(dir, [], 12_000));
    expect(error.code).toBe('DSTREAM_ERR_CHECKPOINT_INCOMPATIBLE');
    expect(error.message).toBe(
      `Cannot restore the state of 'totals' from snapshot file ${file}: Format version 2 is not supported: this dstream reads version 1 (the file was written by a newer dstream). Run the application with a dstream at least as new as the one that wrote it, or start with a new checkpoint directory.`,
    );
    expect(lines.join('')).not.toContain('from the older snapshot file');
  });
});
