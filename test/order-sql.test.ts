// examples/order-sql.ts run as a user runs it (`dstream run examples/order-sql.ts --dir <dir>`),
// reading order files the test writes: each batch's sales per province and the top provinces of
// the last minute, in SQL and in the DSL, print the same tables, and those hold the totals of the
// orders written (malformed lines dropped), the window adding up the files of both batches.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectBuilt, root, startCli, type Cli } from './support/cli.js';

let dir: string;
let cli: Cli;

beforeAll(async () => {
  expectBuilt();
  dir = await mkdtemp(join(root, '.tmp', 'order-sql-'));
  cli = startCli(['run', 'examples/order-sql.ts', '--dir', dir]);
});

afterAll(async () => {
  if (cli) {
    cli.child.kill('SIGINT');
    await cli.exited;
  }
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Orders of `count` lines over 9 provinces, prices with cents, and one malformed line. */
function orders(first: number, count: number): string[] {
  const lines = ['not,an,order'];
  for (let i = 0; i < count; i++) {
    const id = first + i;
    lines.push(`${id},${(id * 7) % 9},${((id * 37) % 5000) / 100}`);
  }
  return lines;
}

/** Cents per province of the well-formed lines. */
function totals(lines: readonly string[]): Map<number, number> {
  const cents = new Map<number, number>();
  for (const line of lines) {
    const [, , province, price] = /^(\d+),(\d+),([\d.]+)$/.exec(line) ?? [];
    if (province === undefined) continue;
    const p = Number(province);
    cents.set(p, (cents.get(p) ?? 0) + Math.round(Number(price) * 100));
  }
  return cents;
}

/** show()'s rows of (provinceId, total), in the order printed; totals in cents. */
function rowsOf(table: string): [number, number][] {
  return table
    .split('\n')
    .filter((l) => /^\|\s*\d/.test(l))
    .map((l) => {
      const [province, total] = l
        .split('|')
        .slice(1, 3)
        .map((c) => c.trim());
      expect(total, 'a DECIMAL(10, 2) sum prints its two decimals').toMatch(/^\d+\.\d\d$/);
      return [Number(province), Math.round(Number(total) * 100)];
    });
}

/** The table printed under `========= <batch> <title> =========`. */
function tableAfter(stdout: string, batch: string, title: string): string {
  const header = `========= ${batch} ${title} =========\n`;
  const start = stdout.indexOf(header);
  expect(start, header).toBeGreaterThanOrEqual(0);
  const rest = stdout.slice(start + header.length);
  return rest.slice(0, rest.indexOf('\n\n'));
}

/** Waits for the first batch after `after` whose sales table has rows, until all four tables. */
async function nextBatchWithSales(after = ''): Promise<string> {
  const sales =
    /========= (\d+ ms) sales per province \(SQL\) =========\n\+[-+]+\n\|provinceId\| *total\|\n\+[-+]+\n\|/g;
  for (;;) {
    await cli.waitFor('stdout', sales);
    const batches = [...cli.stdout().matchAll(sales)].map((m) => m[1]!);
    const next = batches.find((b) => after === '' || Number.parseInt(b) > Number.parseInt(after));
    if (next !== undefined) {
      // The batch's last table, the window's in the DSL, printed in full: the blank line after it.
      await cli.waitFor(
        'stdout',
        new RegExp(`${next} top provinces, last minute \\(DSL\\) =+\\n[^]*?\\n\\n`),
      );
      return next;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

function top3(cents: Map<number, number>): [number, number][] {
  return [...cents].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, 3);
}

describe('examples/order-sql.ts', () => {
  it('prints the sales per province and the top provinces, the same in SQL and in the DSL', async () => {
    // A first batch (empty) shows the example runs before the files come.
    await cli.waitFor('stdout', /sales per province \(SQL\)/);
    const first = orders(1, 200);
    await writeFile(join(dir, 'orders-1.txt'), first.join('\n') + '\n');
    const batch1 = await nextBatchWithSales();
    const perProvince = [...totals(first)].sort((a, b) => a[0] - b[0]);
    const sql1 = tableAfter(cli.stdout(), batch1, 'sales per province (SQL)');
    expect(rowsOf(sql1)).toEqual(perProvince);
    expect(tableAfter(cli.stdout(), batch1, 'sales per province (DSL)')).toBe(sql1);
    const top1 = tableAfter(cli.stdout(), batch1, 'top provinces, last minute (SQL)');
    expect(rowsOf(top1)).toEqual(top3(totals(first)));
    expect(tableAfter(cli.stdout(), batch1, 'top provinces, last minute (DSL)')).toBe(top1);

    // A second file in a later batch: that batch's sales are its own, the last minute's both.
    const second = orders(1000, 120);
    await writeFile(join(dir, 'orders-2.txt'), second.join('\n') + '\n');
    const batch2 = await nextBatchWithSales(batch1);
    const sql2 = tableAfter(cli.stdout(), batch2, 'sales per province (SQL)');
    expect(rowsOf(sql2)).toEqual([...totals(second)].sort((a, b) => a[0] - b[0]));
    const top2 = tableAfter(cli.stdout(), batch2, 'top provinces, last minute (SQL)');
    expect(rowsOf(top2)).toEqual(top3(totals([...first, ...second])));
    expect(tableAfter(cli.stdout(), batch2, 'top provinces, last minute (DSL)')).toBe(top2);
  });
});
