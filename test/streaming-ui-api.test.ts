// The UI's JSON API against a running application (test/support/ui-scenario.ts: batches 1 and 2
// completed, the second with a failed output operation, batch 3 processing, batch 4 queued),
// over real HTTP. Spark's paths and field names (reference §8.3); every expected number comes from
// what a listener of the same context saw.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setLogLevel, type BatchInfo } from 'dstream';
import { FAILURE, startScenario, type Scenario } from './support/ui-scenario.js';

let s: Scenario;
let appId: string;
let api: string;

const SPARK_DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}GMT$/;
const sparkDate = (ms: number) => new Date(ms).toISOString().replace('Z', 'GMT');

async function get(path: string): Promise<unknown> {
  const res = await fetch(s.url + path);
  expect(res.status, `GET ${path}`).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/json');
  return res.json();
}

beforeAll(async () => {
  setLogLevel('OFF'); // the failing operation's error log is expected
  s = await startScenario();
  const apps = (await get('/api/v1/applications')) as { id: string }[];
  appId = apps[0]!.id;
  api = `/api/v1/applications/${appId}/streaming`;
});

afterAll(async () => {
  await s.finish();
  await s.ssc.stop();
});

const batchTimes = () => [...s.seen.latest.keys()];
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const meanMs = (xs: number[]) => Math.trunc(mean(xs));

describe('/api/v1/applications', () => {
  it('lists the running application as Spark does: id local-<ms>, name, one attempt not completed', async () => {
    const apps = (await get('/api/v1/applications')) as Record<string, unknown>[];
    expect(apps).toHaveLength(1);
    const [app] = apps;
    expect(app).toEqual({
      id: expect.stringMatching(/^local-\d+$/) as string,
      name: 'dstream-test',
      attempts: [
        {
          startTime: expect.stringMatching(SPARK_DATE) as string,
          endTime: '1969-12-31T23:59:59.999GMT',
          lastUpdated: expect.stringMatching(SPARK_DATE) as string,
          duration: expect.any(Number) as number,
          sparkUser: expect.any(String) as string,
          completed: false,
          appSparkVersion: expect.any(String) as string,
          startTimeEpoch: expect.any(Number) as number,
          endTimeEpoch: -1,
          lastUpdatedEpoch: expect.any(Number) as number,
        },
      ],
    });
    const attempt = (app!.attempts as Record<string, number | string>[])[0]!;
    expect(attempt.startTime).toBe(sparkDate(attempt.startTimeEpoch as number));
    expect(attempt.duration).toBeGreaterThanOrEqual(0);
    // The same application by its id (its duration grows meanwhile).
    expect(await get(`/api/v1/applications/${appId}`)).toEqual({
      ...app,
      attempts: [{ ...attempt, duration: expect.any(Number) as number }],
    });
  });

  it('answers 404 for an unknown application or path, 405 for anything but GET', async () => {
    const unknown = await fetch(`${s.url}/api/v1/applications/local-1/streaming/statistics`);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toBe('no such app: local-1\n');
    expect((await fetch(`${s.url}${api}/nothing`)).status).toBe(404);
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const res = await fetch(`${s.url}${api}/batches`, { method });
      expect(res.status, method).toBe(405);
      expect(res.headers.get('allow')).toBe('GET, HEAD');
    }
  });
});

describe('streaming/statistics', () => {
  it('sums up the run as the listener saw it', async () => {
    const latest = [...s.seen.latest.values()];
    const completed = [...s.seen.completed.values()];
    const defined = (f: (b: BatchInfo) => number | undefined) =>
      meanMs(latest.flatMap((b) => f(b) ?? []));
    expect(await get(`${api}/statistics`)).toEqual({
      startTime: sparkDate(s.seen.startTime!),
      batchDuration: 1000,
      numReceivers: 1,
      numActiveReceivers: 1,
      numInactiveReceivers: 0,
      numTotalCompletedBatches: completed.length,
      numRetainedCompletedBatches: completed.length,
      numActiveBatches: latest.length - completed.length,
      numProcessedRecords: completed.reduce((n, b) => n + b.numRecords, 0),
      numReceivedRecords: latest
        .filter((b) => b.processingStartTime !== undefined)
        .reduce((n, b) => n + b.numRecords, 0),
      avgInputRate: mean(latest.map((b) => b.numRecords)),
      avgSchedulingDelay: defined((b) => b.schedulingDelay),
      avgProcessingTime: defined((b) => b.processingDelay),
      avgTotalDelay: defined((b) => b.totalDelay),
    });
    expect(completed.length).toBe(2);
    expect(latest.length).toBe(4);
  });
});

describe('streaming/receivers', () => {
  it('lists every input stream by id; a stream without a receiver has only its name and rates', async () => {
    const info = s.seen.receivers.get(0)!;
    const rates = (id: number) =>
      batchTimes()
        .sort((a, b) => a - b)
        .map((t) => [t, s.seen.latest.get(t)!.streamIdToInputInfo.get(id)?.numRecords ?? 0]);
    const receivers = await get(`${api}/receivers`);
    expect(receivers).toEqual([
      {
        streamId: 0,
        streamName: 'StoringReceiver-0',
        isActive: true,
        executorId: 'driver',
        executorHost: info.location,
        lastErrorTime: sparkDate(info.lastErrorTime),
        lastErrorMessage: 'parse failed',
        lastError: expect.stringContaining('line <b>7</b>') as string,
        avgEventRate: mean(rates(0).map(([, r]) => r!)),
        eventRates: rates(0),
      },
      { streamId: 1, streamName: 'Queue stream [1]', avgEventRate: 0, eventRates: rates(1) },
    ]);
    expect(info.lastErrorTime).toBe(1250);
    expect(await get(`${api}/receivers/1`)).toEqual((receivers as unknown[])[1]);
    const missing = await fetch(`${s.url}${api}/receivers/7`);
    expect(missing.status).toBe(404);
  });
});

describe('streaming/batches', () => {
  it('lists retained batches newest first with their status, delays and output operation counts', async () => {
    const batch = (ms: number, status: string) => {
      const b = s.seen.latest.get(ms)!;
      return {
        batchId: ms,
        batchTime: sparkDate(ms),
        status,
        batchDuration: 1000,
        inputSize: b.numRecords,
        ...(b.schedulingDelay === undefined ? {} : { schedulingDelay: b.schedulingDelay }),
        ...(b.processingDelay === undefined ? {} : { processingTime: b.processingDelay }),
        ...(b.totalDelay === undefined ? {} : { totalDelay: b.totalDelay }),
      };
    };
    const all = await get(`${api}/batches`);
    expect(all).toEqual([
      { ...batch(4000, 'QUEUED'), ...opCounts(2, 0, 0) },
      { ...batch(3000, 'PROCESSING'), ...opCounts(2, 0, 0) },
      {
        ...batch(2000, 'COMPLETED'),
        ...opCounts(0, 1, 1),
        firstFailureReason: expect.stringContaining(FAILURE) as string,
      },
      { ...batch(1000, 'COMPLETED'), ...opCounts(0, 2, 0) },
    ]);
    const list = all as { batchId: number }[];
    const ids = async (query: string) =>
      ((await get(`${api}/batches${query}`)) as { batchId: number }[]).map((b) => b.batchId);
    expect(await ids('?status=COMPLETED')).toEqual([2000, 1000]);
    expect(await ids('?status=QUEUED&status=PROCESSING')).toEqual([4000, 3000]);
    expect((await fetch(`${s.url}${api}/batches?status=DONE`)).status).toBe(400);
    expect(await get(`${api}/batches/2000`)).toEqual(list[2]);
    expect((await fetch(`${s.url}${api}/batches/2500`)).status).toBe(404);
  });

  it("lists a batch's output operations: call-site name, dates, duration, failure", async () => {
    const op = (ms: number, id: number) => {
      const o = s.seen.ops.get(`${ms}/${id}`)!;
      return {
        outputOpId: id,
        name: o.name,
        description: o.description,
        ...(o.startTime === undefined ? {} : { startTime: sparkDate(o.startTime) }),
        ...(o.endTime === undefined ? {} : { endTime: sparkDate(o.endTime) }),
        ...(o.duration === undefined ? {} : { duration: o.duration }),
        ...(o.failureReason === undefined ? {} : { failureReason: o.failureReason }),
        jobIds: [],
      };
    };
    const ops = (await get(`${api}/batches/2000/operations`)) as { name: string }[];
    expect(ops).toEqual([op(2000, 0), op(2000, 1)]);
    expect(ops[0]!.name).toMatch(/^foreachRDD at ui-scenario\.ts:\d+$/);
    expect((ops[1] as { failureReason?: string }).failureReason).toContain(FAILURE);
    expect(await get(`${api}/batches/2000/operations/1`)).toEqual(ops[1]);
    // Batch 3's first operation has started, not ended: no end time, no duration.
    const running = (await get(`${api}/batches/3000/operations`)) as Record<string, unknown>[];
    expect(running[0]).toEqual(op(3000, 0));
    expect(running[0]).not.toHaveProperty('endTime');
    expect((await fetch(`${s.url}${api}/batches/2000/operations/5`)).status).toBe(404);
  });
});

function opCounts(active: number, completed: number, failed: number) {
  return {
    numActiveOutputOps: active,
    numCompletedOutputOps: completed,
    numFailedOutputOps: failed,
    numTotalOutputOps: 2,
  };
}
