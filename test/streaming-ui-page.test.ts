// The /streaming/ page of the running application of test/support/ui-scenario.ts: Spark's
// statistics header and completed batches table, with the numbers the listener saw, and every
// text the application controls escaped (an error message holding a <script> shows as text).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setLogLevel } from 'dstream';
import { FAILURE, startScenario, type Scenario } from './support/ui-scenario.js';

let s: Scenario;
let page: string;
let res: Response;

beforeAll(async () => {
  setLogLevel('OFF');
  s = await startScenario();
  res = await fetch(`${s.url}/streaming/`);
  page = await res.text();
});

afterAll(async () => {
  await s.finish();
  await s.ssc.stop();
});

/** The text of each cell of each body row of a table. */
function rows(html: string, id: string): string[][] {
  const table = html.slice(html.indexOf(`<table id="${id}">`));
  const body = table.slice(table.indexOf('<tbody>'), table.indexOf('</tbody>'));
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...row[1]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((cell) => cell[1]!),
  );
}

describe('/streaming/', () => {
  it('is an HTML page that may run no script', () => {
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it("shows Spark's header with the completed batches and records the listener saw", () => {
    const completed = s.seen.completed.size;
    const records = [...s.seen.latest.values()]
      .filter((b) => b.processingStartTime !== undefined)
      .reduce((n, b) => n + b.numRecords, 0);
    expect(page).toMatch(
      new RegExp(
        `Running batches of <strong>1 second</strong> for <strong>[^<]+</strong> since <strong>[^<]+</strong> \\(<strong>${completed}</strong> completed batches, <strong>${records}</strong> records\\)`,
      ),
    );
  });

  it('lists the completed batches newest first, with an Error column for the failed one', () => {
    const table = rows(page, 'completed-batches');
    const seen = [...s.seen.completed.values()].reverse();
    expect(table).toHaveLength(seen.length);
    expect(table.map((r) => r[1])).toEqual(seen.map((b) => `${b.numRecords} records`));
    expect(table.map((r) => r[5])).toEqual(['1/2', '2/2']);
    expect(page).toContain('<th>Error</th>');
    expect(table[1]![6]).toBe('-');
  });

  it('escapes an error message: the <script> in it is text, never markup', () => {
    expect(FAILURE).toContain('<script>');
    expect(page).not.toContain('<script');
    expect(page).toContain('bad &lt;script&gt;alert(1)&lt;/script&gt; row');
  });

  it('is where / leads', async () => {
    const root = await fetch(`${s.url}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/streaming/');
  });
});
