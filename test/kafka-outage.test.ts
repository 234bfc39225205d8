// A direct stream whose broker goes away for 20 s mid-stream and comes back on the same data
// directory: batches wait and retry, every record is processed exactly once (counted per offset),
// the committed offsets reach the end, and the stream goes on. The broker here is this file's own
// (the run's shared broker is used by other files at the same time and must never stop). The
// figures it prints (outage, restart, longest pause between batches with records) are measured,
// never asserted.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Seconds, StreamingContext } from 'dstream';
import { ConsumerStrategies, KafkaUtils, LocationStrategies, OffsetRange } from 'dstream/kafka';
import { createManualContext } from 'dstream/testing';
import {
  brokerStatus,
  freePort,
  startBroker,
  stopBroker,
  type BrokerOptions,
} from '../src/cli/kafka/broker.js';
import { createTopic } from '../src/sources/kafka/client/admin.js';
import { openProducer, type StringProducer } from '../src/sources/kafka/client/producer.js';
import { broker as shared, skipKafka } from './support/kafka-broker.js';
import { committedOffsets, latestOffsets } from './support/kafka-topics.js';

const OUTAGE_MS = 20_000;
const PARTITIONS = 2;

let options: BrokerOptions;
let bootstrap: string;

beforeAll(async () => {
  if (skipKafka) return;
  options = {
    runDir: mkdtempSync(join(tmpdir(), 'dstream-kafka-outage-')),
    port: await freePort(),
    controllerPort: await freePort(),
  };
  bootstrap = (await startBroker(options)).bootstrap!;
}, 180_000);

afterAll(async () => {
  if (!options) return;
  await stopBroker(options.runDir);
  rmSync(options.runDir, { recursive: true, force: true });
});

/** Writes `<partition>:<i>` to each partition in turn until stopped, waiting out failed sends. */
function producing(producer: StringProducer, topic: string) {
  const acknowledged = new Set<string>();
  let next = 0;
  let stopped = false;
  const done = (async () => {
    while (!stopped) {
      const values = Array.from({ length: PARTITIONS }, (_, p) => ({
        value: `${p}:${next}`,
        partition: p,
      }));
      try {
        await producer.send(topic, values);
        for (const v of values) acknowledged.add(v.value);
        next++;
      } catch {
        // The broker is away: the same values again (a send that failed may still have been
        // written: a duplicate value at a new offset, which the stream must read like any other).
      }
      await sleep(20);
    }
  })();
  return {
    acknowledged,
    get sent() {
      return next;
    },
    async stop() {
      stopped = true;
      await done;
    },
  };
}

describe.skipIf(skipKafka)(
  `a direct stream through a broker outage${skipKafka ? ` (skipped: ${shared.reason})` : ''}`,
  () => {
    it('a KafkaRDD read while the broker is down waits for it, then reads every record once', async () => {
      const topic = `outage-rdd-${Date.now()}`;
      await createTopic([bootstrap], topic, 1);
      const producer = await openProducer([bootstrap]);
      const sent = Array.from({ length: 100 }, (_, i) => `0:${i}`);
      try {
        await producer.send(
          topic,
          sent.map((value) => ({ value, partition: 0 })),
        );
      } finally {
        await producer.close();
      }
      await stopBroker(options.runDir);
      const { ssc } = createManualContext();
      try {
        const rdd = KafkaUtils.createRDD<string, string>(
          ssc.sparkContext,
          { 'bootstrap.servers': bootstrap, 'group.id': `${topic}-group` },
          [OffsetRange.create(topic, 0, 0, 100)],
        );
        // The task's fetch starts with no broker; the broker comes back while it waits.
        const read = rdd.map((r) => r.value).collect();
        await sleep(5000);
        await startBroker(options);
        expect(await read).toEqual(sent);
      } finally {
        await ssc.stop();
      }
    }, 120_000);

    for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
      it(`the broker stopped (${signal}) for 20 s mid-stream and restarted loses and duplicates nothing`, async () => {
        const topic = `outage-${signal.toLowerCase()}-${Date.now()}`;
        const group = `${topic}-group`;
        await createTopic([bootstrap], topic, PARTITIONS);
        const producer = await openProducer([bootstrap]);
        const ssc = new StreamingContext({
          master: 'local[1]',
          appName: 'kafka-outage',
          batchDuration: Seconds(1),
        });
        // Per partition, how often each offset was processed; the values seen; when batches with
        // records completed.
        const seen = Array.from({ length: PARTITIONS }, () => new Map<number, number>());
        const values = new Set<string>();
        const withRecords: number[] = [];
        const failures: string[] = [];
        let waiter: { test: () => boolean; resolve: () => void } | undefined;
        const until = (test: () => boolean) =>
          new Promise<void>((resolve) => {
            waiter = { test, resolve };
          });
        const stream = KafkaUtils.createDirectStream<string, string>(
          ssc,
          LocationStrategies.PreferConsistent,
          ConsumerStrategies.Subscribe([topic], {
            'bootstrap.servers': bootstrap,
            'group.id': group,
            'auto.offset.reset': 'earliest',
          }),
        );
        stream.foreachRDD(async (rdd) => {
          const records = await rdd.collect();
          for (const r of records) {
            const counts = seen[r.partition]!;
            counts.set(r.offset, (counts.get(r.offset) ?? 0) + 1);
            values.add(r.value);
          }
          if (records.length > 0) withRecords.push(performance.now());
          stream.commitAsync(rdd.offsetRanges);
          if (waiter?.test()) waiter.resolve();
        });
        ssc.addStreamingListener({
          onBatchCompleted: ({ batchInfo }) => {
            if (batchInfo.failureReason) failures.push(batchInfo.failureReason);
          },
        });
        const writer = producing(producer, topic);
        try {
          await ssc.start();
          await until(() => values.size >= 200);

          const pid = brokerStatus(options.runDir).pid!;
          const down = performance.now();
          if (signal === 'SIGTERM') await stopBroker(options.runDir);
          else {
            process.kill(pid, 'SIGKILL');
            while (brokerStatus(options.runDir).running) await sleep(50);
          }
          await sleep(OUTAGE_MS);
          const restarted = await startBroker(options);
          const up = performance.now();

          // Records produced after the restart reach the stream: it goes on.
          const after = writer.sent + 50;
          await until(() => values.has(`0:${after}`) && values.has(`1:${after}`));
          await writer.stop();
          const end = await latestOffsets(topic, PARTITIONS, bootstrap);
          await until(() => seen.every((counts, p) => counts.size >= end[p]!));
          // A batch that could not even be generated (its offsets not found) fails the context.
          const error = ssc.error;
          await ssc.stop();

          let gap = 0;
          for (let i = 1; i < withRecords.length; i++) {
            gap = Math.max(gap, withRecords[i]! - withRecords[i - 1]!);
          }
          process.stderr.write(
            `kafka outage (${signal}): broker down ${((up - down) / 1000).toFixed(1)} s ` +
              `(restart ready in ${(restarted.readyMs / 1000).toFixed(1)} s); longest pause ` +
              `between batches with records ${(gap / 1000).toFixed(1)} s; ` +
              `${end.reduce((a, b) => a + b, 0)} records, ${failures.length} failed batches; context error: ${error?.message ?? 'none'}\n`,
          );

          // Every offset of each partition processed exactly once, every acknowledged value seen.
          for (const [p, counts] of seen.entries()) {
            const offsets = [...counts.keys()].sort((a, b) => a - b);
            expect(offsets).toEqual(Array.from({ length: end[p]! }, (_, i) => i));
            expect([...counts.values()].every((n) => n === 1)).toBe(true);
          }
          expect([...writer.acknowledged].filter((v) => !values.has(v))).toEqual([]);
          expect(failures).toEqual([]);
          expect(error).toBeUndefined();
          expect(await committedOffsets(group, topic, PARTITIONS, bootstrap)).toEqual(end);
        } finally {
          await writer.stop();
          await producer.close();
          await ssc.stop();
        }
      }, 240_000);
    }
  },
);
