// The batch tables of /streaming/ page by page (Spark's paged tables: `<table>.page` and
// `<table>.pageSize`, 100 rows by default), newest first; only the last
// spark.streaming.ui.retainedBatches completed batches are kept, and the batch page of one that
// was let go is a 404.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setLogLevel, type StreamingContext } from 'dstream';
import { createManualContext, TestInputStream } from 'dstream/testing';
import { attr, element, elements, text } from './support/html.js';

const BATCHES = 105;
const RETAINED = 102;
let ssc: StreamingContext;
let completed: number[];

beforeAll(async () => {
  setLogLevel('OFF');
  const made = createManualContext({
    conf: {
      'spark.ui.enabled': 'true',
      'spark.ui.port': '0',
      'spark.streaming.ui.retainedBatches': String(RETAINED),
    },
  });
  ssc = made.ssc;
  const input = Array.from({ length: BATCHES }, (_, i) => [i]);
  new TestInputStream(ssc, input, 1).foreachRDD(() => {});
  completed = [];
  ssc.addStreamingListener({
    onBatchCompleted: (e) => completed.push(e.batchInfo.batchTime.milliseconds),
  });
  await ssc.start();
  await made.clock.advance(BATCHES * 1000);
});

afterAll(async () => {
  await ssc.stop();
});

async function page(query: string): Promise<{ status: number; html: string }> {
  const res = await fetch(`${ssc.uiWebUrl!}/streaming/?${query}`);
  return { status: res.status, html: await res.text() };
}

const shown = (html: string): number[] =>
  elements(element(html, 'table', 'id="completed-batches"'), 'tr', 'data-batch-time=').map((r) =>
    Number(attr(r, 'data-batch-time')),
  );

/** The retained completed batches, newest first, as the listener saw them. */
const retained = (): number[] => completed.slice(-RETAINED).reverse();

describe('batch tables, paged', () => {
  it('shows the newest 100 completed batches first, with links to the other pages', async () => {
    expect(completed).toHaveLength(BATCHES);
    const { html } = await page('');
    expect(shown(html)).toEqual(retained().slice(0, 100));
    expect(html).toContain(
      `<h2 id="completed">Completed Batches (last ${RETAINED} out of ${BATCHES})</h2>`,
    );
    const nav = element(html, 'nav', 'class="paging"');
    expect(attr(elements(nav, 'a', 'aria-label="Next page"')[0]!, 'href')).toBe(
      '?completed.page=2#completed',
    );
    expect(text(nav)).toContain('Page 1 of 2');
  });

  it('shows the next page, keeping the other parameters in its links', async () => {
    const { html } = await page('completed.page=2&running.page=1');
    expect(shown(html)).toEqual(retained().slice(100));
    const nav = element(html, 'nav', 'class="paging"');
    expect(attr(elements(nav, 'a', 'aria-label="Previous page"')[0]!, 'href')).toBe(
      '?completed.page=1&running.page=1#completed',
    );
  });

  it('takes a page size, and shows the last page for a page past the end', async () => {
    expect(shown((await page('completed.pageSize=10&completed.page=3')).html)).toEqual(
      retained().slice(20, 30),
    );
    expect(shown((await page('completed.pageSize=40&completed.page=9')).html)).toEqual(
      retained().slice(80),
    );
  });

  it('answers 400 to a page that is not a whole number from 1', async () => {
    for (const query of ['completed.page=0', 'completed.pageSize=ten', 'waiting.page=-1']) {
      const { status, html } = await page(query);
      expect(status, query).toBe(400);
      expect(text(element(html, 'p', 'id="message"'))).toMatch(/must be a whole number from 1 up/);
    }
  });

  it('keeps the batch page of retained batches only', async () => {
    const kept = retained().at(-1)!;
    const dropped = completed[0]!;
    expect((await fetch(`${ssc.uiWebUrl!}/streaming/batch/?id=${kept}`)).status).toBe(200);
    expect((await fetch(`${ssc.uiWebUrl!}/streaming/batch/?id=${dropped}`)).status).toBe(404);
  });
});
