/**
 * Where dstream's WordCount spends its time: runs the measured program of bench/wordcount.ts under
 * `node --cpu-prof`, then ranks functions by self time over the measured batches only (the
 * program prints that window; data generation and warm-up batches are left out, and so is idle
 * time between batches).
 *
 *   node bench/profile.ts [--program dstream|raw] [--master local[1]] [--lines 100000]
 *                         [--warmup 10] [--measured 10] [--interval 500] [--top 25]
 *   node bench/profile.ts --file some.cpuprofile [--window startUs,endUs]
 *
 * `--program raw` profiles the hand-written loop, to see which costs any WordCount pays.
 * `--no-inline` runs with `--no-turbo-inlining`: slower, but each closure of the fused pipeline
 * keeps its own frame instead of being folded into the function it was inlined into.
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { eventOf, runChild } from './lib/child.ts';
import { BENCH_WORK, ensureBuilt, REPO_ROOT } from './lib/machine.ts';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface CpuProfile {
  nodes: { id: number; callFrame: CallFrame }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileLine {
  name: string;
  where: string;
  selfMs: number;
  /** Share of the busy (non-idle) time of the window. */
  percent: number;
}

export interface ProfileSummary {
  windowMs: number;
  busyMs: number;
  top: ProfileLine[];
  byFile: ProfileLine[];
}

function where(cf: CallFrame): string {
  if (!cf.url) return '';
  const path = cf.url.startsWith('file://') ? decodeURIComponent(new URL(cf.url).pathname) : cf.url;
  const shown = path.startsWith(REPO_ROOT) ? relative(REPO_ROOT, path) : path;
  return cf.lineNumber >= 0 ? `${shown}:${cf.lineNumber + 1}` : shown;
}

function fileOf(cf: CallFrame): string {
  if (cf.functionName.startsWith('(')) return cf.functionName; // (garbage collector), (program)...
  if (!cf.url) return '(V8 builtins and native code)';
  return where({ ...cf, lineNumber: -1 });
}

/** Self time per function (and per file) of the samples taken between `startUs` and `endUs`. */
export function summarize(
  profile: CpuProfile,
  startUs: number,
  endUs: number,
  top: number,
): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const self = new Map<string, { cf: CallFrame; us: number }>();
  const files = new Map<string, number>();
  let t = profile.startTime;
  let windowUs = 0;
  let idleUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i]!;
    // A sample stands for the time until the next one.
    const next = i + 1 < profile.timeDeltas.length ? profile.timeDeltas[i + 1]! : 0;
    if (t < startUs || t > endUs) continue;
    const cf = byId.get(profile.samples[i]!)!;
    windowUs += next;
    if (cf.functionName === '(idle)') {
      idleUs += next;
      continue;
    }
    const key = `${cf.functionName}@${cf.url}:${cf.lineNumber}:${cf.columnNumber}`;
    const entry = self.get(key) ?? { cf, us: 0 };
    entry.us += next;
    self.set(key, entry);
    const file = fileOf(cf);
    files.set(file, (files.get(file) ?? 0) + next);
  }
  const busyUs = windowUs - idleUs;
  const line = (name: string, w: string, us: number): ProfileLine => ({
    name,
    where: w,
    selfMs: us / 1000,
    percent: busyUs > 0 ? (100 * us) / busyUs : 0,
  });
  return {
    windowMs: windowUs / 1000,
    busyMs: busyUs / 1000,
    top: [...self.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((e) => line(e.cf.functionName || '(anonymous)', where(e.cf), e.us)),
    byFile: [...files.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([f, us]) => line(f, '', us)),
  };
}

export function formatSummary(s: ProfileSummary): string {
  const out = [
    `measured window ${s.windowMs.toFixed(0)} ms, busy (not idle) ${s.busyMs.toFixed(0)} ms`,
    '',
    'self time by function (% of busy time):',
  ];
  for (const l of s.top) {
    out.push(
      `${l.percent.toFixed(1).padStart(6)} %  ${l.selfMs.toFixed(0).padStart(6)} ms  ${l.name}  ${l.where}`,
    );
  }
  out.push('', 'self time by file:');
  for (const l of s.byFile) {
    out.push(
      `${l.percent.toFixed(1).padStart(6)} %  ${l.selfMs.toFixed(0).padStart(6)} ms  ${l.name}`,
    );
  }
  return out.join('\n');
}

export async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      program: { type: 'string', default: 'dstream' },
      master: { type: 'string', default: 'local[1]' },
      lines: { type: 'string', default: '100000' },
      warmup: { type: 'string', default: '10' },
      measured: { type: 'string', default: '10' },
      interval: { type: 'string', default: '500' },
      top: { type: 'string', default: '25' },
      'no-inline': { type: 'boolean', default: false },
      file: { type: 'string' },
      window: { type: 'string' },
    },
  });
  const top = Number(values.top);
  if (values.file) {
    const profile = JSON.parse(readFileSync(values.file, 'utf8')) as CpuProfile;
    const [a, b] = (values.window ?? `0,${Number.MAX_SAFE_INTEGER}`).split(',').map(Number);
    process.stdout.write(formatSummary(summarize(profile, a!, b!, top)) + '\n');
    return;
  }
  ensureBuilt();
  const dir = join(BENCH_WORK, 'profiles');
  mkdirSync(dir, { recursive: true });
  const program = values.program === 'raw' ? 'raw' : 'dstream';
  const who = program === 'raw' ? 'raw loop' : `dstream ${values.master}`;
  const name = `wordcount-${program === 'raw' ? 'raw' : values.master.replace(/\W/g, '')}-${Date.now()}.cpuprofile`;
  const label = `${who} under --cpu-prof${values['no-inline'] ? ' --no-turbo-inlining' : ''}`;
  const run = await runChild(
    process.execPath,
    [
      ...(values['no-inline'] ? ['--no-turbo-inlining'] : []),
      '--cpu-prof',
      `--cpu-prof-dir=${dir}`,
      `--cpu-prof-name=${name}`,
      join(REPO_ROOT, 'bench', 'wordcount.ts'),
      '--child',
      program,
      '--master',
      values.master,
      '--lines',
      values.lines,
      '--warmup',
      values.warmup,
      '--measured',
      values.measured,
      '--interval',
      values.interval,
    ],
    { label, env: { ...process.env, DSTREAM_LOG_LEVEL: 'WARN' } },
  );
  const window = eventOf(run, 'window', label);
  const s = eventOf(run, 'summary', label);
  if (!readdirSync(dir).includes(name)) throw new Error(`no profile written in ${dir}`);
  const path = join(dir, name);
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  process.stdout.write(
    `WordCount, ${label}, ${values.lines} lines per batch, ${values.warmup} warm-up + ` +
      `${values.measured} measured batches: median ${String(s.medianMs)} ms per batch under the profiler\n` +
      `profile: ${relative(REPO_ROOT, path)}\n\n`,
  );
  process.stdout.write(
    formatSummary(summarize(profile, window.startUs as number, window.endUs as number, top)) + '\n',
  );
}

if (import.meta.main) await main(process.argv.slice(2));
