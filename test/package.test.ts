// The package as users install it: every `exports` target of the built dist/ resolves through
// Node's own resolver and loads, the bin starts, and publint finds nothing wrong.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { publint } from 'publint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectBuilt, root } from './support/cli.js';

interface ExportTarget {
  'dstream:source'?: string;
  types?: string;
  import?: string;
}

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  bin: Record<string, string>;
  exports: Record<string, ExportTarget | string>;
};
const subpaths = Object.keys(pkg.exports);

/** What the subpaths known here must export, at least (any subpath must export something). */
const expectedNames: Record<string, string[]> = {
  '.': ['StreamingContext', 'Seconds', 'Milliseconds', 'Minutes', 'Time', 'DStream', 'RDD'],
  './testing': ['runBatches', 'createManualContext', 'ManualClock'],
  './sinks/files': ['saveAsPartitionedTextFile', 'partitionDirectory'],
  './sinks/postgres': ['PostgresSink', 'OffsetsMismatchError'],
  './sinks/mysql': ['MySqlSink', 'OffsetsMismatchError'],
  './sinks/elasticsearch': ['ElasticsearchSink', 'dailyIndex', 'DocumentRejectedError'],
  './package.json': ['default'],
};

let tmp: string;
beforeAll(async () => {
  expectBuilt();
  await mkdir(join(root, '.tmp'), { recursive: true });
  tmp = await mkdtemp(join(root, '.tmp', 'package-test-'));
});
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('package', () => {
  it('has a source, a types file and an import file for every subpath, built one from the other', () => {
    for (const [subpath, target] of Object.entries(pkg.exports)) {
      if (subpath === './package.json') continue;
      expect(typeof target, subpath).toBe('object');
      const { 'dstream:source': source, types, import: js } = target as ExportTarget;
      // The source condition comes first: tsc (customConditions) and vitest (aliases derived from
      // it) resolve the package's own name to its sources; Node and users skip it.
      expect(Object.keys(target), subpath).toEqual(['dstream:source', 'types', 'import']);
      expect(existsSync(join(root, source!)), source).toBe(true);
      expect(existsSync(join(root, types!)), types).toBe(true);
      expect(existsSync(join(root, js!)), js).toBe(true);
      // tsc builds src/ into dist/ file for file: the targets are the source's outputs.
      const built = source!.replace(/^\.\/src\//, './dist/').replace(/\.ts$/, '');
      expect([types, js], subpath).toEqual([`${built}.d.ts`, `${built}.js`]);
    }
  });

  it("loads every subpath through Node's resolver, by the package's name", async () => {
    // A module inside the package resolves `dstream/...` through package.json "exports", exactly
    // as an application that installed the package does.
    const script = join(tmp, 'import-all.mjs');
    await writeFile(
      script,
      `const out = {};
for (const subpath of ${JSON.stringify(subpaths)}) {
  const specifier = ${JSON.stringify(pkg.name)} + subpath.slice(1);
  const options = subpath.endsWith('.json') ? { with: { type: 'json' } } : undefined;
  out[subpath] = Object.keys(await import(specifier, options));
}
console.log(JSON.stringify(out));
`,
    );
    const { stdout } = await promisify(execFile)(process.execPath, [script], { cwd: root });
    const loaded = JSON.parse(stdout) as Record<string, string[]>;
    expect(Object.keys(loaded)).toEqual(subpaths);
    for (const subpath of subpaths) {
      expect(loaded[subpath]!.length, `${subpath} exports nothing`).toBeGreaterThan(0);
      const names = expectedNames[subpath];
      if (names) expect(loaded[subpath], subpath).toEqual(expect.arrayContaining(names));
    }
  });

  it('has a bin that Node can run', async () => {
    const bin = join(root, pkg.bin.dstream!);
    expect(readFileSync(bin, 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
    const { stdout } = await promisify(execFile)(process.execPath, [bin, '--version']);
    expect(stdout.trim()).toBe(pkg.version);
  });

  it("publishes types a strict compiler accepts, without the engine's internals", async () => {
    // A user's program, compiled against dist/*.d.ts by the package's name with skipLibCheck off:
    // the published declarations hold together, and what is marked @internal is not in them.
    const dir = join(tmp, 'consumer');
    await mkdir(dir, { recursive: true });
    await writeFile(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2024',
          lib: ['ES2024'],
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          types: ['node'],
          typeRoots: [join(root, 'node_modules', '@types')],
        },
        files: ['app.ts'],
      }),
    );
    await writeFile(join(dir, 'app.ts'), consumerApp);
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await promisify(execFile)(process.execPath, [tsc, '-p', dir]).then(
      () => '',
      (e: Error & { stdout?: string }) => e.stdout || e.message,
    );
    expect(result).toBe('');
  });

  it('passes publint with no error and no warning', async () => {
    const { messages } = await publint({ pkgDir: root, level: 'warning' });
    expect(messages).toEqual([]);
  });
});

/** What users write, with every extension point, and the internals they must not reach. */
const consumerApp = `
import {
  InputDStream, OffsetRange, Receiver, Seconds, SourceRDD, StateSpec, StreamingContext,
  hasOffsetRanges, registerPartitionReader,
  type BatchInfo, type DStream, type PartitionSource, type RDD, type SqlRow, type State, type StreamingListener, type Time,
} from 'dstream';
import { runBatches } from 'dstream/testing';
import { saveAsPartitionedTextFile } from 'dstream/sinks/files';
import { PostgresSink, type WriteResult } from 'dstream/sinks/postgres';
import { MySqlSink } from 'dstream/sinks/mysql';
import { ElasticsearchSink, dailyIndex, type IndexResult } from 'dstream/sinks/elasticsearch';

const ssc = new StreamingContext({ master: 'local[2]', appName: 'app', batchDuration: Seconds(1) });
const counts: DStream<readonly [string, number]> = ssc
  .socketTextStream('localhost', 9999)
  .flatMap((line) => line.split(' '))
  .map((w) => [w, 1] as const)
  .reduceByKey((a, b) => a + b);
counts.print(10);
counts.mapWithState(
  StateSpec.function((_k: string, v: number | undefined, s: State<number>) => {
    s.update((s.getOption() ?? 0) + (v ?? 0));
    return s.get();
  }),
);
counts.foreachRDD(async (rdd: RDD<readonly [string, number]>, time: Time) => {
  if (hasOffsetRanges(rdd)) rdd.offsetRanges.map((r: OffsetRange) => r.count());
  await saveAsPartitionedTextFile(rdd, time, '/tmp/out');
  const result: WriteResult = await sink.addTo('totals', ['key'], 'total', rdd, { positions: time });
  void result.applied;
  const upserted: WriteResult = await mysqlSink.upsert('counts', ['word'], rdd, {
    positions: time,
    columns: ['word', 'n'],
  });
  void upserted.rows;
  const indexed: IndexResult = await search.indexWithCounts(dailyIndex('counts'), rdd, { id: ([w]) => w, positions: time });
  void indexed.skipped;
});
const mysqlSink = MySqlSink.create({ url: 'mysql://root@127.0.0.1:3306/test', id: 'app' });
const search = ElasticsearchSink.create({ url: 'http://127.0.0.1:9200' });
const sink = PostgresSink.create({ url: 'postgres://postgres@127.0.0.1:5432/test', id: 'app' });
void sink.storedOffsets(['orders']).then((fromOffsets) => fromOffsets.map(([tp, o]) => tp.topic + o));
// @ts-expect-error internal
void sink.retries;
const listener: StreamingListener = {
  onBatchCompleted: ({ batchInfo }: { batchInfo: BatchInfo }) => void batchInfo.totalDelay,
};
ssc.addStreamingListener(listener);

interface Range extends PartitionSource { readonly kind: 'app.range'; readonly n: number }
registerPartitionReader<Range, number>({ kind: 'app.range', read: async ({ n }) => [n] });
class RangeRDD extends SourceRDD<number> {
  get numPartitions(): number { return 1; }
  protected get kind(): string { return 'range'; }
  partitionSource(): Range { return { kind: 'app.range', n: 1 }; }
}
class RangeStream extends InputDStream<number> {
  override async prepareBatch(_time: Time): Promise<void> {}
  compute(_time: Time): RDD<number> { return new RangeRDD(this.context.sparkContext); }
}
new RangeStream(ssc).count().print();
class Lines extends Receiver<string> {
  onStart(): void { this.store('line'); }
  onStop(): void {}
}
ssc.receiverStream(new Lines()).print();
void runBatches({ inputs: [[[1]]], numBatches: 1, build: (_ssc, [a]) => a!.map((x: number) => x + 1) });

// stream.sql is there without dstream/sql (it loads it on its first batch); rdd.toDF is typed as a
// DataFrame only in a program that imports dstream/sql, as Spark's needs import spark.implicits._.
const byProvince: DStream<SqlRow> = ssc
  .queueStream([ssc.sparkContext.parallelize([{ province: 'gd', amount: 1 }])])
  .sql('orders', 'SELECT province, sum(amount) AS total FROM orders GROUP BY province');
byProvince.print();
// @ts-expect-error no DataFrame without dstream/sql
void ssc.sparkContext.parallelize([['a', 1]]).toDF('word', 'n').show();

// The engine's own members are not in the published types.
// @ts-expect-error internal
void ssc.graph;
// @ts-expect-error internal
void ssc.scheduler;
// @ts-expect-error internal
void ssc.generator;
// @ts-expect-error internal
void ssc.listenerBus;
// @ts-expect-error internal
void ssc.startHooks;
// @ts-expect-error internal
ssc.registerInputStream;
// @ts-expect-error internal
void counts.zeroTime;
// @ts-expect-error internal
void counts.rememberDuration;
// @ts-expect-error internal
void counts.checkpointDuration;
// @ts-expect-error internal
counts.initialize;
// @ts-expect-error internal
counts.clearMetadata;
// @ts-expect-error internal
void ssc.sparkContext.blockManager;
`;
