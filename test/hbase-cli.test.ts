// `dstream hbase start|status|stop` as users run them: a standalone HBase of its own run directory
// starts, answers on its REST gateway, reports itself, and stops (its port then refuses); status
// on a directory without HBase says so with exit status 1.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accepts, freePort } from '../src/cli/services/ports.js';
import { expectBuilt, startCli } from './support/cli.js';
import { hbase, skipHBase } from './support/hbase.js';

async function dstream(args: string[]) {
  const cli = startCli(args);
  const code = await cli.exited;
  return { code, stdout: cli.stdout(), stderr: cli.stderr() };
}

const runDir = mkdtempSync(join(tmpdir(), 'dstream-hbase-cli-'));
afterAll(() => rmSync(runDir, { recursive: true, force: true }));

// Skipped with the suite's HBase: without it, Java or Maven is missing here too.
describe.skipIf(skipHBase)(`dstream hbase${skipHBase ? ` (skipped: ${hbase.reason})` : ''}`, () => {
  beforeAll(() => expectBuilt());

  it(
    'starts an HBase of its own run directory, reports it and stops it',
    { timeout: 180_000 },
    async () => {
      const [rest, zk, master, rs] = [
        await freePort(),
        await freePort(),
        await freePort(),
        await freePort(),
      ];
      const where = ['--run-dir', runDir];
      const ports = [
        '--rest-port',
        rest,
        '--zk-port',
        zk,
        '--master-port',
        master,
        '--rs-port',
        rs,
      ].map(String);
      try {
        const started = await dstream(['hbase', 'start', ...ports, ...where]);
        expect(started.code, started.stderr).toBe(0);
        expect(started.stdout).toBe(`http://127.0.0.1:${rest}\n`);
        expect(started.stderr).toMatch(/dstream hbase: started, pid \d+, ready in [\d.]+ s/);
        const version = await fetch(`http://127.0.0.1:${rest}/version/cluster`, {
          headers: { Accept: 'application/json' },
        });
        expect(await version.json()).toEqual({ Version: '2.6.1' });
        const status = await dstream(['hbase', 'status', ...where]);
        expect(status.code).toBe(0);
        expect(status.stdout).toMatch(
          new RegExp(`^running, pid \\d+, REST gateway http://127\\.0\\.0\\.1:${rest}\\n$`),
        );
      } finally {
        const stopped = await dstream(['hbase', 'stop', ...where]);
        expect(stopped.stderr).toMatch(/dstream hbase: stopped, pid \d+/);
      }
      const after = await dstream(['hbase', 'status', ...where]);
      expect(after.code).toBe(1);
      expect(after.stdout).toBe(`not running (${runDir})\n`);
      expect(await accepts(rest)).toBe(false);
    },
  );

  it('says the suite HBase runs, and that an empty run directory has none', async () => {
    const status = await dstream(['hbase', 'status', '--run-dir', hbase.runDir!]);
    expect(status.stdout).toBe(
      `running, pid ${/pid (\d+)/.exec(status.stdout)?.[1]}, REST gateway ${hbase.rest}\n`,
    );
    const empty = mkdtempSync(join(tmpdir(), 'dstream-hbase-none-'));
    try {
      const none = await dstream(['hbase', 'status', '--run-dir', empty]);
      expect([none.code, none.stdout]).toEqual([1, `not running (${empty})\n`]);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
