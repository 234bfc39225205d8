/** What the results were measured on: they mean little without it. */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BENCH_WORK = join(REPO_ROOT, 'bench', '.work');

export interface Machine {
  date: string;
  cores: number;
  memoryGiB: number;
  cpuModel: string;
  loadAverage: [number, number, number];
  node: string;
}

export function machine(): Machine {
  const [l1, l5, l15] = loadavg();
  return {
    date: new Date().toISOString(),
    cores: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    loadAverage: [l1!, l5!, l15!],
    node: process.version,
  };
}

/**
 * The opening line of a Markdown report: when the run started and ended, the machine, Node (and
 * `extra`, such as Java's version) and the load average at both ends.
 */
export function reportHeader(m: Machine, end: Machine, extra?: string): string {
  return (
    `Started ${m.date}, ended ${end.date}; ${m.cores} cores (${m.cpuModel}), ${m.memoryGiB} GiB; ` +
    `Node ${m.node}; ${extra ? `${extra}; ` : ''}load average ${formatLoad(m.loadAverage)} at start, ` +
    `${formatLoad(end.loadAverage)} at end.`
  );
}

export function formatLoad(l: readonly number[]): string {
  return l.map((x) => x.toFixed(2)).join(' ');
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * The benchmarks import 'dstream' as users do, which resolves to the built dist/: rebuild it when
 * it is missing or older than a source file, so that a benchmark never measures stale code.
 */
export function ensureBuilt(): void {
  const entry = join(REPO_ROOT, 'dist', 'index.js');
  if (existsSync(entry) && statSync(entry).mtimeMs >= newestMtime(join(REPO_ROOT, 'src'))) return;
  process.stderr.write('[build] dist/ is missing or older than src/: npm run build...\n');
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
}
