// /streaming/ in a real browser (Debian's Chromium through playwright-core), on the running
// application of test/support/ui-scenario.ts, in a narrow (375 px) and a wide (1600 px) window:
// the header and the completed batches table show what the listener saw, an error message
// holding a <script> shows as text and runs nothing, and nothing scrolls sideways. Screenshots of
// both widths are saved under test-artifacts/ui/. The other parts of the pages (charts,
// running and waiting tables, paging, the batch page, live updates) are checked in
// streaming-ui-browser-charts.test.ts, -batch-page.test.ts and -live.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { setLogLevel, type BatchInfo } from 'dstream';
import {
  browserReason,
  horizontalOverflow,
  launchBrowser,
  openWindow,
  screenshot,
  scriptRan,
  skipBrowser,
  type Window,
} from './support/browser.js';
import { FAILURE, startScenario, type Scenario } from './support/ui-scenario.js';

const WIDTHS = [375, 1600] as const;

/** Spark's batch time on a page of a 1 s batch interval: `yyyy/MM/dd HH:mm:ss`, local time. */
function sparkBatchTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}/${p(d.getMonth() + 1)}/${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** The completed batches as the listener saw them, newest first (the table's order). */
function completedNewestFirst(s: Scenario): BatchInfo[] {
  return [...s.seen.completed.values()].sort(
    (a, b) => b.batchTime.milliseconds - a.batchTime.milliseconds,
  );
}

/** The text of each cell of each body row of `table#<id>`, as the browser shows it. */
async function tableCells(w: Window, id: string): Promise<string[][]> {
  const rows = w.page.locator(`table#${id} tbody tr`);
  const cells: string[][] = [];
  for (const row of await rows.all()) {
    cells.push((await row.locator('td').allInnerTexts()).map((t) => t.trim()));
  }
  return cells;
}

describe.skipIf(skipBrowser)(
  `/streaming/ in Chromium${skipBrowser ? ` (skipped: ${browserReason})` : ''}`,
  () => {
    let s: Scenario;
    let browser: Browser;

    beforeAll(async () => {
      setLogLevel('OFF');
      s = await startScenario();
      browser = await launchBrowser();
    });

    afterAll(async () => {
      await browser?.close();
      await s?.finish();
      await s?.ssc.stop();
    });

    describe.each(WIDTHS)('in a window %i px wide', (width) => {
      let w: Window;

      beforeAll(async () => {
        w = await openWindow(browser, width);
        const res = await w.page.goto(`${s.url}/streaming/`, { waitUntil: 'load' });
        expect(res?.status()).toBe(200);
      });

      afterAll(async () => {
        // Saved even when a check failed: the picture is what explains it.
        if (w) await screenshot(w, 'streaming-statistics');
        await w?.page.context().close();
      });

      it("has Spark's title and header, with the batches and records the listener saw", async () => {
        expect(await w.page.title()).toMatch(/Streaming Statistics$/);
        const completed = s.seen.completed.size;
        // Records of the batches that started (Spark counts them when a batch starts).
        const records = [...s.seen.latest.values()]
          .filter((b) => b.processingStartTime !== undefined)
          .reduce((n, b) => n + b.numRecords, 0);
        expect(completed).toBeGreaterThan(0);
        expect(records).toBeGreaterThan(0);
        const header = await w.page.locator('#header').innerText();
        expect(header).toMatch(/^Running batches of 1 second for .+ since .+/);
        expect(header).toContain(`(${completed} completed batches, ${records} records)`);
      });

      it('lists one row per completed batch, newest first, with its records from BatchInfo', async () => {
        const seen = completedNewestFirst(s);
        const rows = await tableCells(w, 'completed-batches');
        expect(rows.map((r) => r[0])).toEqual(
          seen.map((b) => sparkBatchTime(b.batchTime.milliseconds)),
        );
        expect(rows.map((r) => r[1])).toEqual(seen.map((b) => `${b.numRecords} records`));
        // Output ops that succeeded / all, as the batch's output operations say; Spark's progress
        // bar adds "(n failed)" when some failed.
        seen.forEach((b, i) => {
          const ops = [...b.outputOperationInfos.values()];
          const failed = ops.filter((op) => op.failureReason !== undefined).length;
          const expected = `^${ops.length - failed}/${ops.length}( \\(${failed} failed\\))?$`;
          expect(rows[i]![5]).toMatch(new RegExp(expected));
        });
        const headings = await w.page.locator('table#completed-batches thead th').allInnerTexts();
        expect(headings).toContain('Error');
      });

      it('shows the failure message holding a <script> as text, and runs no script', async () => {
        expect(FAILURE).toContain('<script>');
        const failed = completedNewestFirst(s).findIndex((b) => b.failureReason !== undefined);
        expect(failed).toBeGreaterThanOrEqual(0);
        const error = w.page
          .locator('table#completed-batches tbody tr')
          .nth(failed)
          .locator('td')
          .last();
        expect(await error.textContent()).toContain(FAILURE);
        expect(await w.page.locator('table#completed-batches script').count()).toBe(0);
        expect(await scriptRan(w.page)).toBe(false);
        expect(w.dialogs).toEqual([]);
        expect(w.errors).toEqual([]);
      });

      it('does not scroll sideways', async () => {
        expect(await horizontalOverflow(w.page)).toBeLessThanOrEqual(0);
      });
    });
  },
);
