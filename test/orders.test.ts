import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OrderGenerator, runOrders } from '../src/cli/orders.js';
import { expectBuilt, startCli } from './support/cli.js';

const ORDER = /^20171026\d{10},\d{1,2},\d+\.\d{2}$/;

const dirs: string[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function lines(seed: number, n: number, malformedRate = 0): string[] {
  const g = new OrderGenerator({ seed, malformedRate });
  return Array.from({ length: n }, () => g.next());
}

function quiet(): void {
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
}

describe('dstream orders', () => {
  it('generates the same order lines for the same seed', () => {
    const a = lines(7, 200);
    expect(lines(7, 200)).toEqual(a);
    expect(lines(8, 200)).not.toEqual(a);
    for (const line of a) expect(line).toMatch(ORDER);
    expect(a[0]!.startsWith('201710260000000001,')).toBe(true);
    const provinces = new Set(a.map((l) => Number(l.split(',')[1])));
    expect(Math.min(...provinces)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...provinces)).toBeLessThanOrEqual(34);
  });

  it('mixes in malformed lines at the asked rate, and counts them', () => {
    const g = new OrderGenerator({ seed: 3, malformedRate: 0.2 });
    const out = Array.from({ length: 1000 }, () => g.next());
    const bad = out.filter((l) => !ORDER.test(l));
    expect(bad.length).toBe(g.malformed);
    expect(g.malformed).toBeGreaterThan(120);
    expect(g.malformed).toBeLessThan(280);
  });

  it('writes whole files into a directory, the lines of the seed in order', async () => {
    quiet();
    const dir = mkdtempSync(join(tmpdir(), 'dstream-orders-'));
    dirs.push(dir);
    await runOrders({
      rate: 2000,
      seed: 11,
      count: 300,
      host: '127.0.0.1',
      dir,
      malformedRate: 0,
      interval: 50,
    });
    const files = readdirSync(dir).sort();
    expect(files.every((f) => /^orders-\d{6}-\d+\.csv$/.test(f))).toBe(true);
    const written = files.flatMap((f) =>
      readFileSync(join(dir, f), 'utf8')
        .split('\n')
        .filter((l) => l !== ''),
    );
    expect(written).toEqual(lines(11, 300));
  });

  it('serves the lines over TCP once a client connects', async () => {
    quiet();
    let received: Promise<string> | undefined;
    await runOrders({
      rate: 1000,
      seed: 5,
      count: 120,
      port: 0,
      host: '127.0.0.1',
      malformedRate: 0,
      interval: 1000,
      onListening: (port) => {
        received = new Promise<string>((resolve, reject) => {
          const socket = connect(port, '127.0.0.1');
          let text = '';
          socket.on('data', (d) => (text += String(d)));
          socket.on('end', () => resolve(text));
          socket.on('error', reject);
        });
      },
    });
    const text = await received!;
    expect(text.split('\n').filter((l) => l !== '')).toEqual(lines(5, 120));
  });

  it('is a command of dstream: the lines of a seed on stdout, progress on stderr', async () => {
    expectBuilt();
    const help = startCli(['--help']);
    expect(await help.exited).toBe(0);
    expect(help.stdout()).toContain('  orders ');
    const cli = startCli(['orders', '--seed', '7', '--count', '5', '--rate', '100']);
    expect(await cli.exited, cli.stderr()).toBe(0);
    expect(cli.stdout()).toBe(lines(7, 5).join('\n') + '\n');
    expect(cli.stderr()).toContain('dstream orders: 5 lines (0 malformed), seed 7');
  });

  it('refuses two targets, --kafka without --topic, and a malformed-rate not a share', async () => {
    expectBuilt();
    const both = startCli(['orders', '--port', '0', '--dir', 'x']);
    expect(await both.exited).not.toBe(0);
    expect(both.stderr()).toBe('error: give one of --port, --dir, --kafka\n');
    const noTopic = startCli(['orders', '--kafka', '127.0.0.1:9092']);
    expect(await noTopic.exited).not.toBe(0);
    expect(noTopic.stderr()).toBe('error: --kafka and --topic go together\n');
    const share = startCli(['orders', '--malformed-rate', '2']);
    expect(await share.exited).not.toBe(0);
    expect(share.stderr()).toContain('Not a share between 0 and 1.');
  });
});
