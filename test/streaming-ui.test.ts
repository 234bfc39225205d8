// The web UI's life with its context (DESIGN.md): started by start() unless spark.ui.enabled is
// false, on spark.ui.port or the next free port, bound to 127.0.0.1, its address printed once,
// stopped by stop(); only the last spark.streaming.ui.retainedBatches completed batches kept.
import { createServer, type Server } from 'node:net';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { setLogLevel, type StreamingContext } from 'dstream';
import { createManualContext, TestInputStream } from 'dstream/testing';
import { captureStderr } from './support/capture-stderr.js';

const contexts: StreamingContext[] = [];
const servers: Server[] = [];

beforeAll(() => setLogLevel('WARN'));
afterEach(async () => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  for (const ssc of contexts.splice(0)) if (ssc.getState() !== 'STOPPED') await ssc.stop();
  for (const server of servers.splice(0)) await new Promise((r) => server.close(r));
});

function uiContext(conf: Record<string, string> = {}) {
  const made = createManualContext({
    conf: { 'spark.ui.enabled': 'true', 'spark.ui.port': '0', ...conf },
  });
  contexts.push(made.ssc);
  new TestInputStream(made.ssc, [[1], [2], [3], [4]], 1).foreachRDD(() => {});
  return made;
}

/** A port taken by another server on 127.0.0.1. */
async function occupiedPort(): Promise<number> {
  const server = createServer();
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as { port: number }).port;
}

describe('web UI life', () => {
  it('starts with the context on 127.0.0.1, prints its address once, and stops with it', async () => {
    const { ssc } = uiContext();
    const stderr = captureStderr();
    await ssc.start();
    const url = ssc.uiWebUrl!;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(stderr.filter((l) => l.includes('Streaming UI at'))).toEqual([
      `Streaming UI at ${url}\n`,
    ]);
    expect((await fetch(`${url}/api/v1/applications`)).status).toBe(200);
    await ssc.stop();
    expect(ssc.uiWebUrl).toBeUndefined();
    await expect(fetch(`${url}/api/v1/applications`)).rejects.toThrow();
  });

  it('listens on spark.ui.host when set', async () => {
    // Another loopback address (Linux answers on all of 127.0.0.0/8): nothing leaves the machine.
    const { ssc } = uiContext({ 'spark.ui.host': '127.0.0.2' });
    captureStderr();
    await ssc.start();
    expect(ssc.uiWebUrl).toMatch(/^http:\/\/127\.0\.0\.2:\d+$/);
    expect((await fetch(`${ssc.uiWebUrl!}/api/v1/applications`)).status).toBe(200);
  });

  it('takes the next free port when spark.ui.port is taken, as Spark does', async () => {
    const taken = await occupiedPort();
    const { ssc } = uiContext({ 'spark.ui.port': String(taken) });
    const stderr = captureStderr();
    await ssc.start();
    const port = Number(new URL(ssc.uiWebUrl!).port);
    expect(port).toBeGreaterThan(taken);
    expect(port).toBeLessThanOrEqual(taken + 16);
    expect(stderr.join('')).toContain(
      `Service 'SparkUI' could not bind on port ${taken}. Attempting port ${taken + 1}.`,
    );
  });

  it('fails start() with DSTREAM_ERR_UI when no port is free within spark.port.maxRetries', async () => {
    const taken = await occupiedPort();
    const { ssc } = uiContext({ 'spark.ui.port': String(taken), 'spark.port.maxRetries': '0' });
    captureStderr();
    await expect(ssc.start()).rejects.toMatchObject({ code: 'DSTREAM_ERR_UI' });
    expect(ssc.getState()).toBe('STOPPED');
  });

  it('is off with spark.ui.enabled=false, and off by default in the test kit', async () => {
    // Without the setting this suite runs under (vitest.config.ts), as in a user's own tests.
    vi.stubEnv('DSTREAM_CONF', '');
    for (const made of [uiContext({ 'spark.ui.enabled': 'false' }), createManualContext()]) {
      contexts.push(made.ssc);
      new TestInputStream(made.ssc, [[1]], 1).foreachRDD(() => {});
      const stderr = captureStderr();
      await made.ssc.start();
      expect(made.ssc.uiWebUrl).toBeUndefined();
      expect(stderr.join('')).not.toContain('Streaming UI at');
      await made.ssc.stop();
      vi.restoreAllMocks();
    }
  });

  it('keeps only the last spark.streaming.ui.retainedBatches completed batches', async () => {
    const { ssc, clock } = uiContext({ 'spark.streaming.ui.retainedBatches': '2' });
    captureStderr();
    await ssc.start();
    await clock.advance(4000);
    const base = `${ssc.uiWebUrl!}/api/v1/applications`;
    const [app] = (await (await fetch(base)).json()) as { id: string }[];
    const api = `${base}/${app!.id}/streaming`;
    const batches = (await (await fetch(`${api}/batches`)).json()) as { batchId: number }[];
    expect(batches.map((b) => b.batchId)).toEqual([4000, 3000]);
    const stats = (await (await fetch(`${api}/statistics`)).json()) as Record<string, number>;
    expect(stats.numTotalCompletedBatches).toBe(4);
    expect(stats.numRetainedCompletedBatches).toBe(2);
  });
});
