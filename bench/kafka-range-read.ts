/**
 * Stand-alone: how long the engine's Kafka read path (src/sources/kafka/range-reader.ts) takes per
 * offset range, beside two variants of the same fetch loop, on a topic that holds more records
 * after each range (as a backlog does). Not a `npm run bench` subcommand; RESULTS.md, "Kafka".
 *
 *   npm run build && node bench/kafka-range-read.ts BOOTSTRAP TOPIC [RANGE=25000,50000] [RANGES=8]
 *
 * Variants, each reading RANGES consecutive ranges of partition 0 from offset 0, median ms per range:
 *   engine   readOffsetRange from dist/, as built (its consumer cache on)
 *   8mib     the fetch loop of the reader before the consumer cache (main 3eac9e3): a consumer per
 *            range (metadata), fetches of 8 MiB per partition whatever the range's size
 *   sized    that loop with each fetch's partitionMaxBytes sized to what is left of the range
 *            (bytes per record learnt from the previous fetch), a consumer per range
 *   reused   sized, with one consumer and its metadata kept across ranges (Spark's consumer cache)
 *   1mib     reused, with fetches of at most 1 MiB (as kafka-clients' max.partition.fetch.bytes)
 * and how many records each variant's fetches returned (all decoded by the client) per record of
 * the ranges.
 */
import { median } from './lib/stats.ts';

type RangeReader = typeof import('../src/sources/kafka/range-reader.js');
type KafkaSource = import('../src/sources/kafka/range-reader.js').KafkaRangeSource;
const { readOffsetRange } = (await import(
  new URL('../dist/sources/kafka/range-reader.js', import.meta.url).href
)) as RangeReader;
const { Consumer } = await import('@platformatic/kafka');

const [bootstrap = '127.0.0.1:9092', topic = 'bench-lines-p2', sizesArg, countArg] =
  process.argv.slice(2);
const sizes = (sizesArg ?? '25000,50000').split(',').map(Number);
const count = Number(countArg ?? 8);
const MAX = 8 << 20;

const newConsumer = () =>
  new Consumer({ clientId: 'range-read', groupId: 'range-read', bootstrapBrokers: [bootstrap] });
type KafkaConsumer = ReturnType<typeof newConsumer>;

async function openConsumer(): Promise<{ c: KafkaConsumer; leader: number; id: string }> {
  const c = newConsumer();
  const t = (await c.metadata({ topics: [topic] })).topics.get(topic)!;
  return { c, leader: t.partitions[0]!.leader, id: t.id };
}

/** The engine's fetch loop, with partitionMaxBytes sized to the rest of the range. */
async function readSized(
  k: { c: KafkaConsumer; leader: number; id: string },
  from: number,
  until: number,
  sized: boolean,
  cap = MAX,
): Promise<{ records: number; parsed: number }> {
  let next = BigInt(from);
  const end = BigInt(until);
  let records = 0;
  let parsed = 0;
  let bytesPerRecord = 0;
  while (next < end) {
    const left = Number(end - next);
    const want =
      sized && bytesPerRecord > 0
        ? Math.min(cap, Math.max(64 << 10, Math.ceil(left * bytesPerRecord * 1.05)))
        : sized
          ? Math.min(cap, 256 << 10)
          : MAX;
    const res = await k.c.fetch({
      node: k.leader,
      topics: [
        {
          topicId: k.id,
          partitions: [
            {
              partition: 0,
              fetchOffset: next,
              partitionMaxBytes: want,
              currentLeaderEpoch: -1,
              lastFetchedEpoch: -1,
            },
          ],
        },
      ],
      maxWaitTime: 100,
      minBytes: 1,
      maxBytes: want,
    });
    const part = res.responses[0]?.partitions[0];
    let got = 0;
    let bytes = 0;
    for (const batch of part?.records ?? []) {
      bytes += batch.length;
      for (const r of batch.records) {
        parsed++;
        got++;
        const offset = batch.firstOffset + BigInt(r.offsetDelta);
        if (offset < next || offset >= end) continue;
        r.value!.toString('utf8');
        records++;
        next = offset + 1n;
      }
    }
    if (got > 0) bytesPerRecord = bytes / got;
  }
  return { records, parsed };
}

async function time(f: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
}

for (const size of sizes) {
  const source = (from: number): KafkaSource => ({
    kind: 'kafkaRange',
    bootstrap: [bootstrap],
    groupId: 'range-read',
    topic,
    partition: 0,
    fromOffset: from,
    untilOffset: from + size,
    key: 'string',
    value: 'string',
    pollTimeoutMs: 10_000,
    consumerCache: { enabled: true, maxCapacity: 64 },
    allowNonConsecutiveOffsets: false,
    badRecords: 'fail',
  });
  const variants = ['engine', '8mib', 'sized', 'reused', '1mib'];
  const results: Record<string, number[]> = Object.fromEntries(variants.map((v) => [v, []]));
  const parsed: Record<string, number> = Object.fromEntries(variants.map((v) => [v, NaN]));
  parsed['8mib'] = parsed.sized = parsed.reused = parsed['1mib'] = 0;
  const kept = await openConsumer();
  // Two passes, the first a warm-up; the variants interleaved range by range.
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < count; i++) {
      const from = i * size;
      const e = await time(() => readOffsetRange(source(from)));
      const s = await time(async () => {
        const k = await openConsumer();
        try {
          const n = (await readSized(k, from, from + size, true)).parsed;
          if (pass === 1) parsed.sized! += n;
        } finally {
          await k.c.close(true);
        }
      });
      const r = await time(async () => {
        const n = (await readSized(kept, from, from + size, true)).parsed;
        if (pass === 1) parsed.reused! += n;
      });
      const m = await time(async () => {
        const n = (await readSized(kept, from, from + size, true, 1 << 20)).parsed;
        if (pass === 1) parsed['1mib']! += n;
      });
      const o = await time(async () => {
        const k = await openConsumer();
        try {
          const n = (await readSized(k, from, from + size, false)).parsed;
          if (pass === 1) parsed['8mib']! += n;
        } finally {
          await k.c.close(true);
        }
      });
      if (pass === 1) {
        results.engine!.push(e);
        results['8mib']!.push(o);
        results.sized!.push(s);
        results.reused!.push(r);
        results['1mib']!.push(m);
      }
    }
  }
  await kept.c.close(true);
  for (const v of variants) {
    const ms = median(results[v]!);
    process.stdout.write(
      `${topic} range ${size}: ${v.padEnd(6)} ${ms.toFixed(1).padStart(7)} ms per range ` +
        `(${Math.round(size / (ms / 1000)).toLocaleString('en-US')} records/s), ` +
        (Number.isNaN(parsed[v])
          ? ''
          : `decoded ${(parsed[v]! / (count * size)).toFixed(2)}x the range's records`) +
        '\n',
    );
  }
}
// The engine's consumer cache keeps its consumer open (a context's stop would close it).
process.exit(0);
