// examples/sql-network-word-count.ts (Spark's SqlNetworkWordCount) run as a user runs it,
// `dstream run examples/sql-network-word-count.ts <hostname> <port>`, against a socket server of
// the test's own: each batch prints `========= <time> =========` and show()'s table of
// `select word, count(*) as total from words group by word`, and the tables hold the counts of
// the words fed.
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectBuilt, startCli } from './support/cli.js';

const EXAMPLE = 'examples/sql-network-word-count.ts';
const LINES = ['spark streaming spark', 'hello spark sql', 'sql  streaming'];
/** What `line.split(' ')` makes of LINES: the double space is an empty word, as in Spark. */
const FED = new Map([
  ['spark', 3],
  ['streaming', 2],
  ['hello', 1],
  ['sql', 2],
  ['', 1],
]);
const EMPTY_TABLE = ['+----+-----+', '|word|total|', '+----+-----+', '+----+-----+'].join('\n');

let server: Server;
let port = 0;
const connected: Socket[] = [];

beforeAll(async () => {
  expectBuilt();
  server = createServer((socket) => connected.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  for (const s of connected) s.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Spark's show() of (word, total) rows, truncate = true: right-aligned, plain ASCII cells. */
function sparkTable(rows: readonly (readonly [string, number])[]): string {
  const cells = rows.map(([w, t]) => [w, String(t)]);
  const widths = [0, 1].map((c) =>
    Math.max(3, ['word', 'total'][c]!.length, ...cells.map((r) => r[c]!.length)),
  );
  const border = `+${widths.map((w) => '-'.repeat(w)).join('+')}+`;
  const line = (r: readonly string[]) => `|${r.map((x, c) => x.padStart(widths[c]!)).join('|')}|`;
  return [border, line(['word', 'total']), border, ...cells.map(line), border].join('\n');
}

/** The batches printed so far: each header's time and the table below it, as printed. */
function batches(stdout: string): { time: string; table: string }[] {
  const out = [];
  for (const m of stdout.matchAll(/^========= (\d+ ms) =========\n((?:[+|].*\n)+)/gm)) {
    out.push({ time: m[1]!, table: m[2]!.trimEnd() });
  }
  return out;
}

/** The (word, total) rows of a table. */
function rowsOf(table: string): [string, number][] {
  return table
    .split('\n')
    .slice(3, -1)
    .map((l) => {
      const [, word = '', total = ''] = l.split('|');
      return [word.trim(), Number(total.trim())];
    });
}

describe('sql-network-word-count.ts', () => {
  it('prints the usage and exits 1 without <hostname> <port>', async () => {
    const cli = startCli(['run', EXAMPLE]);
    expect(await cli.exited).toBe(1);
    expect(cli.stderr()).toContain('Usage: sql-network-word-count.ts <hostname> <port>');
  });

  it(
    'prints each batch as Spark does, with the counts of the words fed',
    { timeout: 60_000 },
    async () => {
      const cli = startCli(['run', EXAMPLE, '127.0.0.1', String(port)]);
      try {
        // Batches before any line print an empty table under their time.
        await cli.waitFor('stdout', /========= \d+ ms =========\n\+----\+-----\+\n/);
        expect(batches(cli.stdout())[0]!.table).toBe(EMPTY_TABLE);
        expect(connected.length).toBe(1);
        connected[0]!.write(LINES.join('\n') + '\n');

        // The lines may straddle two batches: add up the tables until the counts are all there.
        const totals = new Map<string, number>();
        await cli.waitFor('stdout', /\|\s*spark\|/);
        await expect
          .poll(
            () => {
              totals.clear();
              for (const { table } of batches(cli.stdout())) {
                for (const [word, total] of rowsOf(table)) {
                  totals.set(word, (totals.get(word) ?? 0) + total);
                }
              }
              return totals.get('spark');
            },
            { timeout: 20_000 },
          )
          .toBe(3);
        expect(totals).toEqual(FED);

        // Every table is exactly show()'s: borders, right-aligned cells, the header.
        const printed = batches(cli.stdout());
        for (const { table } of printed) {
          expect(table).toBe(sparkTable(rowsOf(table)));
        }
        // Batch times step by the 2-second interval.
        const times = printed.map((b) => Number.parseInt(b.time, 10));
        for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBe(2000);
      } finally {
        cli.child.kill('SIGINT');
        expect(await cli.exited, cli.stderr()).toBe(0);
      }
    },
  );
});
