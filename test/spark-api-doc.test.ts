// docs/spark-api.md maps Spark's API to dstream's. Every row must be filled (no Spark API left
// unexplained), and every name its dstream column gives must exist: checked on the runtime
// objects (a context, a stream, an RDD, a State a mapping function got, a BatchInfo a listener
// got...), and for names that exist only as types, in the interfaces' source.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as dstream from 'dstream';
import * as kafka from 'dstream/kafka';
import * as files from 'dstream/sinks/files';
import * as flume from 'dstream/flume';
import * as testing from 'dstream/testing';

const root = join(import.meta.dirname, '..');
const doc = readFileSync(join(root, 'docs', 'spark-api.md'), 'utf8');

interface Row {
  line: number;
  spark: string;
  dstream: string;
  notes: string;
}

/** The rows of every table whose header is `Spark API | dstream | Notes`. */
function tableRows(markdown: string): Row[] {
  const rows: Row[] = [];
  let inTable = false;
  markdown.split('\n').forEach((text, i) => {
    if (!text.startsWith('|')) {
      inTable = false;
      return;
    }
    // Cells split at pipes not escaped (`\|` stands for a pipe inside a cell).
    const cells = text
      .slice(1, text.trimEnd().endsWith('|') ? text.trimEnd().length - 1 : undefined)
      .split(/(?<!\\)\|/)
      .map((c) => c.trim());
    if (cells[0] === 'Spark API') {
      inTable = true;
      expect(cells, `header at line ${i + 1}`).toEqual(['Spark API', 'dstream', 'Notes']);
      return;
    }
    if (!inTable || /^-+$/.test(cells[0] ?? '')) return;
    rows.push({
      line: i + 1,
      spark: cells[0] ?? '',
      dstream: cells[1] ?? '',
      notes: cells[2] ?? '',
    });
    expect(cells.length, `cells at line ${i + 1}`).toBe(3);
  });
  return rows;
}

/** The code spans of a cell. */
function codeSpans(cell: string): string[] {
  return [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
}

/** `ssc.fileStream(dir, {...})` → ['ssc', 'fileStream']; `new StreamingContext(...)` → ['StreamingContext']. */
function reference(code: string): [string, string | undefined] {
  const m = /^(?:new\s+)?([A-Za-z_$][\w$]*)(?:\.([A-Za-z_$][\w$]*))?/.exec(code);
  expect(m, `an API reference: ${code}`).not.toBeNull();
  return [m![1]!, m![2]];
}

/** The members an exported interface declares, read from its source. */
function interfaceMembers(file: string, name: string): Set<string> {
  const text = readFileSync(join(root, file), 'utf8');
  const start = text.indexOf(`export interface ${name} {`);
  expect(start, `interface ${name} in ${file}`).toBeGreaterThanOrEqual(0);
  const body = text.slice(start, text.indexOf('\n}', start));
  return new Set([...body.matchAll(/^ {2}(?:readonly )?(\w+)\??[:(]/gm)].map((m) => m[1]!));
}

/** The runtime objects the doc's aliases stand for, from a real (small) run. */
async function aliases(): Promise<Record<string, object>> {
  const { ssc } = testing.createManualContext();
  const sc = ssc.sparkContext;
  const rdd = sc.parallelize([1]);
  const stream = ssc.queueStream([rdd]);
  class Quiet extends dstream.Receiver<number> {
    onStart(): void {}
    onStop(): void {}
  }
  let state: object | undefined;
  let batchInfo: object | undefined;
  const checkpointDir = mkdtempSync(join(tmpdir(), 'dstream-spark-api-'));
  await testing.runBatches({
    inputs: [[[['k', 1] as const]]],
    numBatches: 1,
    checkpointDir,
    build: (context, [pairs]) => {
      context.addStreamingListener({ onBatchCompleted: (e) => (batchInfo = e.batchInfo) });
      return pairs!.mapWithState(
        dstream.StateSpec.function(
          (_k: string, v: number | undefined, s: dstream.State<number>) => {
            state = s;
            return v;
          },
        ),
      );
    },
  });
  await ssc.stop();
  rmSync(checkpointDir, { recursive: true, force: true });
  expect(state).toBeDefined();
  expect(batchInfo).toBeDefined();
  return {
    ssc,
    sc,
    stream,
    pairs: stream,
    rdd,
    pairRDD: rdd,
    spec: dstream.StateSpec.function(() => undefined),
    state: state!,
    batchInfo: batchInfo!,
    receiver: new Quiet(),
    kafkaStream: kafka.DirectKafkaInputDStream.prototype,
    offsetRange: kafka.OffsetRange.create('orders', 0, 0, 1),
  };
}

/** Aliases of types that have no runtime object: their members are read from the source. */
const typeAliases: Record<string, [string, string]> = {
  listener: ['src/streaming/listener-bus.ts', 'StreamingListener'],
  receiverInfo: ['src/streaming/listener-bus.ts', 'ReceiverInfo'],
};

const exportSources = ['src/index.ts', 'src/sources/index.ts', 'src/sources/kafka/index.ts']
  .map((f) => readFileSync(join(root, f), 'utf8'))
  .join('\n');
const runtimeExports: Record<string, unknown> = {
  ...files,
  ...flume,
  ...kafka,
  ...testing,
  ...dstream,
};

describe('docs/spark-api.md', () => {
  const rows = tableRows(doc);

  it('has a row for each part of the API, none left unexplained', () => {
    expect(rows.length).toBeGreaterThan(150);
    const unexplained = rows.filter((r) => r.spark === '' || r.dstream === '' || r.notes === '');
    expect(unexplained).toEqual([]);
    // A row gives dstream's names as code, or says there is none (and the notes say why).
    const neither = rows.filter(
      (r) => !r.dstream.startsWith('—') && codeSpans(r.dstream).length === 0,
    );
    expect(neither).toEqual([]);
  });

  it('covers what a streaming user reaches for', () => {
    const spark = rows.map((r) => r.spark).join('\n');
    for (const name of [
      'awaitTerminationOrTimeout',
      'getActiveOrCreate',
      'fileStream',
      'rawSocketStream',
      'binaryRecordsStream',
      'updateStateByKey',
      'mapWithState',
      'reduceByKeyAndWindow',
      'createDirectStream',
      'FlumeUtils.createStream',
      'broadcast',
      'longAccumulator',
      'StorageLevel',
      'HashPartitioner',
      'top(num)',
      'toDebugString',
    ]) {
      expect(spark, name).toContain(name);
    }
  });

  it('names only what exists', { timeout: 60_000 }, async () => {
    const objects = await aliases();
    const missing: string[] = [];
    for (const row of rows) {
      for (const code of codeSpans(row.dstream)) {
        const [head, member] = reference(code);
        let found: boolean;
        if (head in objects) {
          found = member !== undefined && member in objects[head]!;
        } else if (head in typeAliases) {
          const [file, type] = typeAliases[head]!;
          found = member !== undefined && interfaceMembers(file, type).has(member);
        } else if (head in runtimeExports) {
          const value = runtimeExports[head];
          found = member === undefined || (value !== null && member in Object(value));
        } else {
          // A type-only export (an interface), named in an export list of an entry point.
          found = member === undefined && new RegExp(`\\btype ${head}\\b`).test(exportSources);
        }
        if (!found) {
          missing.push(`line ${row.line}: ${code}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('is linked from the README', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    expect(readme.includes('](docs/spark-api.md)')).toBe(true);
  });
});
