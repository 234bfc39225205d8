// A disk that fills up while an application checkpoints: its checkpoint directory is on a small
// tmpfs (mounted in a user and mount namespace with `unshare -rm`, reached from outside through
// /proc/<pid>/root of the process holding the namespace), which the test fills to the last byte.
// The application (test/fixtures/stateful-windows-app.ts, `local[2]`) must say clearly that it
// cannot write, keep running, leave the checkpoint files it wrote intact, and a restart after
// room was made must recover from them with the exact totals.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { simulateCrash } from 'dstream/testing';
import { decodeCheckpoint } from '../src/streaming/checkpoint/checkpoint-data.js';
import { decodeSnapshot } from '../src/state/snapshot-decoder.js';
import type { CheckpointWriter } from '../src/streaming/checkpoint/checkpoint-writer.js';
import { readCheckpoint } from '../src/streaming/checkpoint/recovery.js';
import { sums } from './fixtures/checkpoint-streams.js';
import {
  AppProcess,
  drop,
  orderFiles,
  removeTempDirs,
  root,
  tempDir,
  totalsOf,
  type Totals,
} from './support/app-process.js';
import { expectBuilt } from './support/cli.js';
import { runUntil, startApp, warnings, type Entry } from './support/sums-app.js';
import { snapshotsSince, strayTempFiles } from './support/kill-mid-write.js';

const app = join(root, 'test', 'fixtures', 'stateful-windows-app.ts');
const LABELS = ['TOTALS', 'WINDOW', 'PLAIN'] as const;

/** Whether this machine lets an unprivileged user namespace mount a tmpfs. */
function canMountTmpfs(): boolean {
  const probe = tempDir();
  const r = spawnSync('unshare', [
    '-rm',
    'sh',
    '-c',
    'mount -t tmpfs -o size=64k tmpfs "$0"',
    probe,
  ]);
  return r.status === 0;
}

const running: AppProcess[] = [];
const holders: ChildProcess[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const a of running.splice(0)) await a.kill();
  for (const h of holders.splice(0)) h.kill('SIGKILL');
  removeTempDirs();
});
beforeAll(() => expectBuilt());

/**
 * Mounts a tmpfs of `size` in a new mount namespace, held by a sleeping process, and returns the
 * path through which every process reaches it (`/proc/<holder>/root/<mount point>`).
 */
async function smallDisk(size: string): Promise<string> {
  const mountPoint = tempDir();
  const holder = spawn(
    'unshare',
    [
      '-rm',
      'sh',
      '-c',
      `mount -t tmpfs -o size=${size} tmpfs "$0" && echo mounted && exec sleep 600`,
      mountPoint,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  holders.push(holder);
  let err = '';
  holder.stderr.on('data', (d: Buffer) => (err += d.toString()));
  await new Promise<void>((resolve, reject) => {
    holder.stdout.on('data', (d: Buffer) => {
      if (d.toString().includes('mounted')) resolve();
    });
    holder.on('exit', (code) => reject(new Error(`could not mount a tmpfs (${code}): ${err}`)));
  });
  return `/proc/${holder.pid}/root${mountPoint}`;
}

/** Writes zeros to `file` until the disk is full; returns how many bytes fitted. */
function fill(file: string): number {
  const fd = openSync(file, 'w');
  const block = Buffer.alloc(4096);
  let bytes = 0;
  try {
    for (;;) bytes += writeSync(fd, block);
  } catch (e) {
    if ((e as { code?: string }).code !== 'ENOSPC') throw e;
  } finally {
    closeSync(fd);
  }
  return bytes;
}

/** Decodes every checkpoint and snapshot file under `dir` (throws on a damaged one). */
function readAll(dir: string): { checkpoints: number[]; snapshots: number } {
  const checkpoints = readdirSync(dir)
    .filter((n) => /^checkpoint-\d+(\.bk)?$/.test(n))
    .map((n) => decodeCheckpoint(readFileSync(join(dir, n))).checkpointTimeMs);
  let snapshots = 0;
  for (const key of readdirSync(join(dir, 'state'))) {
    for (const n of readdirSync(join(dir, 'state', key))) {
      if (!/^snapshot-\d+$/.test(n)) continue;
      decodeSnapshot(readFileSync(join(dir, 'state', key, n)));
      snapshots++;
    }
  }
  return { checkpoints, snapshots };
}

const ci = process.env.CI === 'true';
const mountable = canMountTmpfs();
if (!mountable && !ci)
  console.warn('skipped: the disk-full test cannot mount a tmpfs (unshare -rm)');

describe('a disk that fills up while checkpointing', () => {
  it.runIf(mountable || ci)(
    'is a clear error; the application keeps running, its checkpoint stays intact, and a restart after making room gives the exact totals',
    { timeout: 120_000 },
    async () => {
      const disk = await smallDisk('1m');
      const checkpoint = join(disk, 'checkpoint');
      const input = tempDir();
      const { contents } = orderFiles(21, 8, 40);
      const expected = totalsOf(contents.flat());
      const start = (): AppProcess => {
        const a = new AppProcess(app, [input, checkpoint, 'local[2]']);
        running.push(a);
        return a;
      };
      const counted = (a: AppProcess, orders: number) => () =>
        LABELS.every((l) => a.latest(l)?.['#orders'] === orders);

      let a = start();
      await a.until('the first batch', () => a.totals.length > 0);
      const before = contents.slice(0, 4);
      before.forEach((lines, i) => drop(input, `a-${i}.csv`, lines));
      const ordersBefore = totalsOf(before.flat())['#orders']!;
      await a.until('the first orders counted', counted(a, ordersBefore));
      // A snapshot of each stateful stage holds them (snapshots are written every second).
      const after = a.totals.find((t) => t.totals['#orders'] === ordersBefore)!.time;
      await a.until('a snapshot after the first orders', () => snapshotsSince(checkpoint, after));

      const filled = fill(join(disk, 'filler'));
      contents.slice(4).forEach((lines, i) => drop(input, `b-${i}.csv`, lines));
      // It keeps running: the new orders are counted while no checkpoint can be written.
      await a.until('every order counted with a full disk', counted(a, expected['#orders']!));
      // A snapshot due every second fails; metadata checkpoints fail too, until (if it came
      // first) the failed snapshot stops them (the in-process test below fixes the order).
      await a.until('the errors of a snapshot that cannot be written', () =>
        a.stderr.includes(
          'ERROR CheckpointWriter: Not writing metadata checkpoints until the state of',
        ),
      );
      const errors = a.stderr.split('\n').filter((l) => l.includes('ERROR CheckpointWriter'));
      const advice = `no space left on device (ENOSPC): free space on the disk that holds ${checkpoint}`;
      const metadataError = errors.find((l) => l.includes('checkpoint for time'));
      if (metadataError) expect(metadataError).toMatch(metadataFailure(checkpoint));
      expect(errors.find((l) => l.includes('the state of'))).toMatch(
        new RegExp(
          `Could not write the state of '.+' for time \\d+ ms to '${escape(checkpoint)}/state/[^']+/snapshot-\\d+': ${escape(advice)}`,
        ),
      );
      // The files written before the disk filled are all there and readable; no partial file of
      // a failed write is left (at most the one of the write in progress, the app being stopped).
      a.child.kill('SIGSTOP');
      const intact = readAll(checkpoint);
      expect(intact.checkpoints.length).toBeGreaterThan(0);
      expect(intact.snapshots).toBeGreaterThan(0);
      expect(strayTempFiles(checkpoint, 0).length).toBeLessThanOrEqual(1);
      const seen: Totals[] = LABELS.flatMap((l) => a.series(l).map((o) => o.totals));
      await a.kill(); // a crash while the disk is full

      rmSync(join(disk, 'filler'));
      a = start();
      await a.until('the restart counting every order', counted(a, expected['#orders']!));
      for (const l of LABELS) expect(a.latest(l), l).toEqual(expected);
      seen.push(...LABELS.flatMap((l) => a.series(l).map((o) => o.totals)));
      for (const t of seen) expect(t['#orders'] ?? 0).toBeLessThanOrEqual(expected['#orders']!);
      expect(filled).toBeGreaterThan(0);
    },
  );
});

describe('a disk that fills up under an application on a manual clock', () => {
  it.runIf(mountable || ci)(
    'fails the next metadata checkpoint, then the next snapshot, which stops metadata checkpoints; no batch fails, and recovery is exact',
    { timeout: 60_000 },
    async () => {
      const dir = join(await smallDisk('1m'), 'checkpoint');
      const log: Entry[] = [];
      // Snapshots of 'totals' at 1 s (the first state) and every 10 s.
      const first = startApp(dir, log, 0);
      await first.ssc.start();
      await runUntil(first, log, 10_000);
      expect(readCheckpoint(dir)!.record.states[0]!.snapshot!.timeMs).toBe(10_000);
      const lines = warnings();
      fill(join(dir, '..', 'filler'));
      // Checkpoints are written in the background: wait for the writes asked for so far.
      const written = () => (first.ssc.generator.checkpointer as CheckpointWriter).flush();
      await runUntil(first, log, 15_000);
      await written();
      expect(lines.join('')).toMatch(metadataFailure(dir));
      expect(lines.join('')).not.toContain('Could not write the state of');
      await runUntil(first, log, 21_000);
      await written();
      const text = lines.join('');
      expect(text).toMatch(
        new RegExp(
          `ERROR CheckpointWriter: Could not write the state of 'totals' for time 20000 ms to '${escape(dir)}/state/[^']+/snapshot-20000': no space left on device \\(ENOSPC\\): free space on the disk that holds ${escape(dir)}, or move the checkpoint directory to a larger one\\. The application keeps running; the previous snapshot of 'totals' stays the one a restart recovers from$`,
          'm',
        ),
      );
      expect(text).toContain(
        "ERROR CheckpointWriter: Not writing metadata checkpoints until the state of 'totals' can be saved again",
      );
      await simulateCrash(first.ssc);
      expect(first.ssc.error).toBeUndefined();
      // What was written before the disk filled is intact, and no failed write left a file.
      expect(readCheckpoint(dir)!.record.checkpointTimeMs).toBe(10_000);
      readAll(dir);
      expect(strayTempFiles(dir, 0)).toEqual([]);

      rmSync(join(dir, '..', 'filler'));
      const second = startApp(dir, log, 21_000);
      await second.ssc.start();
      await second.clock.setTime(22_000);
      await runUntil(second, log, 24_000);
      await second.ssc.stop();
      expect(second.ssc.error).toBeUndefined();
      expect(second.out.get(24_000)).toEqual(sums(log));
    },
  );
});

/** The error of a metadata checkpoint that cannot be written to a full disk. */
function metadataFailure(dir: string): RegExp {
  return new RegExp(
    `ERROR CheckpointWriter: Could not write checkpoint for time \\d+ ms to file '${escape(dir)}/checkpoint-\\d+': no space left on device \\(ENOSPC\\): free space on the disk that holds ${escape(dir)}, or move the checkpoint directory to a larger one\\. The application keeps running; the checkpoint files already written are intact, and a restart recovers from the newest of them$`,
    'm',
  );
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
