/** The figures of bench/ui.ts (what the web UI costs), as a terminal table and as Markdown. */
import { reportHeader, type Machine } from './machine.ts';
import { formatSpread, median, type Spread } from './stats.ts';
import type { PageLoad } from './ui-pages.ts';

export type Variant = 'off' | 'on' | 'watched';
export const VARIANTS: readonly Variant[] = ['off', 'on', 'watched'];
export const VARIANT_LABELS: Record<Variant, string> = {
  off: 'UI off',
  on: 'UI on',
  watched: 'UI on, page + API fetched every interval',
};

export interface Options {
  rounds: number;
  lines: number;
  warmup: number;
  measured: number;
  intervalMs: number;
  samples: number;
  browser: boolean;
  verbose: boolean;
  report: string | undefined;
}

/** One run of the WordCount program. */
export interface Run {
  variant: Variant;
  round: number;
  linesPerSec: number;
  medianMs: number;
  /**
   * Lines per second of CPU time of the whole process (every thread) from the end of the last
   * warm-up batch to the end of the last batch: the UI's work between batches counts too.
   */
  linesPerCpuSec: number;
  peakRssMiB: number;
  fnv1a: string;
  loadAtStart: number;
  /** Page and API fetches made while it ran ("watched" only), and how many failed. */
  visits: number;
  failedVisits: number;
}

export interface Throughput {
  runs: Run[];
  fnv1a: string;
  linesPerSec: Record<Variant, Spread>;
  linesPerCpuSec: Record<Variant, Spread>;
  /** Per round: UI on over UI off, and watched over off (lines/s of processing time). */
  onOverOff: Spread;
  watchedOverOff: Spread;
  /** The same, of lines per CPU-second. */
  cpuOnOverOff: Spread;
  cpuWatchedOverOff: Spread;
}

function describe(o: Options, fnv1a: string): string {
  return (
    `WordCount local[2], ${o.lines.toLocaleString('en-US')} lines per batch, ${o.warmup} warm-up + ` +
    `${o.measured} measured batches, interval ${o.intervalMs} ms, ${o.rounds} rounds, fnv1a ${fnv1a}`
  );
}

function ofVariant(t: Throughput, v: Variant, f: (r: Run) => number): number {
  return median(t.runs.filter((r) => r.variant === v).map(f));
}

function ms(s: Spread | undefined, decimals = 1): string {
  return s === undefined ? '–' : formatSpread(s, decimals);
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

function status(p: PageLoad): string {
  return p.status === 200 ? kib(p.bytes) : `not served (${p.status})`;
}

/** Plain-text tables for the terminal. */
export function uiText(t: Throughput | undefined, pages: readonly PageLoad[], o: Options): string {
  const out: string[] = [];
  if (t) out.push('', ...throughputText(t, o));
  if (pages.length > 0) out.push('', ...pagesText(pages, o));
  return out.join('\n');
}

function throughputText(t: Throughput, o: Options): string[] {
  const out = [describe(o, t.fnv1a)];
  out.push('  k lines/s of processing time; k lines per CPU-second; median (min–max) over rounds');
  for (const v of VARIANTS) {
    out.push(
      `  ${VARIANT_LABELS[v].padEnd(42)} ${formatSpread(t.linesPerSec[v], 0, 1e-3).padEnd(18)} ` +
        `${formatSpread(t.linesPerCpuSec[v], 0, 1e-3).padEnd(18)} RSS ${Math.round(ofVariant(t, v, (r) => r.peakRssMiB))} MiB`,
    );
  }
  out.push(
    `  ratios per round, lines/s: on/off ${formatSpread(t.onOverOff, 3)}, watched/off ${formatSpread(t.watchedOverOff, 3)}`,
    `  ratios per round, lines/CPU-s: on/off ${formatSpread(t.cpuOnOverOff, 3)}, watched/off ${formatSpread(t.cpuWatchedOverOff, 3)}`,
  );
  return out;
}

function pagesText(pages: readonly PageLoad[], o: Options): string[] {
  const out = [
    `Pages, ${o.samples} requests each (ms, median (min–max)); Chromium: to the load event`,
  ];
  for (const p of pages) {
    out.push(
      `  ${String(p.retained).padStart(4)} batches  ${p.label.padEnd(20)} ${status(p).padEnd(18)} ` +
        `server ${p.status === 200 ? ms(p.serverMs).padEnd(18) : '–'.padEnd(18)} Chromium ${ms(p.browserLoadMs, 0)}`,
    );
  }
  return out;
}

/** The same figures as Markdown, for bench/RESULTS.md. */
export function uiMarkdown(
  t: Throughput | undefined,
  pages: readonly PageLoad[],
  o: Options,
  start: Machine,
  end: Machine,
  command: string,
): string {
  const out = [`Command: \`${command}\``, '', reportHeader(start, end)];
  if (t) out.push('', ...throughputMarkdown(t, o));
  if (pages.length > 0) out.push('', ...pagesMarkdown(pages, o));
  return out.join('\n') + '\n';
}

function throughputMarkdown(t: Throughput, o: Options): string[] {
  const out = [`### ${describe(o, t.fnv1a)}`, ''];
  out.push(
    '| UI | lines/s of processing time (median, min–max over rounds) | ms per batch | lines per CPU-second | peak RSS MiB |',
  );
  out.push('|---|---|---|---|---|');
  for (const v of VARIANTS) {
    out.push(
      `| ${VARIANT_LABELS[v]} | ${formatSpread(t.linesPerSec[v], 0, 1e-3)} k | ` +
        `${ofVariant(t, v, (r) => r.medianMs).toFixed(1)} | ${formatSpread(t.linesPerCpuSec[v], 0, 1e-3)} k | ` +
        `${Math.round(ofVariant(t, v, (r) => r.peakRssMiB))} |`,
    );
  }
  out.push(
    '',
    '| ratio (per round) | lines/s: median (min–max) | lines per CPU-s: median (min–max) |',
  );
  out.push('|---|---|---|');
  out.push(
    `| UI on / off | ${formatSpread(t.onOverOff, 3)} | ${formatSpread(t.cpuOnOverOff, 3)} |`,
  );
  out.push(
    `| UI on, watched / off | ${formatSpread(t.watchedOverOff, 3)} | ${formatSpread(t.cpuWatchedOverOff, 3)} |`,
  );
  out.push(
    '',
    'Per run (round, UI, lines/s, median ms per batch, lines per CPU-s, 1-min load at start, fetches while watched):',
    '',
  );
  for (const r of t.runs) {
    out.push(
      `- ${r.round + 1} ${VARIANT_LABELS[r.variant]}: ${Math.round(r.linesPerSec)} lines/s, ${r.medianMs.toFixed(1)} ms, ` +
        `${Math.round(r.linesPerCpuSec)} lines/CPU-s, load ${r.loadAtStart.toFixed(2)}` +
        (r.variant === 'watched' ? `, ${r.visits} fetches (${r.failedVisits} failed)` : ''),
    );
  }
  return out;
}

function pagesMarkdown(pages: readonly PageLoad[], o: Options): string[] {
  const out = [`### Pages: ${o.samples} requests (and loads) each after 3 unmeasured, ms`, ''];
  out.push(
    '| batches retained | path | size | server: request to body read | Chromium: navigation to load |',
  );
  out.push('|---|---|---|---|---|');
  for (const p of pages) {
    out.push(
      `| ${p.retained} | ${p.label} \`${p.path.replace(/applications\/[^/]+/, 'applications/{appId}')}\` | ${status(p)} | ` +
        `${p.status === 200 ? ms(p.serverMs) : '–'} | ${ms(p.browserLoadMs, 0)} |`,
    );
  }
  return out;
}
