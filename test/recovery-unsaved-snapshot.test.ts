import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { simulateCrash } from 'dstream/testing';
import { readCheckpoint } from '../src/streaming/checkpoint/recovery.js';
import { stateDirName } from '../src/streaming/checkpoint/state-keys.js';
import { sums } from './fixtures/checkpoint-streams.js';
import {
  removeTempDirs,
  runUntil,
  startApp,
  tempDir,
  warnings,
  type Entry,
} from './support/sums-app.js';

// A state snapshot that cannot be written (a full disk that still takes the small metadata file,
// a state directory the application may not write) must not let metadata checkpoints move on:
// they would name an ever older snapshot while the input's position records only its remember
// window, and a restart would silently lose the batches in between.

afterEach(() => {
  vi.restoreAllMocks();
  removeTempDirs();
});

describe('a state snapshot that cannot be written', () => {
  it('stops metadata checkpoints until one can, so that recovery loses no batch', async () => {
    const dir = tempDir();
    const log: Entry[] = [];
    // The position keeps 15 s of batches: more than the 10 s snapshot interval, as the file
    // stream's 60 s, and less than the time the snapshots fail below.
    const o = { rememberMs: 15_000 };
    const first = startApp(dir, log, 0, o);
    await first.ssc.start();
    await runUntil(first, log, 12_000);
    expect(readCheckpoint(dir)!.record.states[0]!.snapshot!.timeMs).toBe(10_000);
    // From now on no snapshot of 'totals' can be written: a directory stands where each would be
    // renamed to.
    for (let t = 11_000; t <= 50_000; t += 1000) {
      mkdirSync(join(dir, 'state', stateDirName('totals'), `snapshot-${t}`));
    }
    const lines = warnings();
    await runUntil(first, log, 39_000);
    await simulateCrash(first.ssc);
    const text = lines.join('');
    expect(text).toMatch(
      /ERROR CheckpointWriter: Could not write the state of 'totals' for time 20000 ms to '.*snapshot-20000': /,
    );
    expect(text).toContain(
      "ERROR CheckpointWriter: Not writing metadata checkpoints until the state of 'totals' can be saved again: a restart recovers from the newest checkpoint on disk and runs the batches since again",
    );
    // The newest checkpoint names the snapshot of 10 s, and its position still records every
    // batch after it.
    const { record } = readCheckpoint(dir)!;
    expect(record.states[0]!.snapshot!.timeMs).toBe(10_000);
    expect(record.checkpointTimeMs).toBeLessThanOrEqual(20_000);

    const second = startApp(dir, log, 39_000, o);
    await second.ssc.start();
    await second.clock.setTime(40_000);
    await runUntil(second, log, 42_000);
    await second.ssc.stop();
    expect(second.ssc.error).toBeUndefined();
    expect(second.out.get(42_000)).toEqual(sums(log));
  });
});
