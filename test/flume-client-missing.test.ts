// dstream/flume without its optional Avro RPC library, avsc: the subpath still loads, and the first
// Flume stream that starts stops its receiver with DSTREAM_ERR_FLUME_CLIENT_MISSING and the npm
// command that installs it. avsc is hidden from Node's resolver in a child process
// (test/fixtures/without-packages.ts), as on a machine where it was never installed.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectBuilt, root } from './support/cli.js';

const preload = join(root, 'test', 'fixtures', 'without-packages.ts');

/** Runs `code` as an ES module in the repository, with avsc unresolvable; its stdout. */
async function runWithoutAvsc(code: string): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', preload, '--input-type=module', '--eval', code],
    { cwd: root, env: { ...process.env, DSTREAM_TEST_HIDDEN_PACKAGES: 'avsc' } },
  );
  return stdout;
}

describe.each([
  { stream: 'createStream', declare: `FlumeUtils.createStream(ssc, '127.0.0.1', 0)` },
  {
    stream: 'createPollingStream',
    declare: `FlumeUtils.createPollingStream(ssc, [{ host: '127.0.0.1', port: 1 }])`,
  },
])('dstream/flume $stream without avsc', ({ declare }) => {
  beforeAll(() => expectBuilt());

  it('stops the receiver with DSTREAM_ERR_FLUME_CLIENT_MISSING: npm install avsc', async () => {
    const out = await runWithoutAvsc(
      `const { StreamingContext, Milliseconds } = await import('dstream');
       const { FlumeUtils } = await import('dstream/flume');
       const ssc = new StreamingContext({ master: 'local[2]', appName: 'x', batchDuration: Milliseconds(100) });
       let done;
       const stopped = new Promise((resolve) => (done = resolve));
       ssc.addStreamingListener({ onReceiverStopped: (e) => done(e.receiverInfo) });
       ${declare}.foreachRDD(() => {});
       await ssc.start();
       const info = await stopped;
       await ssc.stop();
       console.log(JSON.stringify({ message: info.lastErrorMessage, error: info.lastError }));`,
    );
    const result = JSON.parse(out) as { message: string; error: string };
    expect(result.message).toMatch(/^Flume (polling )?receiver cannot start$/);
    expect(result.error).toContain(
      'dstream/flume needs the optional package avsc: npm install avsc@5.7.9',
    );
  });
});
