// Starts one Kafka broker for the whole test run (free ports, a temporary run directory) and stops
// it at teardown; tests get its bootstrap address with inject('kafkaBroker'). Fetches the broker's
// jars with Maven the first time, so a clean clone needs only Java and Maven.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePort, startBroker, stopBroker } from '../src/cli/kafka/broker.js';
import { messageOf } from '../src/errors.js';

export interface KafkaBroker {
  /** host:port of the broker, when it started. */
  bootstrap?: string;
  /** Its run directory (for `dstream kafka status --run-dir`). */
  runDir?: string;
  /** Why there is no broker: Java or Maven missing, a failed start, or no Kafka test in the run. */
  reason?: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBroker: KafkaBroker;
  }
}

/**
 * False when the command line names test files and none is a Kafka test
 * (`vitest run test/orders.test.ts`): a broker would only cost those runs its start-up.
 */
function runHasKafkaTests(): boolean {
  const at = process.argv.findIndex((a) => a === 'run' || a.endsWith('vitest.mjs'));
  const filters = process.argv.slice(at + 1).filter((a) => !a.startsWith('-') && a !== 'run');
  return filters.length === 0 || filters.some((f) => f.includes('kafka'));
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!runHasKafkaTests()) {
    project.provide('kafkaBroker', { reason: 'no Kafka test in this run' });
    return async () => {};
  }
  const runDir = mkdtempSync(join(tmpdir(), 'dstream-kafka-test-'));
  const stop = async (): Promise<void> => {
    await stopBroker(runDir);
    rmSync(runDir, { recursive: true, force: true });
  };
  try {
    const started = performance.now();
    const broker = await startBroker({
      runDir,
      port: await freePort(),
      controllerPort: await freePort(),
      progress: (m) => process.stderr.write(`kafka for the tests: ${m}\n`),
    });
    process.stderr.write(
      `kafka for the tests: ${broker.bootstrap} ready in ` +
        `${((performance.now() - started) / 1000).toFixed(1)} s\n`,
    );
    project.provide('kafkaBroker', { bootstrap: broker.bootstrap!, runDir });
  } catch (e) {
    await stop();
    project.provide('kafkaBroker', { reason: messageOf(e).split('\n')[0]! });
  }
  return stop;
}
