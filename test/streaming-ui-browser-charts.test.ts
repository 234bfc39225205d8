// /streaming/ in Chromium, on the running application of test/support/ui-scenario.ts: the
// statistics table's timelines, histograms and averages, the receivers, the running and waiting
// batches, the task threads and the configuration, each against what the test's listener saw
// (BatchInfo, ReceiverInfo) or the JSON API's `statistics`, never hard-coded numbers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { setLogLevel, type BatchInfo } from 'dstream';
import {
  browserReason,
  launchBrowser,
  openWindow,
  skipBrowser,
  type Window,
} from './support/browser.js';
import { startScenario, type Scenario } from './support/ui-scenario.js';
import { api, attributes, sparkBatchTime, tableCells, timelinePoints } from './support/ui-pages.js';

interface Statistics {
  batchDuration: number;
  numActiveBatches: number;
  numRetainedCompletedBatches: number;
  avgInputRate: number;
  avgSchedulingDelay: number;
  avgProcessingTime: number;
  avgTotalDelay: number;
}

/** Each metric's value of a batch, as its BatchInfo gives it (`undefined`: none yet). */
const METRICS: Record<string, (b: BatchInfo, intervalMs: number) => number | undefined> = {
  'input-rate': (b, interval) => b.numRecords / (interval / 1000),
  'scheduling-delay': (b) => b.schedulingDelay,
  'processing-time': (b) => b.processingDelay,
  'total-delay': (b) => b.totalDelay,
};

describe.skipIf(skipBrowser)(
  `/streaming/ in Chromium${skipBrowser ? ` (skipped: ${browserReason})` : ''}`,
  () => {
    let s: Scenario;
    let browser: Browser;
    let w: Window;
    let stats: Statistics;
    /** The retained batches as the listener last saw them, oldest first. */
    let retained: BatchInfo[];

    beforeAll(async () => {
      setLogLevel('OFF');
      s = await startScenario();
      browser = await launchBrowser();
      stats = await api<Statistics>(s.url, 'streaming/statistics');
      retained = [...s.seen.latest.values()].sort(
        (a, b) => a.batchTime.milliseconds - b.batchTime.milliseconds,
      );
      w = await openWindow(browser, 1600);
      expect((await w.page.goto(`${s.url}/streaming/`))?.status()).toBe(200);
    });

    afterAll(async () => {
      await w?.page.context().close();
      await browser?.close();
      await s?.finish();
      await s?.ssc.stop();
    });

    describe('the charts', () => {
      it('#stat-table caption counts the retained, active and completed batches the listener saw', async () => {
        const completed = s.seen.completed.size;
        const active = retained.length - completed;
        expect(active).toBeGreaterThan(0);
        const caption = await w.page.locator('#stat-table caption').innerText();
        expect(caption).toMatch(
          new RegExp(
            `^Timelines \\(Last ${retained.length} batches, ${active} active, ${completed} completed\\)`,
          ),
        );
      });

      it('has one row per metric, each with a timeline, a histogram and an average', async () => {
        for (const metric of Object.keys(METRICS)) {
          const row = w.page.locator(`#stat-table > tbody > tr[data-metric=${metric}]`);
          expect(await row.count(), metric).toBe(1);
          expect(await row.locator(':scope > td > svg.timeline').count(), metric).toBe(1);
          expect(await row.locator(':scope > td > svg.histogram').count(), metric).toBe(1);
          expect(await row.locator(':scope > td.metric .avg').count(), metric).toBe(1);
        }
      });

      it("each timeline has a circle per batch with a value, at its batch time and its BatchInfo's value, with a title", async () => {
        for (const [metric, value] of Object.entries(METRICS)) {
          const svg = `tr[data-metric=${metric}] > td > svg.timeline`;
          const expected = retained
            .map((b) => [b.batchTime.milliseconds, value(b, stats.batchDuration)] as const)
            .filter((p): p is [number, number] => p[1] !== undefined);
          expect(expected.length, metric).toBeGreaterThan(0);
          expect(await timelinePoints(w, svg), metric).toEqual(expected);
          const titles = await w.page.locator(`${svg} circle > title`).allTextContents();
          expect(titles.map((t) => t.split(': ')[0])).toEqual(
            expected.map(([ms]) => sparkBatchTime(ms)),
          );
        }
      });

      it("each average reads as Spark writes it and is the JSON API's statistics", async () => {
        const avg = (metric: string) =>
          w.page.locator(`tr[data-metric=${metric}] > td.metric .avg`).innerText();
        expect(await avg('input-rate')).toBe(`Avg: ${stats.avgInputRate.toFixed(2)} events/sec`);
        // The scenario's delays are all under a second: Spark writes them in whole ms.
        const delays = {
          'scheduling-delay': stats.avgSchedulingDelay,
          'processing-time': stats.avgProcessingTime,
          'total-delay': stats.avgTotalDelay,
        };
        for (const [metric, ms] of Object.entries(delays)) {
          expect(ms).toBeLessThan(1000);
          expect(await avg(metric)).toBe(`Avg: ${Math.round(ms)} ms`);
        }
        // And the API's averages are the listener's: the mean over the retained batches.
        const delaysSeen = retained.flatMap((b) =>
          b.totalDelay === undefined ? [] : [b.totalDelay],
        );
        expect(stats.avgTotalDelay).toBeCloseTo(
          delaysSeen.reduce((a, b) => a + b, 0) / delaysSeen.length,
        );
      });

      it('the processing-time timeline draws the batch interval as a reference line', async () => {
        const line = w.page.locator(
          'tr[data-metric=processing-time] svg.timeline line.batch-interval',
        );
        expect(await line.count()).toBe(1);
        for (const metric of ['input-rate', 'scheduling-delay', 'total-delay']) {
          expect(
            await w.page.locator(`tr[data-metric=${metric}] line.batch-interval`).count(),
          ).toBe(0);
        }
      });

      it("each histogram's bars count the batches with a value for its metric", async () => {
        for (const [metric, value] of Object.entries(METRICS)) {
          const withValue = retained.filter((b) => value(b, stats.batchDuration) !== undefined);
          const counts = (
            await attributes(w, `tr[data-metric=${metric}] svg.histogram rect.bar`, 'data-count')
          ).map(Number);
          expect(
            counts.every((n) => n > 0),
            metric,
          ).toBe(true);
          expect(
            counts.reduce((a, b) => a + b, 0),
            metric,
          ).toBe(withValue.length);
        }
      });
    });

    describe('the receivers', () => {
      beforeAll(async () => {
        // A <details>, closed at first: opened as a person would, by its summary.
        await w.page.locator('#receivers > summary').click();
        expect(await w.page.locator('#receivers').getAttribute('open')).not.toBeNull();
      });

      it('lists every input stream with its status and executor, "-" without a receiver', async () => {
        const ids = (await attributes(w, '#receivers tr[data-stream-id]', 'data-stream-id')).map(
          Number,
        );
        const streams = await api<{ streamId: number }[]>(s.url, 'streaming/receivers');
        expect(ids).toEqual(streams.map((r) => r.streamId));
        expect(ids.length).toBeGreaterThan(s.seen.receivers.size);
        for (const id of ids) {
          const cells = await tableCells(w, '#receivers');
          const row = cells[ids.indexOf(id)]!;
          const info = s.seen.receivers.get(id);
          if (info === undefined) {
            expect(row.slice(1, 3)).toEqual(['-', '-']);
          } else {
            expect(row[0]).toContain(info.name);
            expect(row[1]).toBe(info.active ? 'ACTIVE' : 'INACTIVE');
            expect(row[2]).toBe(`${info.executorId} / ${info.location}`);
          }
        }
      });

      it("shows the receiver's last error time and message from its ReceiverInfo, as text", async () => {
        const [id, info] = [...s.seen.receivers.entries()].find(([, r]) => r.lastErrorTime >= 0)!;
        expect(info.lastError).toContain('line <b>7</b>');
        const cells = (
          await w.page.locator(`#receivers tr[data-stream-id="${id}"] > td`).allInnerTexts()
        ).map((t) => t.trim());
        expect(cells[3]).toBe(sparkBatchTime(info.lastErrorTime));
        expect(cells[4]).toContain(`${info.lastErrorMessage} - `);
        expect(cells[4]).toContain('line <b>7</b>');
        expect(await w.page.locator('#receivers b').count()).toBe(0);
      });

      it('gives each input stream its own rate timeline, a circle per retained batch', async () => {
        const streams = await api<{ streamId: number }[]>(s.url, 'streaming/receivers');
        for (const { streamId: id } of streams) {
          const svg = `#receivers tr[data-stream-id="${id}"] svg.timeline`;
          const expected = retained.map((b) => [
            b.batchTime.milliseconds,
            (b.streamIdToInputInfo.get(id)?.numRecords ?? 0) / (stats.batchDuration / 1000),
          ]);
          expect(await timelinePoints(w, svg)).toEqual(expected);
        }
      });
    });

    describe('the running and waiting batches', () => {
      const inTable = async (id: string) => ({
        heading: await w.page.locator(`h2:has(+ .table-wrap > table#${id})`).innerText(),
        times: (
          await attributes(w, `table#${id} tbody tr[data-batch-time]`, 'data-batch-time')
        ).map(Number),
        cells: await tableCells(w, `table#${id}`),
      });

      it('lists the running batch (started, not completed) under "Running Batches (n)"', async () => {
        const running = retained.filter(
          (b) =>
            b.processingStartTime !== undefined && !s.seen.completed.has(b.batchTime.milliseconds),
        );
        expect(running.length).toBeGreaterThan(0);
        const t = await inTable('running-batches');
        expect(t.heading).toBe(`Running Batches (${running.length})`);
        expect(t.times).toEqual(running.map((b) => b.batchTime.milliseconds));
        expect(t.cells.map((r) => r.slice(0, 2))).toEqual(
          running.map((b) => [sparkBatchTime(b.batchTime.milliseconds), `${b.numRecords} records`]),
        );
      });

      it('lists the waiting batch (submitted, not started) under "Waiting Batches (n)"', async () => {
        const waiting = retained.filter((b) => b.processingStartTime === undefined);
        expect(waiting.length).toBeGreaterThan(0);
        const t = await inTable('waiting-batches');
        expect(t.heading).toBe(`Waiting Batches (${waiting.length})`);
        expect(t.times).toEqual(waiting.map((b) => b.batchTime.milliseconds));
        expect(t.cells.map((r) => r[0])).toEqual(
          waiting.map((b) => sparkBatchTime(b.batchTime.milliseconds)),
        );
      });
    });

    describe('beyond Spark', () => {
      it('#task-threads shows the threads with the tasks they ran and failed, as the API reports them', async () => {
        const threads = await api<
          { id: string; completedTasks: number; failedTasks: number; status: string }[]
        >(s.url, 'streaming/dstream/threads');
        expect(threads.length).toBeGreaterThan(0);
        expect(await tableCells(w, '#task-threads')).toEqual(
          threads.map((t) => [t.id, String(t.completedTasks), String(t.failedTasks), t.status]),
        );
      });

      it('#configuration lists the settings in force, spark.ui.port among them', async () => {
        const { sparkProperties } = await api<{ sparkProperties: [string, string][] }>(
          s.url,
          'streaming/dstream/configuration',
        );
        const rows = await tableCells(w, '#configuration');
        expect(rows).toEqual(sparkProperties);
        expect(rows.map((r) => r[0])).toContain('spark.ui.port');
      });
    });
  },
);
