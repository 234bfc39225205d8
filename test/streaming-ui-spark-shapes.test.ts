// The JSON API's answers have the shapes of real Spark's (test/fixtures/spark-ui, recorded from
// Spark 3.5.7 for the same scenario): the same field names in the same order, the same JSON types,
// the same optional fields absent. Values differ (Spark ran on the wall clock).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setLogLevel } from 'dstream';
import { startScenario, type Scenario } from './support/ui-scenario.js';

const fixtures = join(import.meta.dirname, 'fixtures', 'spark-ui');
const spark = (name: string): unknown =>
  JSON.parse(readFileSync(join(fixtures, `${name}.json`), 'utf8'));

/** A value's shape: objects by their keys in order, arrays by their first element, else a type. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.length === 0 ? [] : [shape(value[0])];
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).map(([k, v]) => [k, shape(v)]);
  }
  return value === null ? 'null' : typeof value;
}

let s: Scenario;
let api: string;

async function get(path: string): Promise<unknown> {
  return (await fetch(s.url + path)).json();
}

beforeAll(async () => {
  setLogLevel('OFF');
  s = await startScenario();
  const [app] = (await get('/api/v1/applications')) as { id: string }[];
  api = `/api/v1/applications/${app!.id}/streaming`;
});

afterAll(async () => {
  await s.finish();
  await s.ssc.stop();
});

describe("the JSON API has Spark's shapes", () => {
  it('applications and statistics', async () => {
    expect(shape(await get('/api/v1/applications'))).toEqual(shape(spark('applications')));
    expect(shape(await get(`${api}/statistics`))).toEqual(shape(spark('statistics')));
  });

  it('receivers: a receiver stream, and a stream without a receiver', async () => {
    const ours = (await get(`${api}/receivers`)) as Record<string, unknown>[];
    const theirs = spark('receivers') as Record<string, unknown>[];
    // Spark 3.5 loses the time of an error a receiver reports (its tracker keeps the previous
    // one, -1), so its answer leaves lastErrorTime out; dstream gives it, where §8.3 puts it.
    const { lastErrorTime, ...withoutTime } = ours[0]!;
    expect(lastErrorTime).toEqual(expect.any(String));
    expect(shape(withoutTime)).toEqual(shape(theirs[0]));
    expect(shape(ours[1])).toEqual(shape(theirs[1]));
  });

  it('batches: a queued one, a completed one with a failure', async () => {
    const queued = (await get(`${api}/batches?status=QUEUED`)) as unknown[];
    expect(shape(queued[0])).toEqual(shape((spark('batches-queued') as unknown[])[0]));
    expect(shape(await get(`${api}/batches/2000`))).toEqual(shape(spark('batch-failed')));
    const unknown = await fetch(`${s.url}${api}/batches/1`);
    expect(`HTTP ${unknown.status}\n${await unknown.text()}`).toBe(
      readFileSync(join(fixtures, 'batches-unknown.txt'), 'utf8') + '\n',
    );
  });

  it('operations: failed, succeeded, running, not started', async () => {
    // Spark lists operations in its hash map's order (1, 0 here); dstream by id.
    const byId = (ops: unknown) =>
      (ops as { outputOpId: number; jobIds: unknown[] }[])
        .map((op) => ({ ...op, jobIds: [] })) // dstream runs no Spark jobs: no ids
        .sort((a, b) => a.outputOpId - b.outputOpId);
    const failed = byId(await get(`${api}/batches/2000/operations`));
    expect(shape(failed)).toEqual(shape(byId(spark('operations-failed'))));
    expect(shape(failed[1])).toEqual(shape(byId(spark('operations-failed'))[1]));
    const running = byId(await get(`${api}/batches/3000/operations`));
    expect(running.map(shape)).toEqual(byId(spark('operations-running')).map(shape));
  });
});
