// Remakes docs/images/streaming-ui.png, the README's picture of the web UI: runs the demo
// (`node dist/cli/main.js demo`, so `npm run build` first), lets it run a while, and saves the top
// of /streaming/ as Debian's Chromium (through playwright-core) shows it in a 1280 px window.
//
//   npm run build && node scripts/screenshot-ui.ts [seconds, default 30]
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium } from 'playwright-core';

const ROOT = join(import.meta.dirname, '..');
const OUT = join(ROOT, 'docs', 'images', 'streaming-ui.png');
const seconds = Number(process.argv[2] ?? 30);
const WIDTH = 1280;
const HEIGHT = 1365;

const demo = spawn(
  process.execPath,
  [join(ROOT, 'dist', 'cli', 'main.js'), 'demo', '--port', '0'],
  {
    stdio: ['ignore', 'pipe', 'pipe'],
  },
);
try {
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const look = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /Streaming UI at (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    };
    demo.stdout.on('data', look);
    demo.stderr.on('data', look);
    demo.on('exit', (code) =>
      reject(new Error(`the demo exited (${code}) before its UI:\n${out}`)),
    );
  });
  demo.stdout.resume();
  demo.stderr.resume();
  process.stdout.write(`demo UI at ${url}; waiting ${seconds} s\n`);
  await sleep(seconds * 1000);
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: WIDTH, height: HEIGHT } });
    await page.goto(`${url}/streaming/`, { waitUntil: 'load' });
    mkdirSync(dirname(OUT), { recursive: true });
    await page.screenshot({ path: OUT, clip: { x: 0, y: 0, width: WIDTH, height: HEIGHT } });
    process.stdout.write(`saved ${OUT}\n`);
  } finally {
    await browser.close();
  }
} finally {
  demo.kill('SIGKILL');
}
