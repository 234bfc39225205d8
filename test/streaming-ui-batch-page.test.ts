// The batch page, /streaming/batch/?id=<batch ms>: Spark's summary, input metadata and output
// operations of a completed, a running and a waiting batch of test/support/ui-scenario.ts, as
// the listener saw them; Spark's 400 and 404. Input metadata: streaming-ui-input-metadata.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setLogLevel, type BatchInfo, type OutputOperationInfo } from 'dstream';
import { FAILURE, startScenario, type Scenario } from './support/ui-scenario.js';
import { attr, element, elements, text } from './support/html.js';
import { formatBatchTime, formatDuration } from '../src/ui/pages/format.js';

let s: Scenario;

beforeAll(async () => {
  setLogLevel('OFF');
  s = await startScenario();
});

afterAll(async () => {
  await s.finish();
  await s.ssc.stop();
});

async function batchPage(id: number | string): Promise<{ status: number; html: string }> {
  const res = await fetch(`${s.url}/streaming/batch/?id=${id}`);
  return { status: res.status, html: await res.text() };
}

const duration = (ms: number | undefined) => (ms === undefined ? '-' : formatDuration(ms));

/** What the summary must say of a batch the listener saw. */
function summary(b: BatchInfo, status: string): string[] {
  return [
    'Batch Duration: 1 s',
    `Input data size: ${b.numRecords} records`,
    `Scheduling delay: ${duration(b.schedulingDelay)}`,
    `Processing time: ${duration(b.processingDelay)}`,
    `Total delay: ${duration(b.totalDelay)}`,
    `Status: ${status}`,
  ];
}

/** The status of an output operation, from the events the listener saw (none: not started). */
function opStatus(op: OutputOperationInfo | undefined): string {
  if (op === undefined || op.startTime === undefined) return 'Queued';
  if (op.failureReason !== undefined) return 'Failed';
  return op.endTime === undefined ? 'Running' : 'Succeeded';
}

function operations(html: string): { id: string; cells: string[] }[] {
  const table = element(html, 'table', 'id="output-operations"');
  return elements(table, 'tr', 'data-output-op-id=').map((r) => ({
    id: attr(r, 'data-output-op-id')!,
    cells: elements(r.slice(r.indexOf('>') + 1), 'td').map(text),
  }));
}

describe('/streaming/batch/', () => {
  it('shows a completed batch: its durations, records and output operations with their errors', async () => {
    const [time, info] = [...s.seen.completed].find(([, b]) => b.failureReason !== undefined)!;
    const { status, html } = await batchPage(time);
    expect(status).toBe(200);
    const title = `Details of batch at ${formatBatchTime(time, 1000)}`;
    expect(html).toContain(`<title>`);
    expect(text(element(html, 'title', ''))).toMatch(new RegExp(`- ${title}$`));
    expect(text(element(html, 'h1', ''))).toBe(title);
    const items = elements(element(html, 'ul', 'id="batch-summary"'), 'li').map(text);
    expect(items).toEqual(summary(info, 'Completed'));
    const ops = operations(html);
    expect(ops.map((o) => o.id)).toEqual(['0', '1']);
    for (const { id, cells } of ops) {
      const op = s.seen.ops.get(`${time}/${id}`)!;
      expect(cells[0]).toBe(id);
      expect(cells[1]).toContain(op.name);
      expect(cells[2]).toBe(duration(op.duration));
      expect(cells[3]).toBe(opStatus(op));
      if (op.failureReason === undefined) expect(cells[4]).toBe('-');
      else expect(cells[4]).toContain(FAILURE);
    }
    // No stream of the scenario describes its input: no metadata table.
    expect(html).not.toContain('id="input-metadata"');
    // The failure is text.
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('bad &lt;script&gt;alert(1)&lt;/script&gt; row');
  });

  it('shows the running batch, its operations running or queued', async () => {
    const running = [...s.seen.latest.values()].find(
      (b) => b.processingStartTime !== undefined && !s.seen.completed.has(b.batchTime.milliseconds),
    )!;
    const time = running.batchTime.milliseconds;
    const { status, html } = await batchPage(time);
    expect(status).toBe(200);
    expect(elements(element(html, 'ul', 'batch-summary'), 'li').map(text)).toEqual(
      summary(running, 'Processing'),
    );
    const statuses = operations(html).map((o) => o.cells[3]);
    expect(statuses).toEqual(['0', '1'].map((id) => opStatus(s.seen.ops.get(`${time}/${id}`))));
    expect(statuses).toContain('Running');
  });

  it('shows the waiting batch, nothing of it started', async () => {
    const waiting = [...s.seen.latest.values()].find((b) => b.processingStartTime === undefined)!;
    const { status, html } = await batchPage(waiting.batchTime.milliseconds);
    expect(status).toBe(200);
    expect(elements(element(html, 'ul', 'batch-summary'), 'li').map(text)).toEqual(
      summary(waiting, 'Queued'),
    );
    expect(operations(html).map((o) => [o.cells[2], o.cells[3]])).toEqual([
      ['-', 'Queued'],
      ['-', 'Queued'],
    ]);
  });

  it("answers Spark's messages: 400 without an id, 404 for a batch it does not have", async () => {
    const missing = await batchPage('');
    expect(missing.status).toBe(400);
    expect(text(element(missing.html, 'p', 'id="message"'))).toBe('Missing id parameter');
    const bad = await batchPage('<b>');
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('&lt;b&gt;');
    const unknown = await batchPage(999);
    expect(unknown.status).toBe(404);
    expect(text(element(unknown.html, 'p', 'id="message"'))).toBe(
      `Batch ${formatBatchTime(999, 1000)} does not exist`,
    );
  });

  it('is also at /streaming/batch, without the slash', async () => {
    const res = await fetch(`${s.url}/streaming/batch?id=1000`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/streaming/batch/?id=1000');
  });
});
