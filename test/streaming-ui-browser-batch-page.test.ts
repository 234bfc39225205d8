// /streaming/batch/?id=<ms> in Chromium: opened by clicking a batch's link on /streaming/ (the
// application of test/support/ui-scenario.ts), its summary and output operations against the
// listener's BatchInfo and OutputOperationInfo, the failure shown as text, the input metadata of a
// file stream (a second application), the answers without id or with an unknown one, no sideways
// scrolling at 375 px, and screenshots at 375 and 1600 px.
import { mkdir, mkdtemp, rename, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { setLogLevel, type BatchInfo, type OutputOperationInfo } from 'dstream';
import { createManualContext } from 'dstream/testing';
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
import { attributes, newestFirst, sparkBatchTime, tableCells } from './support/ui-pages.js';

/** Spark's `UIUtils.formatDuration` for durations under a minute: `35 ms`, `0.4 s`, `12 s`. */
function sparkDuration(ms: number | undefined): string {
  if (ms === undefined) return '-';
  if (ms < 100) return `${ms} ms`;
  return ms < 1000 ? `${(ms / 1000).toFixed(1)} s` : `${(ms / 1000).toFixed(0)} s`;
}

/** An output operation's status as the batch page words it, from the listener's events. */
function opStatus(op: OutputOperationInfo | undefined): string {
  if (op === undefined || op.startTime === undefined) return 'Queued';
  if (op.failureReason !== undefined) return 'Failed';
  return op.endTime === undefined ? 'Running' : 'Succeeded';
}

describe.skipIf(skipBrowser)(
  `/streaming/batch/ in Chromium${skipBrowser ? ` (skipped: ${browserReason})` : ''}`,
  () => {
    let s: Scenario;
    let browser: Browser;
    /** The completed batch whose second output operation failed. */
    let failed: BatchInfo;

    beforeAll(async () => {
      setLogLevel('OFF');
      s = await startScenario();
      browser = await launchBrowser();
      failed = newestFirst(s.seen.completed.values()).find((b) => b.failureReason !== undefined)!;
      expect(failed).toBeDefined();
    });

    afterAll(async () => {
      await browser?.close();
      await s?.finish();
      await s?.ssc.stop();
    });

    describe.each([375, 1600])('in a window %i px wide', (width) => {
      let w: Window;
      const ms = () => failed.batchTime.milliseconds;

      beforeAll(async () => {
        w = await openWindow(browser, width);
        await w.page.goto(`${s.url}/streaming/`);
        // The batch's link in the completed table, clicked as a person would.
        await w.page.locator(`table#completed-batches tr[data-batch-time="${ms()}"] a`).click();
        await w.page.waitForURL(`**/streaming/batch/?id=${ms()}`);
      });

      afterAll(async () => {
        if (w) await screenshot(w, 'streaming-batch');
        await w?.page.context().close();
      });

      it('opens "Details of batch at <its time>"', async () => {
        expect(await w.page.locator('h1').innerText()).toBe(
          `Details of batch at ${sparkBatchTime(ms())}`,
        );
        expect(await w.page.title()).toMatch(/Details of batch at /);
      });

      it("#batch-summary shows the batch's duration, records and delays from its BatchInfo", async () => {
        const items = (await w.page.locator('#batch-summary li').allInnerTexts()).map((t) =>
          t.trim(),
        );
        expect(items).toEqual(
          expect.arrayContaining([
            'Batch Duration: 1 s',
            `Input data size: ${failed.numRecords} records`,
            `Scheduling delay: ${sparkDuration(failed.schedulingDelay)}`,
            `Processing time: ${sparkDuration(failed.processingDelay)}`,
            `Total delay: ${sparkDuration(failed.totalDelay)}`,
          ]),
        );
        expect(failed.numRecords).toBeGreaterThan(0);
      });

      it('has no table#input-metadata: no stream of this application describes its input', async () => {
        expect(await w.page.locator('table#input-metadata').count()).toBe(0);
      });

      it('lists every output operation with its name, duration and status, the call site in a <details>', async () => {
        const ops = [...failed.outputOperationInfos.values()].sort((a, b) => a.id - b.id);
        const rows = await tableCells(w, 'table#output-operations');
        const ids = await attributes(w, 'table#output-operations tbody tr', 'data-output-op-id');
        expect(ids).toEqual(ops.map((op) => String(op.id)));
        ops.forEach((op, i) => {
          expect(rows[i]![0]).toBe(String(op.id));
          expect(rows[i]![1]).toContain(op.name);
          expect(rows[i]![2]).toBe(sparkDuration(op.duration));
          expect(rows[i]![3]).toBe(opStatus(op));
        });
        expect(rows.map((r) => r[3])).toEqual(expect.arrayContaining(['Succeeded', 'Failed']));
        const callSites = w.page.locator('table#output-operations td.description details');
        expect(await callSites.count()).toBe(ops.length);
      });

      it("shows the failed operation's error, holding a <script>, as text, and runs no script", async () => {
        const op = [...failed.outputOperationInfos.values()].find((o) => o.failureReason)!;
        const error = w.page.locator(`tr[data-output-op-id="${op.id}"] td.error`);
        expect(await error.locator('summary').innerText()).toContain(FAILURE);
        expect(await w.page.locator('#content script').count()).toBe(0);
        expect(await scriptRan(w.page)).toBe(false);
        expect(w.dialogs).toEqual([]);
        expect(w.errors).toEqual([]);
      });

      it('does not scroll sideways', async () => {
        expect(await horizontalOverflow(w.page)).toBeLessThanOrEqual(0);
      });
    });

    it("a running batch's output operations are Running or Queued, as the listener saw them", async () => {
      const running = [...s.seen.latest.values()].find(
        (b) =>
          b.processingStartTime !== undefined && !s.seen.completed.has(b.batchTime.milliseconds),
      )!;
      const ms = running.batchTime.milliseconds;
      const w = await openWindow(browser, 1600);
      try {
        await w.page.goto(`${s.url}/streaming/batch/?id=${ms}`);
        const rows = await tableCells(w, 'table#output-operations');
        const ids = [...running.outputOperationInfos.keys()].sort((a, b) => a - b);
        expect(rows.map((r) => r[3])).toEqual(
          ids.map((id) => opStatus(s.seen.ops.get(`${ms}/${id}`))),
        );
        expect(rows.map((r) => r[3])).toContain('Running');
      } finally {
        await w.page.context().close();
      }
    });

    it('answers 400 "Missing id parameter" without id, 404 "Batch <time> does not exist" for an unknown one', async () => {
      const w = await openWindow(browser, 1600);
      try {
        const missing = await w.page.goto(`${s.url}/streaming/batch/`);
        expect(missing?.status()).toBe(400);
        expect(await w.page.locator('body').innerText()).toContain('Missing id parameter');
        const unknown = Math.max(...s.seen.latest.keys()) + 1000 * 1000;
        const res = await w.page.goto(`${s.url}/streaming/batch/?id=${unknown}`);
        expect(res?.status()).toBe(404);
        expect(await w.page.locator('body').innerText()).toContain(
          `Batch ${sparkBatchTime(unknown)} does not exist`,
        );
      } finally {
        await w.page.context().close();
      }
    });
  },
);

describe.skipIf(skipBrowser)(
  '/streaming/batch/ in Chromium: input metadata of a file stream',
  () => {
    let root: string;
    afterAll(async () => {
      if (root) await rm(root, { recursive: true, force: true });
    });

    it("table#input-metadata shows the stream's name and its Description (the file it read), as text", async () => {
      root = await mkdtemp(join(tmpdir(), 'dstream-ui-browser-files-'));
      const dir = join(root, 'in');
      await mkdir(dir);
      const { ssc, clock } = createManualContext({
        conf: { 'spark.ui.enabled': 'true', 'spark.ui.port': '0' },
      });
      const browser = await launchBrowser();
      try {
        await clock.advance(10_000);
        const stream = ssc.textFileStream(dir);
        const described = new Map<number, string>();
        ssc.addStreamingListener({
          onBatchCompleted: (e) => {
            const d = e.batchInfo.streamIdToInputInfo.get(stream.id)?.metadata.Description;
            if (typeof d === 'string') described.set(e.batchInfo.batchTime.milliseconds, d);
          },
        });
        stream.foreachRDD(() => {});
        await ssc.start();
        const staged = join(root, 'staged');
        await writeFile(staged, 'a\nb\n');
        await utimes(staged, 10.5, 10.5);
        await rename(staged, join(dir, 'orders <img src=x onerror=alert(1)>.txt'));
        await clock.advance(2000);
        const [[ms, description]] = [...described.entries()] as [[number, string]];
        const w = await openWindow(browser, 1600);
        await w.page.goto(`${ssc.uiWebUrl!}/streaming/batch/?id=${ms}`);
        expect(await tableCells(w, 'table#input-metadata')).toEqual([
          [stream.displayName, description],
        ]);
        expect(await w.page.locator('#content img').count()).toBe(0);
        expect(w.dialogs).toEqual([]);
      } finally {
        await browser.close();
        await ssc.stop();
      }
    });
  },
);
