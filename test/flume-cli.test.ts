// `dstream flume start|status|stop` as users run them: an agent with Spark's SparkSink starts from a
// configuration file with a setting replaced (--set), its SparkSink accepts connections, status
// reports it, stop ends it (the port then refuses); a configuration without the agent named fails
// with what to do.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopAgent } from '../src/cli/flume/agent.js';
import { accepts, freePort } from '../src/cli/services/ports.js';
import { expectBuilt, startCli } from './support/cli.js';
import { fixture, flume, skipFlume } from './support/flume-agent.js';

async function dstream(args: string[]) {
  const cli = startCli(args);
  const code = await cli.exited;
  return { code, stdout: cli.stdout(), stderr: cli.stderr() };
}

const runDir = mkdtempSync(join(tmpdir(), 'dstream-flume-cli-'));
afterAll(async () => {
  await stopAgent(runDir);
  rmSync(runDir, { recursive: true, force: true });
});

describe.skipIf(skipFlume)(`dstream flume${skipFlume ? ` (skipped: ${flume.reason})` : ''}`, () => {
  beforeAll(() => expectBuilt());

  it('starts an agent from a configuration file, reports it and stops it', async () => {
    const port = await freePort();
    const where = ['--run-dir', runDir, '--libs-dir', flume.libsDir!];
    const sinkLibs = ['--spark-sink-libs-dir', flume.sparkSinkLibsDir!];
    const started = await dstream([
      'flume',
      'start',
      '--conf-file',
      fixture('pull-seq.properties'),
      '--set',
      `sinks.spark.port=${port}`,
      ...where,
      ...sinkLibs,
    ]);
    expect(started.code, started.stderr).toBe(0);
    expect(started.stdout).toBe(`SparkSink spark at 127.0.0.1:${port}\n`);
    expect(started.stderr).toMatch(/dstream flume: agent a1 started, pid \d+, ready in/);
    expect(await accepts(port)).toBe(true);

    const status = await dstream(['flume', 'status', '--run-dir', runDir]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(
      new RegExp(`^running, pid \\d+, agent a1, SparkSink 127\\.0\\.0\\.1:${port}\\n$`),
    );

    const stopped = await dstream(['flume', 'stop', '--run-dir', runDir]);
    expect(stopped.stderr).toMatch(/dstream flume: stopped, pid \d+/);
    expect(await accepts(port)).toBe(false);
    const after = await dstream(['flume', 'status', '--run-dir', runDir]);
    expect(after.code).toBe(1);
    expect(after.stdout).toBe(`not running (${runDir})\n`);
  });

  it('says which agent name to give when the file has no such agent', async () => {
    const r = await dstream([
      'flume',
      'start',
      '--conf-file',
      fixture('push-seq.properties'),
      '--name',
      'agent',
      '--run-dir',
      runDir,
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      "dstream: DSTREAM_ERR_FLUME_AGENT_START: The configuration has no agent named 'agent'",
    );
  });
});
