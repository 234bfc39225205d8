// The HBase test/hbase-setup.ts starts for the run, as the HBase tests see it, and what they read
// it with: plain fetch against its REST gateway (not the sink under test).
import { randomUUID } from 'node:crypto';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { expect, inject } from 'vitest';

export const hbase = inject('hbase');

/** Without HBase the HBase tests are skipped with its reason, except on CI, where they fail. */
export const skipHBase = hbase.rest === undefined && process.env.CI !== 'true';

/** The REST gateway's URL; fails the calling test, with the reason, when there is none. */
export function rest(): string {
  expect(hbase.rest, `no HBase for the tests: ${hbase.reason}`).toBeDefined();
  return hbase.rest!;
}

const HEADERS = { 'Content-Type': 'application/json', Accept: 'application/json' };
const text = (s: string) => Buffer.from(s, 'base64').toString('utf8');

interface CellSet {
  Row?: { key: string; Cell: { column: string; timestamp: number; $: string }[] }[];
}

/** A new table `<prefix>_<random>` with `families` (name and versions kept). */
export async function newTable(prefix: string, families: Record<string, number>) {
  const name = `${prefix}_${randomUUID().slice(0, 8)}`;
  const ColumnSchema = Object.entries(families).map(([f, v]) => ({ name: f, VERSIONS: String(v) }));
  const res = await fetch(`${rest()}/${name}/schema`, {
    method: 'PUT',
    headers: HEADERS,
    body: JSON.stringify({ name, ColumnSchema }),
  });
  expect(res.status, await res.text()).toBeLessThan(300);
  return name;
}

/** Every row of `table`: row key → { 'family:qualifier': newest value }, read with a scanner. */
export async function scan(table: string): Promise<Map<string, Record<string, string>>> {
  const rows = new Map<string, Record<string, string>>();
  const made = await fetch(`${rest()}/${table}/scanner`, {
    method: 'PUT',
    headers: HEADERS,
    body: JSON.stringify({ batch: 10_000 }),
  });
  expect(made.status, await made.text()).toBe(201);
  const scanner = made.headers.get('location')!;
  try {
    for (;;) {
      const res = await fetch(scanner, { headers: HEADERS });
      if (res.status === 204) return rows;
      const set = (await res.json()) as CellSet;
      for (const row of set.Row ?? []) {
        const cells = rows.get(text(row.key)) ?? {};
        for (const c of row.Cell) cells[text(c.column)] = text(c.$);
        rows.set(text(row.key), cells);
      }
    }
  } finally {
    await fetch(scanner, { method: 'DELETE' });
  }
}

/** The versions (timestamps) HBase keeps of one cell, newest first. */
export async function versions(table: string, row: string, column: string): Promise<number[]> {
  const res = await fetch(`${rest()}/${table}/${encodeURIComponent(row)}/${column}?v=100`, {
    headers: HEADERS,
  });
  if (res.status === 404) return [];
  const set = (await res.json()) as CellSet;
  return (set.Row?.[0]?.Cell ?? []).map((c) => c.timestamp);
}

/**
 * A proxy in front of the gateway that counts the PUTs of rows and the rows each carried, and that
 * the test can take down (its port then refuses connections) and bring back on the same port.
 */
export class GatewayProxy {
  /** Rows per PUT of rows (schema and scanner requests are not counted). */
  readonly puts: number[] = [];
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async up(): Promise<this> {
    const target = new URL(rest());
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const rowsIn = /"key":/g;
        if (req.method === 'PUT' && !/\/(schema|scanner)$/.test(req.url ?? '')) {
          this.puts.push(body.toString('utf8').match(rowsIn)?.length ?? 0);
        }
        const out = httpRequest(
          {
            host: target.hostname,
            port: target.port,
            path: req.url,
            method: req.method,
            headers: req.headers,
          },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        out.on('error', () => res.destroy());
        out.end(body);
      });
    });
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((done) => this.server!.listen(this.port, '127.0.0.1', done));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** Closes the port and every connection: HBase is gone, as far as the sink can tell. */
  async down(): Promise<void> {
    const closed = new Promise<void>((done) => this.server?.close(() => done()));
    for (const s of this.sockets) s.destroy();
    await closed;
    this.server = undefined;
  }
}
