// Helpers of the browser tests of the UI's pages: what the listener saw, put as the pages put it,
// the JSON API's answers, and what a window shows.
import type { BatchInfo } from 'dstream';
import type { Window } from './browser.js';

/** Spark's batch time on a page of a 1 s batch interval: `yyyy/MM/dd HH:mm:ss`, local time. */
export function sparkBatchTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}/${p(d.getMonth() + 1)}/${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** Batches sorted newest first (the batch tables' order). */
export function newestFirst(batches: Iterable<BatchInfo>): BatchInfo[] {
  return [...batches].sort((a, b) => b.batchTime.milliseconds - a.batchTime.milliseconds);
}

/** The text of each cell of each body row of the table `selector`, as the browser shows it. */
export async function tableCells(w: Window, selector: string): Promise<string[][]> {
  const cells: string[][] = [];
  for (const row of await w.page.locator(`${selector} tbody tr`).all()) {
    cells.push((await row.locator('td').allInnerTexts()).map((t) => t.trim()));
  }
  return cells;
}

/** `.../api/v1/applications/{appId}/<path>` of the application at `url`, parsed. */
export async function api<T>(url: string, path: string): Promise<T> {
  const apps = (await (await fetch(`${url}/api/v1/applications`)).json()) as { id: string }[];
  const res = await fetch(`${url}/api/v1/applications/${apps[0]!.id}/${path}`);
  if (!res.ok) throw new Error(`${path}: ${res.status}`);
  return (await res.json()) as T;
}

/** The points of an svg.timeline: `[data-batch-time, data-value]` of each circle, in order. */
export async function timelinePoints(w: Window, svg: string): Promise<[number, number][]> {
  const circles = w.page.locator(`${svg} circle`);
  const points: [number, number][] = [];
  for (const c of await circles.all()) {
    points.push([
      Number(await c.getAttribute('data-batch-time')),
      Number(await c.getAttribute('data-value')),
    ]);
  }
  return points;
}

/** The attribute `name` of each element `selector` matches, in document order. */
export async function attributes(w: Window, selector: string, name: string): Promise<string[]> {
  const values: string[] = [];
  for (const el of await w.page.locator(selector).all()) {
    values.push((await el.getAttribute(name)) ?? '');
  }
  return values;
}
