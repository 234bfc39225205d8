// Faults where they hurt, with `local[2]` task threads running a stateful stage (updateStateByKey)
// and two windowed ones (reduceByKeyAndWindow with and without an inverse function): SIGKILL
// exactly while a metadata checkpoint or a state snapshot is being written, again and again, and a
// task thread that dies inside the stateful stage. After them every output equals what `local[1]`
// computes, without faults, from the same files — the exact totals. The application is
// test/fixtures/stateful-windows-app.ts; test/support/kill-mid-write.ts stops it when the
// temporary file of a write appears and kills it only if the write is unfinished.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
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
import {
  killMidWrite,
  snapshotsSince,
  strayTempFiles,
  type CheckpointWrite,
  type MidWriteKill,
} from './support/kill-mid-write.js';

const app = join(root, 'test', 'fixtures', 'stateful-windows-app.ts');
const LABELS = ['TOTALS', 'WINDOW', 'PLAIN'] as const;
/** Kills per case: at least 20 across the cases of this file. */
const KILLS = 10;

const running: AppProcess[] = [];
function start(
  input: string,
  checkpoint: string,
  master: string,
  env?: Record<string, string>,
): AppProcess {
  const a = new AppProcess(app, [input, checkpoint, master], { env });
  running.push(a);
  return a;
}
afterEach(async () => {
  for (const a of running.splice(0)) await a.kill();
  removeTempDirs();
});
beforeAll(() => expectBuilt());

/** Resolves once every output of `app` has counted `orders` orders. */
function allCounted(app: AppProcess, orders: number, what: string): Promise<void> {
  return app.until(
    `${orders} orders in every output (${what})`,
    () => LABELS.every((l) => app.latest(l)?.['#orders'] === orders),
    90_000,
  );
}

/** The last output of each stage of a local[1] run without faults over `files`. */
async function local1(files: string[][]): Promise<Record<string, Totals>> {
  const input = tempDir();
  const reference = start(input, tempDir(), 'local[1]');
  await reference.until('the first batch of local[1]', () => reference.totals.length > 0);
  files.forEach((lines, i) => drop(input, `orders-${i}.csv`, lines));
  await allCounted(reference, totalsOf(files.flat())['#orders']!, 'local[1]');
  return Object.fromEntries(LABELS.map((l) => [l, reference.latest(l)!]));
}

describe('SIGKILL in the middle of a checkpoint write', () => {
  it.each<[string, CheckpointWrite]>([
    ['a metadata checkpoint', 'metadata'],
    ['a state snapshot', 'snapshot'],
  ])(
    'gives the outputs of local[1] after %s is cut short again and again (local[2])',
    { timeout: 180_000 },
    async (_what, kind) => {
      const { contents } = orderFiles(kind === 'metadata' ? 11 : 12, KILLS + 4, 30);
      const expected = totalsOf(contents.flat());
      const reference = local1(contents);

      const input = tempDir();
      const checkpoint = tempDir();
      let app = start(input, checkpoint, 'local[2]');
      await app.until('the first batch', () => app.totals.length > 0);
      const kills: MidWriteKill[] = [];
      const seen: Totals[] = [];
      for (let i = 0; i < contents.length; i++) {
        drop(input, `orders-${String(i).padStart(3, '0')}.csv`, contents[i]!);
        if (kills.length === KILLS) continue;
        // Every other kill hits the restarted application while it recovers (it writes both
        // kinds of files then too); the others once it has counted the files so far and
        // snapshotted that state, so that the next restart restores it from a snapshot.
        if (i % 2 === 1) {
          const restarted = app;
          const orders = totalsOf(contents.slice(0, i + 1).flat())['#orders']!;
          await allCounted(restarted, orders, `file ${i} after a restart`);
          const counted = restarted.totals.find((t) => t.totals['#orders'] === orders)!.time;
          await restarted.until(`a snapshot of every state after ${counted} ms`, () =>
            snapshotsSince(checkpoint, counted),
          );
        }
        kills.push(await killMidWrite(app, checkpoint, kind, i % 3 === 0 ? 'created' : 'written'));
        for (const l of LABELS) seen.push(...app.series(l).map((o) => o.totals));
        app = start(input, checkpoint, 'local[2]');
      }
      await allCounted(app, expected['#orders']!, `after ${kills.length} kills`);

      const summary = kills.map((k) => `${k.bytes} B (${k.missed} missed)`).join(', ');
      console.log(`${kind}: ${kills.length} kills mid-write (${summary})`);
      expect(kills).toHaveLength(KILLS);
      for (const k of kills)
        expect(k.file).toMatch(/[/\\]\.tmp-(checkpoint|snapshot)-\d+-\d+-\d+$/);
      const want = await reference;
      for (const l of LABELS) {
        expect(app.latest(l), l).toEqual(expected);
        expect(app.latest(l), l).toEqual(want[l]);
      }
      // No batch was applied twice on the way: no output ever counted more orders than exist.
      for (const t of seen) expect(t['#orders'] ?? 0).toBeLessThanOrEqual(expected['#orders']!);
      // The restarted application removed the temporary files the killed ones left.
      expect(strayTempFiles(checkpoint, app.child.pid!)).toEqual([]);
    },
  );
});

describe('a task thread that dies inside a stateful stage', () => {
  it(
    'is replaced and its task runs again: the batch succeeds and later state equals local[1]',
    { timeout: 120_000 },
    async () => {
      const { contents } = orderFiles(13, 5, 30);
      const expected = totalsOf(contents.flat());
      const reference = local1(contents);
      const input = tempDir();
      const marker = join(tempDir(), 'died');
      const app = start(input, tempDir(), 'local[2]', { DSTREAM_DIE_ONCE: marker });
      await app.until('the first batch', () => app.totals.length > 0);
      // One file per batch or so: the state goes on from the batch whose task was lost.
      let orders = 0;
      for (let i = 0; i < contents.length; i++) {
        drop(input, `orders-${i}.csv`, contents[i]!);
        orders += totalsOf(contents[i]!)['#orders']!;
        await allCounted(app, orders, `file ${i}`);
      }
      // The first order line parsed in a task thread ended that thread (inside the map side of
      // the shuffle that feeds updateStateByKey), and the task ran again on its replacement.
      expect(existsSync(marker)).toBe(true);
      expect(app.stderr).toMatch(
        /WARN WorkerTaskRunner: Task thread \d died while running task \d+ of stage \d+: exited with code 3; running the task again \(attempt 2 of 4\)/,
      );
      expect(app.stderr).toMatch(/Task thread \d exited with code 3; starting a new one/);
      expect(app.stderr).not.toContain('Error running job');
      const want = await reference;
      for (const l of LABELS) {
        expect(app.latest(l), l).toEqual(expected);
        expect(app.latest(l), l).toEqual(want[l]);
      }
    },
  );
});
