// Starts one standalone HBase with its REST gateway for the whole test run (free ports, a temporary
// run directory) and stops it at teardown; tests get its REST URL with inject('hbase'). Fetches
// the jars with Maven the first time, so a clean clone needs only a JDK and Maven.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startHBase, stopHBase } from '../src/cli/hbase/server.js';
import { freePort } from '../src/cli/services/ports.js';
import { messageOf } from '../src/errors.js';

export interface HBaseServer {
  /** The REST gateway, `http://127.0.0.1:<port>`, when HBase started. */
  rest?: string;
  /** Its run directory (for `dstream hbase status --run-dir`). */
  runDir?: string;
  /** Why there is none: Java or Maven missing, a failed start, or no HBase test in the run. */
  reason?: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    hbase: HBaseServer;
  }
}

/** False when the command line names test files and none is an HBase test. */
function runHasHBaseTests(): boolean {
  const at = process.argv.findIndex((a) => a === 'run' || a.endsWith('vitest.mjs'));
  const filters = process.argv.slice(at + 1).filter((a) => !a.startsWith('-') && a !== 'run');
  return filters.length === 0 || filters.some((f) => f.includes('hbase'));
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!runHasHBaseTests()) {
    project.provide('hbase', { reason: 'no HBase test in this run' });
    return async () => {};
  }
  const runDir = mkdtempSync(join(tmpdir(), 'dstream-hbase-test-'));
  const stop = async (): Promise<void> => {
    await stopHBase(runDir);
    rmSync(runDir, { recursive: true, force: true });
  };
  try {
    const server = await startHBase({
      runDir,
      rest: await freePort(),
      zookeeper: await freePort(),
      master: await freePort(),
      regionServer: await freePort(),
      progress: (m) => process.stderr.write(`hbase for the tests: ${m}\n`),
    });
    process.stderr.write(
      `hbase for the tests: ${server.rest} ready in ${(server.readyMs / 1000).toFixed(1)} s\n`,
    );
    project.provide('hbase', { rest: server.rest!, runDir });
  } catch (e) {
    await stop();
    project.provide('hbase', { reason: messageOf(e).split('\n')[0]! });
  }
  return stop;
}
