// Recovery of a real application process: killed with SIGKILL at random points and restarted, a
// new version of it taking over the state of the old one, and an unreadable checkpoint directory.
// The application is test/fixtures/order-totals-app.ts, run by the Node of the devDependency on the
// built package (dist/, which test/global-setup.ts rebuilds when stale).
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../src/cli/orders.js';
import { readCheckpoint } from '../src/streaming/checkpoint/recovery.js';
import { expectBuilt } from './support/cli.js';
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

const app = join(root, 'test', 'fixtures', 'order-totals-app.ts');
/** The derived state key of the app's totals (docs/checkpoint-format.md, "State keys"). */
const TOTALS_KEY = 'updateStateByKey(reduceByKey(flatMap(FileInput)))';

const running: AppProcess[] = [];
function start(input: string, checkpoint: string, version = 'v1', ...flags: string[]): AppProcess {
  const a = new AppProcess(app, [input, checkpoint, version, ...flags]);
  running.push(a);
  return a;
}
afterEach(async () => {
  for (const a of running.splice(0)) await a.kill();
  removeTempDirs();
});

beforeAll(() => expectBuilt());

describe('recovery of a killed application', () => {
  it(
    'gives the exact totals of a run without faults after SIGKILLs at random points',
    { timeout: 180_000 },
    async () => {
      // The points of the kills are random; the seed is printed so that a failure can be replayed.
      const seed = Number(process.env.DSTREAM_CRASH_SEED ?? Math.floor(Math.random() * 1e9));
      const random = seededRandom(seed);
      const context = `crash seed ${seed} (DSTREAM_CRASH_SEED=${seed} replays these kill points)`;
      const input = tempDir();
      const checkpoint = tempDir();
      const { contents } = orderFiles(42, 40, 25);
      const expected = totalsOf(contents.flat());

      let app = start(input, checkpoint);
      // Files older than the first run's start are not new (newFilesOnly): start dropping once it
      // has run a batch, so that the first checkpoint exists too.
      await app.until('the first batch', () => app.totals.length > 0);
      const seen: Totals[] = [];
      let kills = 0;
      const killAndRestart = async (): Promise<void> => {
        seen.push(...app.totals.map((t) => t.totals));
        await app.kill();
        kills++;
        await sleep(random() * 600);
        app = start(input, checkpoint);
        // Sometimes kill again during recovery, before the restarted application has caught up.
        if (random() < 0.3) {
          await sleep(100 + random() * 400);
          seen.push(...app.totals.map((t) => t.totals));
          await app.kill();
          kills++;
          app = start(input, checkpoint);
        }
      };
      for (let i = 0; i < contents.length; i++) {
        drop(input, `orders-${String(i).padStart(3, '0')}.csv`, contents[i]!);
        await sleep(random() * 120);
        if (kills < 6 && random() < 0.15) await killAndRestart();
      }
      const allDropped = Date.now();
      while (kills < 3) await killAndRestart();

      // Every file is there: a batch of a later time selects all those left, so after 15 of them
      // (3 s) a lost order never comes back. Counted by batch time, not by outputs: a restarted
      // application first runs the batches it missed while down, all at once, and these may
      // predate the last files.
      await app.until(
        `all ${expected['#orders']} orders counted, or 15 batches after the last file (${context})`,
        () =>
          (app.latest()?.['#orders'] ?? 0) >= expected['#orders']! ||
          app.totals.filter((t) => t.time > allDropped).length >= 15,
      );
      seen.push(...app.totals.map((t) => t.totals));
      expect(app.latest(), context).toEqual(expected);
      // No batch was ever applied twice on the way: no output counted more orders than exist.
      for (const t of seen)
        expect(t['#orders'] ?? 0, context).toBeLessThanOrEqual(expected['#orders']!);
      expect(kills).toBeGreaterThanOrEqual(3);
    },
  );
});

/**
 * Runs v1 over `files`, and kills it once they are counted and its newest checkpoint on disk
 * says so: a later checkpoint time, and the batch that counted them no longer pending. Only
 * then does a restart not run that batch again (the batches pending in the checkpoint, and the
 * one of its time, run again). The output lines alone do not tell: under load, batches queue
 * behind the slow one that reads the files, their outputs follow it within milliseconds, and
 * their completion checkpoints are written after.
 */
async function version1(
  input: string,
  checkpoint: string,
  files: string[][],
  /** Also wait until the totals' snapshot holds them (not only the inputs' positions). */
  snapshotted = false,
): Promise<Totals> {
  const v1 = start(input, checkpoint);
  await v1.until('the first batch', () => v1.totals.length > 0);
  files.forEach((lines, i) => drop(input, `a-${i}.csv`, lines));
  const expected = totalsOf(files.flat());
  await v1.until('the orders of version 1', () => v1.latest()?.['#orders'] === expected['#orders']);
  const counted = v1.totals.at(-1)!.time;
  await v1.until(`a checkpoint after the batch of ${counted} ms, completed`, () => {
    const record = readCheckpoint(checkpoint)?.record;
    return (
      record !== undefined &&
      record.checkpointTimeMs > counted &&
      record.pendingTimesMs.every((t) => t > counted) &&
      (!snapshotted || record.states.every((st) => (st.snapshot?.timeMs ?? 0) >= counted))
    );
  });
  await v1.kill();
  return expected;
}

describe('a new version of the application', () => {
  it(
    'recovers the state of version 1 with an unrelated operator added and a changed print',
    { timeout: 120_000 },
    async () => {
      const input = tempDir();
      const checkpoint = tempDir();
      const { contents } = orderFiles(7, 12, 20);
      await version1(input, checkpoint, contents.slice(0, 6));

      const v2 = start(input, checkpoint, 'v2');
      await v2.until(
        'version 2 running',
        () => v2.stdout.includes('STARTED') && v2.totals.length > 0,
      );
      expect(v2.stdout).toMatch(/^TOTALS v2 /m);
      contents.slice(6).forEach((lines, i) => drop(input, `b-${i}.csv`, lines));
      const expected = totalsOf(contents.flat());
      await v2.until(
        'all orders in version 2',
        () => v2.latest()?.['#orders'] === expected['#orders'],
      );
      expect(v2.latest()).toEqual(expected);
      // The new operator (a windowed count) starts empty, with no warning.
      expect(v2.stderr).not.toMatch(/WARN|ERROR/);
    },
  );

  it(
    'names a renamed stateful operator, and starts it empty when asked',
    { timeout: 120_000 },
    async () => {
      const input = tempDir();
      const checkpoint = tempDir();
      const { contents } = orderFiles(9, 8, 20);
      await version1(input, checkpoint, contents.slice(0, 4));

      const renamed = start(input, checkpoint, 'renamed');
      expect(await renamed.exited).not.toBe(0);
      expect(renamed.stderr).toContain(
        `holds the state of stateful operator '${TOTALS_KEY}', which this application does not have (its stateful operators without checkpointed state: 'province-totals'). If an operator was renamed, give it its old name back with .name('${TOTALS_KEY}'); to discard the stored state, recover with StreamingContext.getOrCreate(dir, createFn, { startEmpty: ['${TOTALS_KEY}'] }).`,
      );
      expect(renamed.stderr).toContain('DSTREAM_ERR_STATE_ORPHANED');

      const fresh = start(input, checkpoint, 'renamed', `--start-empty=${TOTALS_KEY}`);
      await fresh.until('the renamed version running', () => fresh.totals.length > 0);
      expect(fresh.stderr).toContain(`Discarding the checkpointed state of '${TOTALS_KEY}'`);
      contents.slice(4).forEach((lines, i) => drop(input, `c-${i}.csv`, lines));
      const expected = totalsOf(contents.slice(4).flat());
      await fresh.until(
        'the new orders',
        () => fresh.latest()?.['#orders'] === expected['#orders'],
      );
      expect(fresh.latest()).toEqual(expected);
    },
  );
});

describe('a new version whose state changed shape', () => {
  it(
    'exits with an error naming the operator and both shapes, and recovers the exact totals with migrate',
    { timeout: 120_000 },
    async () => {
      const input = tempDir();
      const checkpoint = tempDir();
      const { contents } = orderFiles(11, 8, 20);
      // A snapshot holding the orders: otherwise v3 recomputes them from the files, rightly.
      await version1(input, checkpoint, contents.slice(0, 4), true);

      // v3 keeps { total, n } per province where v1 kept a number, under the same state key.
      const v3 = start(input, checkpoint, 'v3');
      await v3.until('version 3 to fail', () => v3.stderr.includes('DSTREAM_ERR_STATE_MISMATCH'));
      expect(await v3.exited).not.toBe(0);
      expect(v3.stderr).toContain('DSTREAM_ERR_STATE_MISMATCH');
      expect(v3.stderr).toMatch(
        new RegExp(
          `The checkpointed state of '${escapeRegExp(TOTALS_KEY)}' no longer matches the code: stored states are number, and the update function now returns \\{ n: number, total: number \\} for key [#\\w]+\\. .*\\{ migrate: \\{ '${escapeRegExp(TOTALS_KEY)}': \\(state, key\\) => newState \\} \\}`,
        ),
      );
      // Not one batch of totals was printed from states of the wrong shape.
      expect(v3.totals).toEqual([]);

      const migrated = start(input, checkpoint, 'v3', '--migrate');
      await migrated.until('version 3 running', () => migrated.totals.length > 0);
      contents.slice(4).forEach((lines, i) => drop(input, `d-${i}.csv`, lines));
      const expected = totalsOf(contents.flat());
      await migrated.until(
        'all orders in version 3',
        () => migrated.latest()?.['#orders'] === expected['#orders'],
      );
      expect(migrated.latest()).toEqual(expected);
      expect(migrated.stderr).not.toMatch(/ERROR/);
    },
  );
});

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('an unreadable checkpoint directory', () => {
  it('is a clear error', async () => {
    const checkpoint = tempDir();
    let reader: AppProcess;
    if (process.getuid?.() === 0) {
      // Root reads any directory: read as nobody a directory only root may list.
      chmodSync(checkpoint, 0o700);
      reader = new AppProcess(app, [tempDir(), checkpoint], { uid: 65534 });
    } else {
      chmodSync(checkpoint, 0o000);
      reader = new AppProcess(app, [tempDir(), checkpoint]);
    }
    running.push(reader);
    expect(await reader.exited).not.toBe(0);
    chmodSync(checkpoint, 0o700);
    expect(reader.stderr).toContain(
      `Cannot read checkpoint directory ${checkpoint} (EACCES): give the application's user permission to list and read it, or pass another directory.`,
    );
  });
});
