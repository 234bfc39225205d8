// /streaming/ in Chromium on an application with a stateful operator and more completed batches
// than a small page: the completed table paged by completed.page / completed.pageSize (the
// nav.paging links followed by clicking), #state-operators with the key count the test knows,
// and the live update: a batch completed after the page opened shows without a reload, and an
// opened <details> stays open.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { setLogLevel, type BatchInfo, type RDD, type StreamingContext } from 'dstream';
import { createManualContext, type ManualClock } from 'dstream/testing';
import {
  browserReason,
  launchBrowser,
  openWindow,
  skipBrowser,
  type Window,
} from './support/browser.js';
import { api, attributes, newestFirst, sparkBatchTime, tableCells } from './support/ui-pages.js';

/** The words of each batch; the state counts every word, so its keys are the distinct words. */
const BATCHES = [['a', 'b'], ['b', 'c'], ['d'], ['a', 'e'], ['f'], ['g', 'a']];
const PAGE_SIZE = 2;

/** Spark's `Utils.bytesToString`: the largest binary unit the size is at least two of. */
function sparkBytes(bytes: number): string {
  const units = ['KiB', 'MiB', 'GiB'].map((u, i) => [u, 2 ** (10 * (i + 1))] as const).reverse();
  const [unit, size] = units.find(([, size]) => bytes >= 2 * size) ?? ['B', 1];
  return `${(bytes / size).toFixed(1)} ${unit}`;
}

describe.skipIf(skipBrowser)(
  `/streaming/ in Chromium, paged and live${skipBrowser ? ` (skipped: ${browserReason})` : ''}`,
  () => {
    let dir: string;
    let ssc: StreamingContext;
    let clock: ManualClock;
    let url: string;
    let browser: Browser;
    let queue: RDD<string>[];
    const completed = new Map<number, BatchInfo>();
    const words = new Set<string>();

    /** Queues `batch` and lets the clock run one batch interval, to its completion. */
    async function runBatch(batch: string[]): Promise<void> {
      queue.push(ssc.sparkContext.parallelize(batch, 2));
      for (const word of batch) words.add(word);
      await clock.advance(1000);
    }

    beforeAll(async () => {
      setLogLevel('OFF');
      dir = await mkdtemp(join(tmpdir(), 'dstream-ui-browser-live-'));
      ({ ssc, clock } = createManualContext({
        master: 'local[2]',
        conf: { 'spark.ui.enabled': 'true', 'spark.ui.port': '0' },
        checkpointDir: join(dir, 'state'),
      }));
      queue = [];
      ssc
        .queueStream(queue, true)
        .map((w) => [w, 1] as const)
        .updateStateByKey((ones: number[], n: number | undefined) =>
          ones.reduce((a, b) => a + b, n ?? 0),
        )
        .foreachRDD(async (rdd) => void (await rdd.count()));
      ssc.addStreamingListener({
        onBatchCompleted: (e) => completed.set(e.batchInfo.batchTime.milliseconds, e.batchInfo),
      });
      await ssc.start();
      url = ssc.uiWebUrl!;
      for (const batch of BATCHES) await runBatch(batch);
      browser = await launchBrowser();
    });

    afterAll(async () => {
      await browser?.close();
      await ssc?.stop();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    describe('paging of the completed batches', () => {
      let w: Window;
      beforeAll(async () => {
        w = await openWindow(browser, 1600);
      });
      afterAll(async () => {
        await w?.page.context().close();
      });

      it('shows every completed batch on exactly one page, following the Next links', async () => {
        const expected = newestFirst(completed.values()).map((b) => b.batchTime.milliseconds);
        const pages = Math.ceil(expected.length / PAGE_SIZE);
        expect(pages).toBeGreaterThan(2);
        await w.page.goto(`${url}/streaming/?completed.pageSize=${PAGE_SIZE}`);
        const shown: number[][] = [];
        for (let page = 1; ; page++) {
          const times = (
            await attributes(
              w,
              'table#completed-batches tbody tr[data-batch-time]',
              'data-batch-time',
            )
          ).map(Number);
          shown.push(times);
          const nav = w.page
            .locator('nav.paging')
            .filter({ has: w.page.locator('.of') })
            .last();
          expect(await nav.locator('.of').innerText()).toBe(`Page ${page} of ${pages}`);
          const next = nav.getByRole('link', { name: 'Next page' });
          if ((await next.count()) === 0) break;
          await next.click();
          await w.page.waitForURL(new RegExp(`completed\\.page=${page + 1}`));
        }
        expect(shown).toHaveLength(pages);
        expect(shown.every((p) => p.length <= PAGE_SIZE)).toBe(true);
        expect(shown.flat()).toEqual(expected);
      });

      it('links each row to its batch page from the first cell, and a page link leads back', async () => {
        await w.page.goto(`${url}/streaming/?completed.pageSize=${PAGE_SIZE}&completed.page=2`);
        const rows = w.page.locator('table#completed-batches tbody tr');
        for (const row of await rows.all()) {
          const ms = await row.getAttribute('data-batch-time');
          expect(await row.locator('td').first().locator('a').getAttribute('href')).toBe(
            `/streaming/batch/?id=${ms}`,
          );
        }
        await w.page.locator('nav.paging').last().getByRole('link', { name: 'Page 1' }).click();
        await w.page.waitForURL(/completed\.page=1/);
        const first = newestFirst(completed.values())[0]!.batchTime.milliseconds;
        expect(await rows.first().getAttribute('data-batch-time')).toBe(String(first));
      });
    });

    describe('#state-operators', () => {
      it('shows the stateful operator with the keys the test knows and the size the API reports', async () => {
        const w = await openWindow(browser, 1600);
        try {
          await w.page.goto(`${url}/streaming/`);
          const state = await api<
            {
              name: string;
              numKeys: number;
              approximateBytes: number;
              lastUpdatedBatchTime: number;
            }[]
          >(url, 'streaming/dstream/state');
          expect(state.map((op) => op.numKeys)).toEqual([words.size]);
          expect(await w.page.locator('#state-operators h2').innerText()).toBe(
            'State (1 stateful operators)',
          );
          const rows = await tableCells(w, '#state-operators');
          expect(rows).toHaveLength(1);
          expect(rows[0]![0]).toBe(state[0]!.name);
          expect(rows[0]![0]).toMatch(
            /^updateStateByKey at streaming-ui-browser-live\.test\.ts:\d+$/,
          );
          expect(rows[0]![1]).toBe(String(words.size));
          expect(rows[0]![2]).toBe(sparkBytes(state[0]!.approximateBytes));
          expect(rows[0]![3]).toBe(sparkBatchTime(Math.max(...completed.keys())));
        } finally {
          await w.page.context().close();
        }
      });
    });

    describe('live updates', () => {
      it('refreshes every batch interval, within 1 to 10 s', async () => {
        const w = await openWindow(browser, 1600);
        try {
          await w.page.goto(`${url}/streaming/`);
          const { batchDuration } = await api<{ batchDuration: number }>(
            url,
            'streaming/statistics',
          );
          const refresh = Number(await w.page.locator('body').getAttribute('data-refresh'));
          expect(refresh).toBe(Math.min(10_000, Math.max(1000, batchDuration)));
        } finally {
          await w.page.context().close();
        }
      });

      it('shows a batch completed after the page opened without a reload, keeping an opened <details> open', async () => {
        const w = await openWindow(browser, 1600);
        try {
          await w.page.goto(`${url}/streaming/`);
          // A mark on the window: a reload would lose it.
          await w.page.evaluate('window.__sameDocument = true');
          await w.page.locator('#receivers > summary').click();
          const updated = await w.page.locator('body').getAttribute('data-updated');
          const before = completed.size;
          await runBatch(['h', 'i']);
          expect(completed.size).toBe(before + 1);
          const ms = Math.max(...completed.keys());
          await w.page
            .locator(`table#completed-batches tr[data-batch-time="${ms}"]`)
            .waitFor({ timeout: 30_000 });
          expect(await w.page.locator('body').getAttribute('data-updated')).not.toBe(updated);
          expect(await w.page.evaluate('window.__sameDocument')).toBe(true);
          const first = await tableCells(w, 'table#completed-batches');
          expect(first[0]!.slice(0, 2)).toEqual([
            sparkBatchTime(ms),
            `${completed.get(ms)!.numRecords} records`,
          ]);
          expect(
            await w.page
              .locator(
                `tr[data-metric=processing-time] svg.timeline circle[data-batch-time="${ms}"]`,
              )
              .count(),
          ).toBe(1);
          expect(await w.page.locator('#header').innerText()).toContain(
            `(${completed.size} completed batches,`,
          );
          expect(await w.page.locator('#receivers').getAttribute('open')).not.toBeNull();
          expect(w.errors).toEqual([]);
        } finally {
          await w.page.context().close();
        }
      });
    });
  },
);
