/**
 * The web UI's pages with many batches retained: a real context on the test kit's manual clock
 * (`dstream/testing`) runs real batches as fast as they go, the UI hearing them through its
 * listener as it does in an application; then each page is fetched in turn (server time: request
 * sent to body read, over loopback) and, when Chromium is installed, loaded in headless Chromium
 * (navigation start to the `load` event). Page-agnostic: it measures whatever the paths answer,
 * so it can be rerun as the pages grow.
 */
import type { Browser } from 'playwright-core';
import { chromiumMissing, launchChromium } from '../../test/support/chromium.ts';
import { spread, type Spread } from './stats.ts';

/** One path, with a given number of completed batches seen by the UI. */
export interface PageLoad {
  label: string;
  path: string;
  /** Completed batches the UI had heard of, and how many of them it retained. */
  completed: number;
  retained: number;
  status: number;
  bytes: number;
  serverMs: Spread;
  /** Navigation start to the `load` event in headless Chromium (HTML pages only). */
  browserLoadMs: Spread | undefined;
}

export interface PageOptions {
  /** Completed batches to have run before each measurement, in increasing order. */
  completed: readonly number[];
  /** Requests (and browser loads) per path, after `warmup` unmeasured ones. */
  samples: number;
  warmup: number;
  /** Lines per batch (queueStream of parallelized lines). */
  lines: number;
  browser: boolean;
}

const RETAINED = 1000;
/** Every n-th batch fails one output operation, so that the table has its Error column. */
const FAIL_EVERY = 100;

/** The UI's paths, named as a reader of the figures knows them. */
function pathsOf(appId: string, newestBatch: number): { label: string; path: string }[] {
  return [
    { label: 'statistics page', path: '/streaming/' },
    { label: 'batch page (newest)', path: `/streaming/batch/?id=${newestBatch}` },
    { label: 'API batches', path: `/api/v1/applications/${appId}/streaming/batches` },
    { label: 'API statistics', path: `/api/v1/applications/${appId}/streaming/statistics` },
    { label: 'Prometheus /metrics', path: '/metrics' },
  ];
}

async function timedGet(
  url: string,
): Promise<{ ms: number; status: number; bytes: number; html: boolean }> {
  const t0 = performance.now();
  const res = await fetch(url);
  const body = await res.arrayBuffer();
  const ms = performance.now() - t0;
  const html = (res.headers.get('content-type') ?? '').startsWith('text/html');
  return { ms, status: res.status, bytes: body.byteLength, html };
}

async function browserLoads(browser: Browser, url: string, o: PageOptions): Promise<Spread> {
  const times: number[] = [];
  for (let i = 0; i < o.warmup + o.samples; i++) {
    // A context of its own per load: nothing cached from the previous one.
    const context = await browser.newContext({ viewport: { width: 1600, height: 900 } });
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'load' });
    const ms = Number(
      await page.evaluate(
        "(() => { const n = performance.getEntriesByType('navigation')[0]; return n.loadEventEnd - n.startTime; })()",
      ),
    );
    await context.close();
    if (i >= o.warmup) times.push(ms);
  }
  return spread(times);
}

export async function measurePages(o: PageOptions): Promise<PageLoad[]> {
  const { setLogLevel } = await import('dstream');
  const { createManualContext } = await import('dstream/testing');
  // The failing output operations would log an error each.
  setLogLevel('OFF');
  const missing = chromiumMissing();
  if (o.browser && missing) process.stderr.write(`[ui] no browser figures: ${missing}\n`);
  const browser = o.browser && !missing ? await launchChromium() : undefined;

  const { ssc, clock } = createManualContext({
    master: 'local[2]',
    conf: {
      'spark.ui.enabled': 'true',
      'spark.ui.port': '0',
      'spark.streaming.ui.retainedBatches': String(RETAINED),
    },
  });
  const last = o.completed[o.completed.length - 1] ?? 0;
  const sc = ssc.sparkContext;
  const lines = Array.from({ length: o.lines }, (_, i) => `line ${i} of words`);
  const queue = Array.from({ length: last }, () => sc.parallelize(lines, 2));
  let completed = 0;
  ssc.addStreamingListener({ onBatchCompleted: () => void completed++ });
  const words = ssc.queueStream(queue).flatMap((line) => line.split(' '));
  words.foreachRDD(async (rdd) => void (await rdd.count()));
  words.foreachRDD((_rdd, time) => {
    if ((time.milliseconds / 1000) % FAIL_EVERY === 0)
      throw new Error(`batch ${time.milliseconds} failed on purpose, <b>as a bad row</b> would`);
  });
  await ssc.start();
  const base = ssc.uiWebUrl!;
  const apps = (await (await fetch(`${base}/api/v1/applications`)).json()) as { id: string }[];
  const appId = apps[0]!.id;

  const results: PageLoad[] = [];
  try {
    for (const target of o.completed) {
      const t0 = performance.now();
      while (completed < target) await clock.advance(1000);
      // What the UI itself says it retained, not what this loop believes it ran.
      const listed = (await (
        await fetch(`${base}/api/v1/applications/${appId}/streaming/batches?status=COMPLETED`)
      ).json()) as unknown[];
      process.stderr.write(
        `[ui] ${completed} batches run in ${((performance.now() - t0) / 1000).toFixed(1)} s, ` +
          `${listed.length} completed ones retained by the UI\n`,
      );
      for (const { label, path } of pathsOf(appId, target * 1000)) {
        const runs: Awaited<ReturnType<typeof timedGet>>[] = [];
        for (let i = 0; i < o.warmup + o.samples; i++) runs.push(await timedGet(base + path));
        const measured = runs.slice(o.warmup);
        const first = measured[0]!;
        const load =
          browser && first.status === 200 && first.html
            ? await browserLoads(browser, base + path, o)
            : undefined;
        results.push({
          label,
          path,
          completed,
          retained: listed.length,
          status: first.status,
          bytes: first.bytes,
          serverMs: spread(measured.map((r) => r.ms)),
          browserLoadMs: load,
        });
      }
    }
  } finally {
    await browser?.close();
    await ssc.stop();
  }
  return results;
}
