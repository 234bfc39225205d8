// Fetches the Flume 1.11 agent's jars and Spark's SparkSink jars with Maven once for the run (a
// clean clone needs only a JDK and Maven), when the run has a Flume test. The tests start their own
// agents (test/support/flume-agent.ts), each from a configuration with ports chosen for it.
import type { TestProject } from 'vitest/node';
import { defaultLibsDir, defaultSparkSinkLibsDir, ensureFlumeJars } from '../src/cli/flume/jars.js';
import { runToEnd } from '../src/cli/services/jvm-process.js';
import { DStreamError, messageOf } from '../src/errors.js';

export interface FlumeJars {
  /** Flume's jars and the SparkSink's, when fetched. */
  libsDir?: string;
  sparkSinkLibsDir?: string;
  /** Why there are none: Java or Maven missing, a failed fetch, or no Flume test in the run. */
  reason?: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    flume: FlumeJars;
  }
}

/** False when the command line names test files and none is a Flume test. */
function runHasFlumeTests(): boolean {
  const at = process.argv.findIndex((a) => a === 'run' || a.endsWith('vitest.mjs'));
  const filters = process.argv.slice(at + 1).filter((a) => !a.startsWith('-') && a !== 'run');
  return filters.length === 0 || filters.some((f) => f.includes('flume'));
}

export default async function setup(project: TestProject): Promise<void> {
  if (!runHasFlumeTests()) {
    project.provide('flume', { reason: 'no Flume test in this run' });
    return;
  }
  try {
    const java = await runToEnd(
      'java',
      ['-version'],
      new DStreamError('DSTREAM_ERR_FLUME_SETUP', 'java not found on PATH'),
    );
    if (java.code !== 0) throw new Error(java.output);
    const libsDir = defaultLibsDir();
    const sparkSinkLibsDir = defaultSparkSinkLibsDir();
    await ensureFlumeJars(libsDir, sparkSinkLibsDir, (m) =>
      process.stderr.write(`flume for the tests: ${m}\n`),
    );
    project.provide('flume', { libsDir, sparkSinkLibsDir });
  } catch (e) {
    project.provide('flume', { reason: messageOf(e).split('\n')[0]! });
  }
}
