// What the UI shows beyond Spark, against real contexts of the test kit: the state size of each
// stateful operator (keys equal to the state the test computes), the tasks each thread ran and
// failed (equal to the tasks the test counts itself), and the settings in force, in the JSON API,
// in /metrics and in the page's panels (every application text escaped).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  setLogLevel,
  StateSpec,
  type RDD,
  type State,
  type StateOperatorInfo,
  type StreamingContext,
  type TaskThreadInfo,
} from 'dstream';
import { createManualContext, type ManualClock } from 'dstream/testing';
import {
  configurationPanel,
  formatBytes,
  stateOperatorsPanel,
  taskThreadsPanel,
  type StateOperatorRow,
} from 'dstream/ui';

const SCRIPT = '<script>alert(1)</script>';

let dir: string;
beforeAll(() => {
  setLogLevel('OFF');
  dir = mkdtempSync(join(tmpdir(), 'dstream-ui-engine-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function getJson(url: string): Promise<unknown> {
  const res = await fetch(url);
  expect(res.status, url).toBe(200);
  return res.json();
}

async function appUrl(ssc: StreamingContext): Promise<string> {
  const apps = (await getJson(`${ssc.uiWebUrl!}/api/v1/applications`)) as { id: string }[];
  return `${ssc.uiWebUrl!}/api/v1/applications/${apps[0]!.id}`;
}

/** The value of one sample of /metrics, by name and labels. */
async function metric(ssc: StreamingContext, name: string, labels: Record<string, string>) {
  const text = await (await fetch(`${ssc.uiWebUrl!}/metrics`)).text();
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const wanted = Object.entries(labels).every(([k, v]) =>
      line.includes(`${k}=${JSON.stringify(v)}`),
    );
    if (wanted) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('state size per stateful operator', () => {
  const batches = [
    ['a', 'b', 'a', 'c'],
    ['b', 'd', 'drop'],
    ['e', 'drop', 'a'],
  ];
  let ssc: StreamingContext;
  let clock: ManualClock;
  let reports: StateOperatorInfo[][];
  // The states as the test computes them: word counts, without the word `drop`, which
  // updateStateByKey removes (mapWithState keeps every word, `drop` included).
  const counts = new Map<string, number>();
  const seenWords = new Set<string>();

  beforeAll(async () => {
    ({ ssc, clock } = createManualContext({
      conf: { 'spark.ui.enabled': 'true', 'spark.ui.port': '0' },
      checkpointDir: join(dir, 'state'),
    }));
    const queue: RDD<string>[] = batches.map((b) => ssc.sparkContext.parallelize(b, 2));
    const pairs = ssc.queueStream(queue).map((w) => [w, 1] as const);
    pairs
      .updateStateByKey(
        (values: number[], state: number | undefined, key: string) =>
          key === 'drop' ? undefined : values.reduce((a, b) => a + b, state ?? 0),
        { numPartitions: 3 },
      )
      .foreachRDD(async (rdd) => void (await rdd.count()));
    const spec = StateSpec.function(
      (word: string, one: number | undefined, state: State<number>) => {
        state.update((state.getOption() ?? 0) + (one ?? 0));
        return word;
      },
    );
    pairs
      .mapWithState(spec)
      .name('word <totals>')
      .foreachRDD(async (rdd) => void (await rdd.count()));
    reports = [];
    ssc.addStreamingListener({ onStateUpdated: (e) => reports.push([...e.operators]) });
    await ssc.start();
    for (const batch of batches) {
      await clock.advance(1000);
      for (const w of batch) {
        seenWords.add(w);
        if (w !== 'drop') counts.set(w, (counts.get(w) ?? 0) + 1);
      }
    }
  });

  afterAll(async () => {
    await ssc.stop();
  });

  it('reports each operator after every batch, named after its call site, with its stable key', () => {
    expect(reports).toHaveLength(3);
    const last = reports.at(-1)!;
    expect(last.map((op) => op.name)).toEqual([
      expect.stringMatching(/^updateStateByKey at streaming-ui-engine\.test\.ts:\d+$/),
      expect.stringMatching(/^mapWithState at streaming-ui-engine\.test\.ts:\d+$/),
    ]);
    expect(last[0]!.id).toBe('updateStateByKey(map(QueueInput))');
    expect(last[1]!.id).toBe('word <totals>');
    expect(last.map((op) => op.lastUpdatedBatch)).toEqual([3000, 3000]);
  });

  it('gives the keys the test computed, and a size that grows with them', () => {
    const [ubk, mws] = reports.at(-1)!;
    expect(ubk!.numKeys).toBe(counts.size);
    expect(mws!.numKeys).toBe(seenWords.size);
    // Short keys and small integer counts: a Map entry (38 B) and a short string (24 B) per key.
    for (const op of [ubk!, mws!]) expect(op.approximateBytes).toBe(op.numKeys * (38 + 24));
    expect(reports[0]![0]!.numKeys).toBe(3);
    expect(reports[0]![0]!.approximateBytes).toBeLessThan(ubk!.approximateBytes);
  });

  it('serves the same operators in the JSON API and in /metrics', async () => {
    const ops = reports.at(-1)!;
    const json = (await getJson(`${await appUrl(ssc)}/streaming/dstream/state`)) as Record<
      string,
      unknown
    >[];
    expect(json).toEqual(
      ops.map((op) => ({
        id: op.id,
        streamId: op.streamId,
        name: op.name,
        numKeys: op.numKeys,
        approximateBytes: op.approximateBytes,
        lastUpdatedBatchId: 3000,
        lastUpdatedBatchTime: '1970-01-01T00:00:03.000GMT',
      })),
    );
    for (const op of ops) {
      const labels = { operator: op.id, name: op.name };
      expect(await metric(ssc, 'dstream_streaming_state_keys', labels)).toBe(op.numKeys);
      expect(await metric(ssc, 'dstream_streaming_state_bytes', labels)).toBe(op.approximateBytes);
    }
  });

  it('renders the state panel with the operator names escaped', () => {
    const html = stateOperatorsPanel(reports.at(-1)!, 1000);
    expect(html).toMatch(/^<section id="state-operators">\n<h2>/);
    expect(html).toContain('title="word &lt;totals&gt;"');
    expect(html).not.toContain('<totals>');
    expect(html).toContain(`<td>${counts.size}</td>`);
    expect(html).toContain('<a href="batch/?id=3000">');
  });
});

describe('task threads', () => {
  let ssc: StreamingContext;
  let clock: ManualClock;
  let threads: readonly TaskThreadInfo[] = [];
  // Counted by the tasks themselves: a partition's function that returned, or threw.
  let succeeded = 0;
  let failed = 0;

  beforeAll(async () => {
    ({ ssc, clock } = createManualContext({
      conf: { 'spark.ui.enabled': 'true', 'spark.ui.port': '0' },
    }));
    const queue = [
      ssc.sparkContext.parallelize([1, 2, 3, 4, 5, 6], 3),
      ssc.sparkContext.parallelize([7, 8, 9, 10], 2),
      ssc.sparkContext.parallelize([11, 12, 13], 3),
    ];
    ssc.queueStream(queue).foreachRDD(async (rdd) => {
      await rdd.foreachPartition((items) => {
        // The partition holding 9 fails its task (and its batch).
        if ([...items].includes(9)) {
          failed++;
          throw new Error('task failed on purpose');
        }
        succeeded++;
      });
    });
    ssc.addStreamingListener({ onTaskThreadsUpdated: (e) => (threads = e.threads) });
    await ssc.start();
    await clock.advance(3000);
  });

  afterAll(async () => {
    await ssc.stop();
  });

  it('counts the tasks the driver ran and the one that failed', () => {
    expect(failed).toBe(1);
    expect(threads).toEqual([
      { thread: 'driver', status: 'idle', tasksSucceeded: succeeded, tasksFailed: 1, restarts: 0 },
    ]);
  });

  it('serves them in the JSON API, in /metrics and in the panel', async () => {
    expect(await getJson(`${await appUrl(ssc)}/streaming/dstream/threads`)).toEqual([
      {
        id: 'driver',
        status: 'idle',
        completedTasks: succeeded,
        failedTasks: 1,
        totalTasks: succeeded + 1,
        restarts: 0,
      },
    ]);
    const name = 'dstream_streaming_task_threads_tasks_total';
    expect(await metric(ssc, name, { thread: 'driver', result: 'succeeded' })).toBe(succeeded);
    expect(await metric(ssc, name, { thread: 'driver', result: 'failed' })).toBe(1);
    const html = taskThreadsPanel(threads);
    expect(html).toMatch(/^<section id="task-threads">/);
    expect(html).toContain(
      `<tr><td>driver</td><td>${succeeded + 1}</td><td>1</td><td>idle</td></tr>`,
    );
  });
});

describe('configuration in force', () => {
  let ssc: StreamingContext;

  beforeAll(async () => {
    ({ ssc } = createManualContext({
      conf: {
        'spark.ui.enabled': 'true',
        'spark.ui.port': '0',
        'spark.dstream.note': SCRIPT,
        'not.spark.setting': 'hidden',
      },
    }));
    ssc.queueStream<number>([]).foreachRDD(() => undefined);
    await ssc.start();
  });

  afterAll(async () => {
    await ssc.stop();
  });

  it("lists every spark.* setting, sorted, with the application's name, master and id", async () => {
    const app = await appUrl(ssc);
    const json = (await getJson(`${app}/streaming/dstream/configuration`)) as {
      sparkProperties: [string, string][];
    };
    const keys = json.sparkProperties.map(([k]) => k);
    expect(keys).toEqual([...keys].sort());
    expect(keys).not.toContain('not.spark.setting');
    expect(Object.fromEntries(json.sparkProperties)).toMatchObject({
      'spark.app.id': app.slice(app.lastIndexOf('/') + 1),
      'spark.app.name': 'dstream-test',
      'spark.master': 'local[2]',
      'spark.ui.enabled': 'true',
      'spark.dstream.note': SCRIPT,
    });
  });

  it('renders values as text, never as markup', async () => {
    const json = (await getJson(`${await appUrl(ssc)}/streaming/dstream/configuration`)) as {
      sparkProperties: [string, string][];
    };
    const html = configurationPanel(json.sparkProperties);
    expect(html).toMatch(/^<section id="configuration">/);
    expect(html).not.toContain('<script>');
    expect(html).toContain(
      '<tr><td>spark.dstream.note</td><td>&lt;script&gt;alert(1)&lt;/script&gt;</td></tr>',
    );
  });
  it('shows the panels on /streaming/: state and task threads before the batch tables, the settings after', async () => {
    const page = await (await fetch(`${ssc.uiWebUrl!}/streaming/`)).text();
    const at = (marker: string) => {
      const i = page.indexOf(marker);
      expect(i, marker).toBeGreaterThan(-1);
      return i;
    };
    expect(at('<section id="state-operators">')).toBeLessThan(at('<table id="completed-batches"'));
    expect(at('<section id="task-threads">')).toBeLessThan(at('<table id="completed-batches"'));
    expect(at('<section id="configuration">')).toBeGreaterThan(at('<table id="completed-batches"'));
    expect(page).toContain(
      '<td>spark.dstream.note</td><td>&lt;script&gt;alert(1)&lt;/script&gt;</td>',
    );
  });
});

describe('panels', () => {
  it("formats bytes as Spark's bytesToString", () => {
    expect(formatBytes(1500)).toBe('1500.0 B');
    expect(formatBytes(3000)).toBe('2.9 KiB');
    expect(formatBytes(64 * 2 ** 20)).toBe('64.0 MiB');
  });

  it('say when there is nothing to show yet', () => {
    const none: StateOperatorRow[] = [];
    expect(stateOperatorsPanel(none, 1000)).toContain('<p>No stateful operator');
    expect(taskThreadsPanel([])).toContain('<p>No batch has completed yet.</p>');
  });
});
