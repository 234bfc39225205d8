// The /streaming/ page of the running application of test/support/ui-scenario.ts (two batches
// completed, one running, one waiting): Spark's header, the statistics table whose timelines,
// histograms and averages hold what the listener saw (and what the JSON API says), the input
// streams, the three batch tables, and every text the application controls escaped.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setLogLevel, type BatchInfo } from 'dstream';
import { FAILURE, startScenario, type Scenario } from './support/ui-scenario.js';
import { attr, bodyRows, element, elements, text } from './support/html.js';

let s: Scenario;
let page: string;
let res: Response;
let stats: Record<string, number>;

beforeAll(async () => {
  setLogLevel('OFF');
  s = await startScenario();
  res = await fetch(`${s.url}/streaming/`);
  page = await res.text();
  const [app] = (await (await fetch(`${s.url}/api/v1/applications`)).json()) as { id: string }[];
  const api = `${s.url}/api/v1/applications/${app!.id}/streaming`;
  stats = (await (await fetch(`${api}/statistics`)).json()) as Record<string, number>;
});

afterAll(async () => {
  await s.finish();
  await s.ssc.stop();
});

/** Every batch the listener saw (all are retained here), oldest first. */
const batches = (): BatchInfo[] =>
  [...s.seen.latest.values()].sort((a, b) => a.batchTime.milliseconds - b.batchTime.milliseconds);

/** `[batch ms, value]` of each batch that has the value. */
function series(f: (b: BatchInfo) => number | undefined): [number, number][] {
  return batches().flatMap((b) => {
    const v = f(b);
    return v === undefined ? [] : [[b.batchTime.milliseconds, v] as [number, number]];
  });
}

/** The points of the first `svg.timeline` of some HTML: `[batch ms, value]`. */
function points(html: string): [number, number][] {
  const svg = element(html, 'svg', 'class="timeline"');
  return elements(svg, 'circle').map((c) => [
    Number(attr(c, 'data-batch-time')),
    Number(attr(c, 'data-value')),
  ]);
}

const row = (metric: string) => element(page, 'tr', `data-metric="${metric}"`);

describe('/streaming/', () => {
  it('is an HTML page that may run only the script of the package', () => {
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const policy = res.headers.get('content-security-policy')!;
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("script-src 'self'");
    expect(policy).not.toContain('unsafe-inline');
    // The one script is the package's; nothing inline.
    expect([...page.matchAll(/<script\b[^>]*>/g)].map((m) => m[0])).toEqual([
      '<script src="/static/streaming-ui.js" defer></script>'.replace('</script>', ''),
    ]);
    expect(page).toMatch(/<script src="\/static\/streaming-ui.js" defer><\/script>/);
    expect(page).not.toMatch(/ style="/);
    expect(page).toContain('<link rel="stylesheet" href="/static/streaming-ui.css">');
  });

  it('refreshes every batch interval and says when it was rendered', () => {
    const body = /<body[^>]*>/.exec(page)![0];
    expect(attr(body, 'data-refresh')).toBe('1000');
    expect(Number(attr(body, 'data-updated'))).toBeGreaterThan(0);
  });

  it("shows Spark's header with the completed batches and records the listener saw", () => {
    const completed = s.seen.completed.size;
    const records = batches()
      .filter((b) => b.processingStartTime !== undefined)
      .reduce((n, b) => n + b.numRecords, 0);
    // "Running for" is measured on the context's clock, which gave the listener its start time.
    const runningMs = s.clock.now() - s.seen.startTime!;
    expect(runningMs).toBeGreaterThanOrEqual(1000);
    expect(runningMs).toBeLessThan(60_000);
    const seconds = Math.floor(runningMs / 1000);
    expect(text(element(page, 'p', 'id="header"'))).toMatch(
      new RegExp(
        `^Running batches of 1 second for ${seconds} seconds? since .+ \\(${completed} completed batches, ${records} records\\)$`,
      ),
    );
  });

  it('counts the batches in the timelines caption', () => {
    const caption = text(element(page, 'caption', ''));
    expect(caption).toBe(
      `Timelines (Last ${s.seen.latest.size} batches, ${s.seen.latest.size - s.seen.completed.size} active, ${s.seen.completed.size} completed)`,
    );
  });

  it('draws a point per batch on each timeline, with the values of the listener', () => {
    expect(points(row('input-rate'))).toEqual(series((b) => (b.numRecords * 1000) / 1000));
    expect(points(row('scheduling-delay'))).toEqual(series((b) => b.schedulingDelay));
    expect(points(row('processing-time'))).toEqual(series((b) => b.processingDelay));
    expect(points(row('total-delay'))).toEqual(series((b) => b.totalDelay));
    // Each point has a tooltip and leads to its batch.
    const first = elements(element(row('total-delay'), 'svg', 'timeline'), 'a')[0]!;
    expect(attr(first, 'href')).toBe(`/streaming/batch/?id=${series((b) => b.totalDelay)[0]![0]}`);
    expect(first).toMatch(/<title>[^<]+ ms<\/title>/);
  });

  it('counts every point in the histogram beside it', () => {
    for (const metric of ['input-rate', 'scheduling-delay', 'processing-time', 'total-delay']) {
      const histogram = element(row(metric), 'svg', 'class="histogram"');
      const counts = elements(histogram, 'rect', 'class="bar"').map((b) =>
        Number(attr(b, 'data-count')),
      );
      expect(counts.every((c) => c > 0)).toBe(true);
      expect(
        counts.reduce((a, b) => a + b, 0),
        metric,
      ).toBe(points(row(metric)).length);
    }
    // Each bar holds the batches whose value is in its bucket (its tooltip says which).
    for (const metric of ['scheduling-delay', 'processing-time', 'total-delay']) {
      const values = points(row(metric)).map(([, v]) => v);
      const bars = elements(element(row(metric), 'svg', 'histogram'), 'rect', 'class="bar"');
      for (const bar of bars) {
        const [, low, high] = /: ([\d.]+) ms to ([\d.]+) ms/.exec(text(bar))!;
        const inside = values.filter((v) => v >= Number(low) && v < Number(high));
        expect(inside.length, `${metric} ${text(bar)}`).toBe(Number(attr(bar, 'data-count')));
      }
    }
  });

  it("averages as the JSON API's statistics, in Spark's words", () => {
    const avg = (metric: string) => text(element(row(metric), 'div', 'class="avg"'));
    expect(avg('input-rate')).toBe(`Avg: ${stats.avgInputRate!.toFixed(2)} events/sec`);
    // The delays are all under a second: the graphs' unit is ms.
    expect(Math.max(...series((b) => b.totalDelay).map(([, v]) => v))).toBeLessThan(1000);
    expect(avg('scheduling-delay')).toBe(`Avg: ${stats.avgSchedulingDelay} ms`);
    expect(avg('processing-time')).toBe(`Avg: ${stats.avgProcessingTime} ms`);
    expect(avg('total-delay')).toBe(`Avg: ${stats.avgTotalDelay} ms`);
  });

  it('draws the batch interval on the processing-time timeline, on the axis the delays share', () => {
    const line = elements(row('processing-time'), 'line', 'class="batch-interval"');
    expect(line).toHaveLength(1);
    expect(text(line[0]!)).toBe('batch interval 1 s');
    for (const metric of ['input-rate', 'scheduling-delay', 'total-delay'])
      expect(row(metric)).not.toContain('batch-interval');
    // One axis for the three delay graphs: the same ticks, in ms.
    const ticks = (metric: string) => element(element(row(metric), 'svg', 'timeline'), 'g', 'y');
    expect(ticks('scheduling-delay')).toBe(ticks('processing-time'));
    expect(ticks('total-delay')).toBe(ticks('processing-time'));
    expect(text(ticks('total-delay'))).toMatch(/^ms 0 250 500 750 1000$/);
  });

  it('lists every input stream with its receiver, its last error (cut as Spark) and its rates', () => {
    const receivers = element(row('input-rate'), 'details', 'id="receivers"');
    const received = [...s.seen.receivers.values()][0]!;
    const rows = elements(receivers, 'tr', 'data-stream-id=');
    expect(rows.map((r) => attr(r, 'data-stream-id'))).toEqual(['0', '1']);
    const [receiverRow, queueRow] = rows.map((r) => elements(r.slice(r.indexOf('>') + 1), 'td'));
    const error = `${received.lastErrorMessage} - ${received.lastError}`;
    expect(error.length).toBeGreaterThan(100);
    expect(receiverRow!.map(text).slice(1, 5)).toEqual([
      'ACTIVE',
      `${received.executorId} / ${received.location}`,
      expect.stringMatching(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d$/),
      `${error.slice(0, 97)}...`.replace(/\s+/g, ' '),
    ]);
    // The error's HTML is text.
    expect(receiverRow![4]).toContain('line &lt;b&gt;7&lt;/b&gt;');
    expect(text(queueRow![1]!)).toBe('-');
    for (const [i, id] of [0, 1].entries()) {
      expect(points(rows[i]!)).toEqual(
        series((b) => b.streamIdToInputInfo.get(id)?.numRecords ?? 0),
      );
    }
    expect(text(row('input-rate'))).toContain('Receivers: 1 / 1 active');
  });

  it('lists the running, waiting and completed batches newest first, each linking to its page', () => {
    const times = (id: string) =>
      elements(element(page, 'table', `id="${id}"`), 'tr', 'data-batch-time=').map((r) =>
        Number(attr(r, 'data-batch-time')),
      );
    const done = [...s.seen.completed.keys()].sort((a, b) => b - a);
    const active = batches().filter((b) => !s.seen.completed.has(b.batchTime.milliseconds));
    const running = active.filter((b) => b.processingStartTime !== undefined);
    const waiting = active.filter((b) => b.processingStartTime === undefined);
    expect(times('completed-batches')).toEqual(done);
    expect(times('running-batches')).toEqual(running.map((b) => b.batchTime.milliseconds));
    expect(times('waiting-batches')).toEqual(waiting.map((b) => b.batchTime.milliseconds));
    expect(page).toContain(`<h2 id="running">Running Batches (${running.length})</h2>`);
    expect(page).toContain(`<h2 id="waiting">Waiting Batches (${waiting.length})</h2>`);
    expect(page).toContain(
      `<h2 id="completed">Completed Batches (last ${done.length} out of ${done.length})</h2>`,
    );
    for (const t of done) expect(page).toContain(`<td><a href="/streaming/batch/?id=${t}">`);
    expect(bodyRows(element(page, 'table', 'id="running-batches"'))[0]!.at(-1)).toBe('processing');
    expect(bodyRows(element(page, 'table', 'id="waiting-batches"'))[0]!.slice(2)).toEqual([
      '-',
      '-',
      '0/2',
      'queued',
    ]);
  });

  it('shows the completed batches as the listener saw them, with an Error column', () => {
    const table = element(page, 'table', 'id="completed-batches"');
    const seen = [...s.seen.completed.values()].reverse();
    const rows = bodyRows(table);
    expect(rows.map((r) => r[1])).toEqual(seen.map((b) => `${b.numRecords} records`));
    const failed = (b: BatchInfo) =>
      [...b.outputOperationInfos.values()].filter((o) => o.failureReason !== undefined).length;
    expect(rows.map((r) => r[5])).toEqual(
      seen.map((b) => {
        const ops = b.outputOperationInfos.size;
        const n = failed(b);
        return n > 0 ? `${ops - n}/${ops} (${n} failed)` : `${ops}/${ops}`;
      }),
    );
    expect(table).toContain('<th>Error</th>');
    expect(rows[1]![6]).toBe('-');
    expect(rows[0]![6]).toContain('bad <script>alert(1)</script> row');
  });

  it('escapes an error message: the <script> in it is text, never markup', () => {
    expect(FAILURE).toContain('<script>');
    expect(page).not.toContain('<script>alert');
    expect(page).toContain('bad &lt;script&gt;alert(1)&lt;/script&gt; row');
  });

  it('leaves out what Spark shows only when there is something: no paging for one page', () => {
    expect(page).not.toContain('class="paging"');
  });

  it('is where / leads', async () => {
    const root = await fetch(`${s.url}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/streaming/');
  });
});
