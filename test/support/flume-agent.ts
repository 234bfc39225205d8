// The Flume agents of the Flume tests: started from a configuration in test/fixtures/flume with the
// ports and settings of the test, each in a temporary run directory, and stopped when the test
// ends (failed or not). The jars come from test/flume-setup.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, inject, onTestFinished } from 'vitest';
import { startAgent, stopAgent } from '../../src/cli/flume/agent.js';

export const flume = inject('flume');

/** Without the jars (no Java or Maven here) the Flume tests are skipped with why, except on CI. */
export const skipFlume = flume.libsDir === undefined && process.env.CI !== 'true';

export const fixture = (name: string) => join(import.meta.dirname, '..', 'fixtures', 'flume', name);

export interface TestAgent {
  readonly runDir: string;
  /** Stops the JVM (SIGTERM): the agent is gone. */
  stop(): Promise<void>;
  /** Starts it again from the same configuration (with `overrides` changed). */
  start(overrides?: Record<string, string>): Promise<void>;
}

/** Starts agent `a1` of `conf` (a file of test/fixtures/flume, or a path) with `overrides`. */
export async function startTestAgent(
  conf: string,
  overrides: Record<string, string | number>,
): Promise<TestAgent> {
  expect(flume.libsDir, `no Flume jars for the tests: ${flume.reason}`).toBeDefined();
  const runDir = mkdtempSync(join(tmpdir(), 'dstream-flume-test-'));
  let settings = Object.fromEntries(Object.entries(overrides).map(([k, v]) => [k, String(v)]));
  const agent: TestAgent = {
    runDir,
    stop: async () => {
      await stopAgent(runDir);
    },
    start: async (more = {}) => {
      settings = { ...settings, ...more };
      await startAgent({
        runDir,
        confFile: conf.includes('/') ? conf : fixture(conf),
        name: 'a1',
        overrides: settings,
        libsDir: flume.libsDir!,
        sparkSinkLibsDir: flume.sparkSinkLibsDir!,
      });
    },
  };
  onTestFinished(async () => {
    await stopAgent(runDir);
    rmSync(runDir, { recursive: true, force: true });
  });
  await agent.start();
  return agent;
}
