/**
 * What the web UI costs (issue 19), in one run:
 *
 * 1. WordCount throughput with the UI off, on, and on while watched, side by side: the program of
 *    bench/wordcount.ts (`--child dstream`, local[2], the same generated lines, checked by their
 *    checksum), its UI switched by `DSTREAM_CONF` as `dstream run --conf` would; "watched" means
 *    this process fetches `/streaming/` and the API's batches every batch interval while it runs,
 *    as an open page refreshing itself would. Lines (input records) per second of processing time,
 *    median over the measured batches; the variants alternate, round after round, in rotated order.
 * 2. The pages with 1000 retained batches (bench/lib/ui-pages.ts): a context on the test kit's
 *    manual clock runs 1100 real batches, then every page and API path is fetched (server time)
 *    and the HTML ones loaded in headless Chromium (to the `load` event), beside the same with 10.
 *
 *   node bench/ui.ts [--quick] [--rounds N] [--lines N] [--samples N] [--no-browser]
 *                    [--only throughput|pages] [--verbose] [--report FILE]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { eventOf, runChild, type BenchEvent } from './lib/child.ts';
import { BENCH_WORK, ensureBuilt, formatLoad, machine, REPO_ROOT } from './lib/machine.ts';
import { formatSpread, spread, type Spread } from './lib/stats.ts';
import { measurePages, type PageLoad } from './lib/ui-pages.ts';
import {
  uiMarkdown,
  uiText,
  VARIANT_LABELS,
  VARIANTS,
  type Options,
  type Run,
  type Throughput,
  type Variant,
} from './lib/ui-report.ts';

const UI_CONF: Record<Variant, string> = {
  off: '{"spark.ui.enabled":"false"}',
  on: '{"spark.ui.enabled":"true","spark.ui.port":"0"}',
  watched: '{"spark.ui.enabled":"true","spark.ui.port":"0"}',
};

/** Fetches the page and the API's batches every `intervalMs`, as an open page would. */
function watch(url: string, intervalMs: number, counts: { visits: number; failed: number }) {
  let appId: string | undefined;
  const visit = async (): Promise<void> => {
    try {
      appId ??= ((await (await fetch(`${url}/api/v1/applications`)).json()) as { id: string }[])[0]
        ?.id;
      for (const path of ['/streaming/', `/api/v1/applications/${appId}/streaming/batches`]) {
        const res = await fetch(url + path);
        await res.arrayBuffer();
        counts.visits++;
        if (res.status !== 200) counts.failed++;
      }
    } catch {
      // The program stopped (and its UI with it) while a visit was under way.
    }
  };
  const timer = setInterval(() => void visit(), intervalMs);
  return () => clearInterval(timer);
}

async function measure(variant: Variant, round: number, o: Options): Promise<Run> {
  const args = [
    join(import.meta.dirname, 'wordcount.ts'),
    ...['--child', 'dstream', '--master', 'local[2]', '--partitions', '2'],
    ...['--lines', String(o.lines), '--warmup', String(o.warmup)],
    ...['--measured', String(o.measured), '--interval', String(o.intervalMs)],
  ];
  const label = `wordcount ${VARIANT_LABELS[variant]}`;
  const counts = { visits: 0, failed: 0 };
  let stopWatching = (): void => {};
  const onEvent = (e: BenchEvent): void => {
    if (variant === 'watched' && e.event === 'ui' && typeof e.url === 'string')
      stopWatching = watch(e.url, o.intervalMs, counts);
  };
  const env = { ...process.env, DSTREAM_LOG_LEVEL: 'WARN', DSTREAM_CONF: UI_CONF[variant] };
  let r;
  try {
    r = await runChild(process.execPath, args, { env, verbose: o.verbose, label, onEvent });
  } finally {
    stopWatching();
  }
  const ui = eventOf(r, 'ui', label);
  // A run whose UI was not as asked measures nothing of what it claims.
  if ((ui.url === null) !== (variant === 'off'))
    throw new Error(
      `${label}: the UI is ${ui.url === null ? 'off' : `at ${JSON.stringify(ui.url)}`}`,
    );
  if (variant === 'watched' && counts.visits === 0)
    throw new Error(`${label}: no page was fetched while it ran`);
  const s = eventOf(r, 'summary', label);
  if (s.sumMismatches !== 0) throw new Error(`${label}: wrong counts`);
  return {
    variant,
    round,
    linesPerSec: s.linesPerSec as number,
    medianMs: s.medianMs as number,
    linesPerCpuSec: (o.lines * o.measured) / ((eventOf(r, 'window', label).cpuMs as number) / 1000),
    peakRssMiB: s.peakRssMiB as number,
    fnv1a: eventOf(r, 'data', label).fnv1a as string,
    loadAtStart: r.loadAtStart,
    visits: counts.visits,
    failedVisits: counts.failed,
  };
}

/** Per round, a variant's figure over the UI-off run's. */
function ratio(runs: readonly Run[], variant: Variant, figure: (r: Run) => number): Spread {
  const values: number[] = [];
  for (const off of runs.filter((r) => r.variant === 'off')) {
    const other = runs.find((r) => r.variant === variant && r.round === off.round);
    if (other) values.push(figure(other) / figure(off));
  }
  return spread(values);
}

function byVariant(runs: readonly Run[], figure: (r: Run) => number): Record<Variant, Spread> {
  return Object.fromEntries(
    VARIANTS.map((v) => [v, spread(runs.filter((r) => r.variant === v).map(figure))]),
  ) as Record<Variant, Spread>;
}

async function throughput(o: Options): Promise<Throughput> {
  const runs: Run[] = [];
  for (let round = 0; round < o.rounds; round++) {
    const order = VARIANTS.map((_, k) => VARIANTS[(k + round) % VARIANTS.length]!);
    for (const variant of order) {
      const run = await measure(variant, round, o);
      runs.push(run);
      process.stderr.write(
        `[ui] round ${round + 1}/${o.rounds} ${VARIANT_LABELS[variant].padEnd(41)} ` +
          `${Math.round(run.linesPerSec / 1000)} k lines/s (median ${run.medianMs.toFixed(1)} ms/batch), ` +
          `${Math.round(run.linesPerCpuSec / 1000)} k lines/CPU-s` +
          `${variant === 'watched' ? `, ${run.visits} fetches` : ''}\n`,
      );
    }
  }
  const checksums = new Set(runs.map((r) => r.fnv1a));
  if (checksums.size !== 1) throw new Error(`the runs saw different data: ${[...checksums]}`);
  return {
    runs,
    fnv1a: [...checksums][0]!,
    linesPerSec: byVariant(runs, (r) => r.linesPerSec),
    linesPerCpuSec: byVariant(runs, (r) => r.linesPerCpuSec),
    onOverOff: ratio(runs, 'on', (r) => r.linesPerSec),
    watchedOverOff: ratio(runs, 'watched', (r) => r.linesPerSec),
    cpuOnOverOff: ratio(runs, 'on', (r) => r.linesPerCpuSec),
    cpuWatchedOverOff: ratio(runs, 'watched', (r) => r.linesPerCpuSec),
  };
}

export async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean', default: false },
      rounds: { type: 'string' },
      lines: { type: 'string', default: '100000' },
      samples: { type: 'string' },
      'no-browser': { type: 'boolean', default: false },
      only: { type: 'string' },
      verbose: { type: 'boolean', default: false },
      report: { type: 'string' },
    },
  });
  const quick = values.quick;
  const o: Options = {
    rounds: Number(values.rounds ?? (quick ? 2 : 5)),
    lines: Number(values.lines),
    warmup: quick ? 5 : 10,
    measured: quick ? 5 : 15,
    intervalMs: 500,
    samples: Number(values.samples ?? (quick ? 5 : 20)),
    browser: !values['no-browser'],
    verbose: values.verbose,
    report: values.report,
  };
  const start = machine();
  const command = `npm run bench -- ui ${argv.join(' ')}`.trim();
  const only = values.only;
  if (only !== undefined && only !== 'throughput' && only !== 'pages')
    throw new Error(`--only throughput|pages, not ${only}`);
  const plan = [
    only === 'pages' ? '' : `${o.rounds} rounds of WordCount with the UI ${VARIANTS.join(' / ')}`,
    only === 'throughput' ? '' : 'the pages with 10 and 1000 batches',
  ];
  process.stderr.write(
    `[ui] ${start.cores} cores, ${start.cpuModel}, load ${formatLoad(start.loadAverage)}; ` +
      `${plan.filter((p) => p !== '').join(', then ')}\n`,
  );
  ensureBuilt();
  const t = only === 'pages' ? undefined : await throughput(o);
  const pages: PageLoad[] =
    only === 'throughput'
      ? []
      : await measurePages({
          completed: [10, 1100],
          samples: o.samples,
          warmup: 3,
          lines: 100,
          browser: o.browser,
        });
  const end = machine();

  mkdirSync(BENCH_WORK, { recursive: true });
  const stamp = start.date.replace(/[:.]/g, '-');
  const raw = join(BENCH_WORK, `ui-${stamp}.json`);
  writeFileSync(
    raw,
    JSON.stringify({ machine: start, end, options: o, throughput: t, pages }, null, 1),
  );
  const report = o.report ?? join(BENCH_WORK, `ui-${stamp}.md`);
  writeFileSync(report, uiMarkdown(t, pages, o, start, end, command));
  process.stdout.write(uiText(t, pages, o) + '\n\n');
  process.stdout.write(
    `raw results: ${relative(REPO_ROOT, raw)}\nreport: ${relative(REPO_ROOT, report)}\n`,
  );
  process.stdout.write(headline(t, pages) + '\n');
}

/** The last line: the ratios, and the statistics page with 1000 batches. */
function headline(t: Throughput | undefined, pages: readonly PageLoad[]): string {
  const parts: string[] = [];
  if (t) {
    parts.push(
      `WordCount lines/s with the UI on ${formatSpread(t.onOverOff)}x of off, watched ${formatSpread(t.watchedOverOff)}x`,
      `lines per CPU-s on ${formatSpread(t.cpuOnOverOff)}x, watched ${formatSpread(t.cpuWatchedOverOff)}x`,
    );
  }
  const page = pages.find((p) => p.retained === 1000 && p.path === '/streaming/');
  if (page) {
    const load = page.browserLoadMs ? `${page.browserLoadMs.median.toFixed(0)} ms` : '–';
    parts.push(
      `/streaming/ with 1000 batches: ${page.serverMs.median.toFixed(1)} ms server, ${load} to load in Chromium`,
    );
  }
  return `ui: ${parts.join('; ')}`;
}

if (import.meta.main) await main(process.argv.slice(2));
