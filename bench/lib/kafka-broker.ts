/**
 * The Kafka benchmark's broker and topics: the project's own single-node broker
 * (src/cli/kafka/broker.ts, the code of `dstream kafka start`, imported built from dist/) on free
 * ports with a run directory of its own under bench/.work/kafka, topics made with the project's
 * admin client, and the WordCount lines (lib/word-data.ts) produced into them.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_WORK } from './machine.ts';
import { FNV_OFFSET, fnv1a, hex, WordGenerator } from './word-data.ts';

type BrokerModule = typeof import('../../src/cli/kafka/broker.js');
type ClientModule = typeof import('../../src/sources/kafka/client/index.js');

// The built code (types from the sources, so that this file type-checks before a build); loaded
// on first use, after the benchmark has made sure dist/ is current.
async function brokerModule(): Promise<BrokerModule> {
  return (await import(
    new URL('../../dist/cli/kafka/broker.js', import.meta.url).href
  )) as BrokerModule;
}
async function clientModule(): Promise<ClientModule> {
  return (await import(
    new URL('../../dist/sources/kafka/client/index.js', import.meta.url).href
  )) as ClientModule;
}

export interface BenchBroker {
  bootstrap: string;
  runDir: string;
  pid: number;
  readyMs: number;
  stop(): Promise<void>;
}

/** Starts a fresh broker (new run directory, free ports); `stop()` stops it and removes its data. */
export async function startBenchBroker(
  progress: (m: string) => void,
  heap = '1g',
): Promise<BenchBroker> {
  const { startBroker, stopBroker, freePort } = await brokerModule();
  const runDir = join(BENCH_WORK, 'kafka', `run-${process.pid}`);
  rmSync(runDir, { recursive: true, force: true });
  mkdirSync(runDir, { recursive: true });
  const port = await freePort();
  let controllerPort = await freePort();
  while (controllerPort === port) controllerPort = await freePort();
  const status = await startBroker({ runDir, port, controllerPort, heap, progress });
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await stopBroker(runDir);
    rmSync(runDir, { recursive: true, force: true });
  };
  return { bootstrap: status.bootstrap!, runDir, pid: status.pid!, readyMs: status.readyMs, stop };
}

export interface ProducedTopic {
  topic: string;
  partitions: number;
  records: number;
  /** FNV-1a of the lines in generation order (lib/word-data.ts's checksum of the run). */
  fnv1a: string;
  /** End offset of each partition after producing. */
  endOffsets: number[];
  produceMs: number;
}

/**
 * Creates `topic` with `partitions` partitions and sends it `records` lines of the generator,
 * line i to partition i mod `partitions` (so every partition holds the same count, in the
 * generator's order), in requests of `chunk` lines with up to 4 in flight, acknowledged by the
 * leader's log (acks=all, one broker).
 */
export async function produceLines(
  bootstrap: string,
  topic: string,
  partitions: number,
  records: number,
  chunk = 10_000,
): Promise<ProducedTopic> {
  const { createTopic, loadKafka } = await clientModule();
  await createTopic([bootstrap], topic, partitions);
  const { Producer, ProduceAcks, stringSerializers, Consumer, ListOffsetTimestamps } =
    await loadKafka();
  const producer = new Producer({
    clientId: 'dstream-bench-producer',
    bootstrapBrokers: [bootstrap],
    serializers: stringSerializers,
    acks: ProduceAcks.ALL,
  });
  const t0 = performance.now();
  const gen = new WordGenerator();
  let h = FNV_OFFSET;
  const inFlight = new Set<Promise<unknown>>();
  try {
    for (let sent = 0; sent < records;) {
      const n = Math.min(chunk, records - sent);
      const messages = new Array<{ topic: string; value: string; partition: number }>(n);
      for (let i = 0; i < n; i++) {
        const value = gen.nextLine();
        h = fnv1a(h, value);
        messages[i] = { topic, value, partition: (sent + i) % partitions };
      }
      sent += n;
      const p: Promise<unknown> = producer.send({ messages }).finally(() => inFlight.delete(p));
      inFlight.add(p);
      if (inFlight.size >= 4) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  } finally {
    await producer.close();
  }
  const produceMs = performance.now() - t0;
  // The end offsets, as the consumers will see them.
  const consumer = new Consumer({
    clientId: 'dstream-bench-offsets',
    groupId: 'dstream-bench-offsets',
    bootstrapBrokers: [bootstrap],
  });
  let endOffsets: number[];
  try {
    const ends = await consumer.listOffsets({
      topics: [topic],
      timestamp: ListOffsetTimestamps.LATEST,
    });
    endOffsets = (ends.get(topic) ?? []).map(Number);
  } finally {
    await consumer.close(true);
  }
  const sum = endOffsets.reduce((a, b) => a + b, 0);
  if (endOffsets.length !== partitions || sum !== records) {
    throw new Error(
      `${topic}: end offsets ${endOffsets.join(',')} do not add up to the ${records} records sent`,
    );
  }
  return { topic, partitions, records, fnv1a: hex(h), endOffsets, produceMs };
}
