/**
 * `npm run bench -- sql`: SQL over 1 M-order batches in foreachRDD, dstream on DuckDB beside Apache
 * Spark SQL 3.5 inside Spark Streaming, on the same generated orders (lib/order-data.ts and
 * spark/src/OrderData.java), each program in a fresh process, taken in turn round after round.
 * Every batch: the batch RDD as a DataFrame (`orderId BIGINT, provinceId INT, orderPrice DOUBLE`),
 * the temporary view `orders`, then
 *   SELECT provinceId, sum(orderPrice) AS total, count(*) AS orders FROM orders GROUP BY provinceId
 * collected to the driver and checked against the totals known from generation.
 *
 * Beside the full program, two dstream programs take it apart: `dstream load` only moves the
 * batch into DuckDB (createDataFrame(rdd).count(): rows per second from RDD into DuckDB), and
 * `dstream collect` only brings the batch's rows from the task threads (rdd.collect()).
 *
 *   node bench/sql.ts [--rounds N] [--orders 1000000] [--warmup N] [--measured N] [--no-spark]
 *                     [--only spark,dstream,load,collect] [--verbose] [--report FILE]
 *
 * The figure is per-batch processing time (BatchInfo.processingDelay): the median and p90 of a
 * run's measured batches, then the median of those over rounds.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { eventOf, runChild } from './lib/child.ts';
import {
  BENCH_WORK,
  ensureBuilt,
  formatLoad,
  machine,
  REPO_ROOT,
  reportHeader,
} from './lib/machine.ts';
import { formatSpread, spread, type Spread } from './lib/stats.ts';
import { ensureSpark, javaVersion, sparkSqlCommand } from './spark/spark.ts';

export type SqlImpl = 'spark' | 'dstream' | 'load' | 'collect';
const IMPLS: readonly SqlImpl[] = ['spark', 'dstream', 'load', 'collect'];
const LABELS: Record<SqlImpl, string> = {
  spark: 'Spark SQL 3.5 local[2] (createDataFrame, view, sql, collect)',
  dstream: 'dstream local[2] on DuckDB (createDataFrame, view, sql, collect)',
  load: 'dstream: RDD into DuckDB only (createDataFrame(rdd).count())',
  collect: 'dstream: the RDD to the driver only (rdd.collect())',
};

interface Config {
  orders: number;
  warmup: number;
  measured: number;
  intervalMs: number;
  rounds: number;
}

interface Run {
  impl: SqlImpl;
  round: number;
  medianMs: number;
  p90Ms: number;
  answer: string;
  input: string;
  loadAtStart: number;
  peakRssMiB: number;
}

async function measure(impl: SqlImpl, c: Config, round: number, verbose: boolean, heap: string) {
  const label = `${impl} round ${round + 1}`;
  const [command, args, env] =
    impl === 'spark'
      ? (() => {
          const s = sparkSqlCommand({ ...c, master: 'local[2]', partitions: 2, heap });
          return [s.command, s.args, s.env] as const;
        })()
      : ([
          process.execPath,
          [
            join(import.meta.dirname, 'sql-child.ts'),
            impl,
            String(c.orders),
            String(c.warmup),
            String(c.measured),
            String(c.intervalMs),
          ],
          { ...process.env, DSTREAM_LOG_LEVEL: 'WARN' },
        ] as const);
  const r = await runChild(command, [...args], { env, verbose, label });
  const s = eventOf(r, 'summary', label);
  const d = eventOf(r, 'data', label);
  if (s.mismatches !== 0) {
    throw new Error(`${label}: ${String(s.mismatches)} batches answered wrong totals`);
  }
  const run: Run = {
    impl,
    round,
    medianMs: s.medianMs as number,
    p90Ms: s.p90Ms as number,
    answer: s.answer as string,
    input: d.fnv1a as string,
    loadAtStart: r.loadAtStart,
    peakRssMiB: s.peakRssMiB as number,
  };
  process.stderr.write(
    `[sql] round ${round + 1}/${c.rounds} ${impl.padEnd(8)} median ${run.medianMs.toFixed(0)} ms, ` +
      `p90 ${run.p90Ms.toFixed(0)} ms (load ${run.loadAtStart.toFixed(2)})\n`,
  );
  return run;
}

function rate(orders: number, ms: number): string {
  return `${((orders / ms) * 1000).toLocaleString('en-US', { maximumFractionDigits: 0 })}`;
}

function report(runs: readonly Run[], c: Config, impls: readonly SqlImpl[]): string {
  const out: string[] = [];
  const byImpl = new Map<SqlImpl, { median: Spread; p90: Spread }>();
  for (const impl of impls) {
    const mine = runs.filter((r) => r.impl === impl);
    byImpl.set(impl, {
      median: spread(mine.map((r) => r.medianMs)),
      p90: spread(mine.map((r) => r.p90Ms)),
    });
  }
  out.push(
    '| program | ms per batch, median (min–max over rounds) | p90 ms | orders/s |',
    '|---|---|---|---|',
  );
  for (const [impl, f] of byImpl) {
    out.push(
      `| ${LABELS[impl]} | ${formatSpread(f.median, 0)} | ${formatSpread(f.p90, 0)} | ${rate(c.orders, f.median.median)} |`,
    );
  }
  const ratios: number[] = [];
  for (let round = 0; round < c.rounds; round++) {
    const d = runs.find((r) => r.round === round && r.impl === 'dstream');
    const s = runs.find((r) => r.round === round && r.impl === 'spark');
    if (d && s) ratios.push(d.medianMs / s.medianMs);
  }
  if (ratios.length > 0) {
    out.push(
      '',
      `dstream / Spark per-batch time, per round: ${formatSpread(spread(ratios))} (target ≤ 0.50)`,
    );
  }
  out.push('', 'Per run (round, program, median and p90 ms, 1-min load at start):', '');
  for (const r of runs) {
    out.push(
      `- ${r.round + 1} ${r.impl}: ${r.medianMs.toFixed(0)} / ${r.p90Ms.toFixed(0)} ms, load ${r.loadAtStart.toFixed(2)}`,
    );
  }
  return out.join('\n');
}

export async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      rounds: { type: 'string', default: '3' },
      orders: { type: 'string', default: '1000000' },
      warmup: { type: 'string', default: '5' },
      measured: { type: 'string', default: '10' },
      interval: { type: 'string', default: '2000' },
      only: { type: 'string' },
      'no-spark': { type: 'boolean', default: false },
      'spark-heap': { type: 'string', default: '6g' },
      verbose: { type: 'boolean', default: false },
      report: { type: 'string' },
    },
  });
  const c: Config = {
    orders: Number(values.orders),
    warmup: Number(values.warmup),
    measured: Number(values.measured),
    intervalMs: Number(values.interval),
    rounds: Number(values.rounds),
  };
  const wanted = values.only?.split(',') ?? IMPLS;
  const impls = IMPLS.filter((i) => wanted.includes(i) && !(i === 'spark' && values['no-spark']));
  const start = machine();
  ensureBuilt();
  if (impls.includes('spark')) ensureSpark();
  const runs: Run[] = [];
  for (let round = 0; round < c.rounds; round++) {
    // Rotate the order so that no program always runs first (or right after Spark).
    const order = impls.map((_, k) => impls[(k + round) % impls.length]!);
    for (const impl of order) {
      runs.push(await measure(impl, c, round, values.verbose, values['spark-heap']));
    }
  }
  const inputs = new Set(runs.map((r) => r.input));
  if (inputs.size !== 1) throw new Error(`the programs saw different orders: ${[...inputs]}`);
  const answers = new Set(
    runs.filter((r) => r.impl !== 'load' && r.impl !== 'collect').map((r) => r.answer),
  );
  if (answers.size > 1) throw new Error(`the programs answered differently: ${[...answers]}`);
  const end = machine();
  const script = relative(REPO_ROOT, process.argv[1] ?? 'bench/run.ts');
  const command = `node ${script} ${process.argv.slice(2).join(' ')}`.trim();
  const text = [
    `Command: \`${command}\``,
    '',
    reportHeader(start, end, impls.includes('spark') ? javaVersion() : undefined),
    '',
    `${c.orders.toLocaleString('en-US')} orders per batch, ${c.warmup} warm-up + ${c.measured} measured ` +
      `batches, interval ${c.intervalMs} ms, ${c.rounds} rounds; input fnv1a ${[...inputs][0]}, ` +
      `answers fnv1a ${[...answers][0] ?? 'n/a'}`,
    '',
    report(runs, c, impls),
  ].join('\n');
  mkdirSync(BENCH_WORK, { recursive: true });
  const file = values.report ?? join(BENCH_WORK, `sql-${start.date.replace(/[:.]/g, '-')}.md`);
  writeFileSync(file, text + '\n');
  process.stdout.write(`${text}\n\nreport: ${file}\n`);
  process.stderr.write(`[sql] load average ${formatLoad(end.loadAverage)} at end\n`);
}
