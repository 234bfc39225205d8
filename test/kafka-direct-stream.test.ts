// KafkaUtils.createDirectStream against the real broker test/kafka-setup.ts starts for the run:
// per-batch offset ranges as Spark computes them, commitAsync, restarts, partitions and topics
// added while the stream runs.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ConsumerStrategies,
  KafkaUtils,
  LocationStrategies,
  OffsetRange,
  type ConsumerRecord,
  type DirectKafkaInputDStream,
} from 'dstream/kafka';
import { createManualContext } from 'dstream/testing';
import { Seconds, type StreamingContext } from 'dstream';
import { bootstrap, broker, skipKafka } from './support/kafka-broker.js';
import {
  addPartitions,
  committedOffsets,
  newGroup,
  newTopic,
  numbered,
  produce,
  topicNamed,
} from './support/kafka-topics.js';
import { captureStderr, errorLines } from './support/capture-stderr.js';

const contexts: StreamingContext[] = [];
afterEach(async () => {
  for (const ssc of contexts.splice(0)) await ssc.stop();
});

function context(conf: Record<string, string> = {}, batchSeconds = 1) {
  const made = createManualContext({ conf, batchDuration: Seconds(batchSeconds) });
  contexts.push(made.ssc);
  return made;
}

function params(group: string, extra: Record<string, string | number> = {}) {
  return {
    'bootstrap.servers': bootstrap(),
    'group.id': group,
    'auto.offset.reset': 'earliest',
    'enable.auto.commit': false,
    ...extra,
  };
}

/** Each batch's offset ranges, and its record values per partition, as the first operation sees them. */
function record<K, V>(stream: DirectKafkaInputDStream<K, V>) {
  const batches: { ranges: OffsetRange[]; values: string[][] }[] = [];
  stream.foreachRDD(async (rdd) => {
    const parts = await rdd.glom().collect();
    batches.push({
      ranges: [...rdd.offsetRanges],
      values: parts.map((p) => p.map((r: ConsumerRecord<K, V>) => String(r.value))),
    });
  });
  return batches;
}

const tuples = (ranges: readonly OffsetRange[]) =>
  ranges.map((r) => [r.topic, r.partition, r.fromOffset, r.untilOffset]);

describe.skipIf(skipKafka)(
  `KafkaUtils.createDirectStream${skipKafka ? ` (skipped: ${broker.reason})` : ''}`,
  () => {
    it('reads what each partition holds, one RDD partition per topic partition, with its range', async () => {
      const topic = await newTopic('direct', 2);
      await produce(topic, 0, numbered(0, 0, 5));
      await produce(topic, 1, numbered(1, 0, 3));
      const { ssc, clock } = context();
      const stream = KafkaUtils.createDirectStream<string, string>(
        ssc,
        LocationStrategies.PreferConsistent,
        ConsumerStrategies.Subscribe<string, string>([topic], params(newGroup('direct'))),
      );
      const batches = record(stream);
      const infos: unknown[] = [];
      ssc.addStreamingListener({
        onBatchCompleted: (e) => void infos.push(e.batchInfo.streamIdToInputInfo.get(0)),
      });
      await ssc.start();
      await clock.advance(1000);
      await produce(topic, 1, numbered(1, 3, 2));
      await clock.advance(1000);
      expect(batches.map((b) => tuples(b.ranges))).toEqual([
        [
          [topic, 0, 0, 5],
          [topic, 1, 0, 3],
        ],
        [
          [topic, 0, 5, 5], // every partition gets a range in every batch, empty ones included
          [topic, 1, 3, 5],
        ],
      ]);
      expect(batches.map((b) => b.values)).toEqual([
        [numbered(0, 0, 5), numbered(1, 0, 3)],
        [[], numbered(1, 3, 2)],
      ]);
      expect(infos[0]).toMatchObject({
        numRecords: 8,
        metadata: {
          Description: [
            `topic: ${topic}\tpartition: 0\toffsets: 0 to 5\tcount: 5`,
            `topic: ${topic}\tpartition: 1\toffsets: 0 to 3\tcount: 3`,
          ].join('\n'),
        },
      });
      expect(stream.displayName).toBe('Kafka 0.10 direct stream [0]');
    });

    it("limits each batch's ranges by maxRatePerPartition as Spark's arithmetic does", async () => {
      const backlog = [50, 120, 7];
      const topic = await newTopic('rate', backlog.length);
      for (const [p, n] of backlog.entries()) await produce(topic, p, numbered(p, 0, n));
      const maxRate = 15;
      const batchSeconds = 2;
      const { ssc, clock } = context(
        { 'spark.streaming.kafka.maxRatePerPartition': String(maxRate) },
        batchSeconds,
      );
      const stream = KafkaUtils.createDirectStream(
        ssc,
        LocationStrategies.PreferConsistent,
        ConsumerStrategies.Subscribe([topic], params(newGroup('rate'))),
      );
      const batches = record(stream);
      await ssc.start();
      const perBatch = Math.max(Math.floor(batchSeconds * maxRate), 1); // 30 records
      const expected: number[][][] = [];
      const current = backlog.map(() => 0);
      for (let batch = 0; batch < 5; batch++) {
        expected.push(
          backlog.map((latest, p) => {
            const from = current[p]!;
            const until = Math.min(from + perBatch, latest);
            current[p] = until;
            return [p, from, until];
          }),
        );
        await clock.advance(batchSeconds * 1000);
      }
      expect(
        batches.map((b) => b.ranges.map((r) => [r.partition, r.fromOffset, r.untilOffset])),
      ).toEqual(expected);
      expect(batches.flatMap((b) => b.values[1]!)).toEqual(numbered(1, 0, 120));
    });

    it('with backpressure, shares the initial rate among partitions by their lag, as Spark does', async () => {
      const backlog = [10, 50, 0];
      const topic = await newTopic('backpressure', backlog.length);
      for (const [p, n] of backlog.entries()) await produce(topic, p, numbered(p, 0, n));
      const rate = 30;
      const { ssc, clock } = context({
        'spark.streaming.backpressure.enabled': 'true',
        'spark.streaming.backpressure.initialRate': String(rate),
      });
      const stream = KafkaUtils.createDirectStream(
        ssc,
        LocationStrategies.PreferConsistent,
        ConsumerStrategies.Subscribe([topic], params(newGroup('backpressure'))),
      );
      const batches = record(stream);
      await ssc.start();
      await clock.advance(1000);
      const totalLag = backlog.reduce((a, b) => a + b, 0);
      // r_p = lag_p / totalLag × rate; at most max(floor(1 s × r_p), minRatePerPartition 1) records.
      const expected = backlog.map((lag, p) => {
        const limit = Math.max(Math.floor(1 * ((lag / totalLag) * rate)), 1);
        return [p, 0, Math.min(limit, lag)];
      });
      expect(batches[0]!.ranges.map((r) => [r.partition, r.fromOffset, r.untilOffset])).toEqual(
        expected,
      );
      expect(expected).toEqual([
        [0, 0, 5],
        [1, 0, 25],
        [2, 0, 0],
      ]);
    });

    it('commitAsync commits at the next batch, after the outputs, and a restart resumes there', async () => {
      const logged = captureStderr();
      const topic = await newTopic('commit', 2);
      const group = newGroup('commit');
      await produce(topic, 0, numbered(0, 0, 4));
      await produce(topic, 1, numbered(1, 0, 6));
      const { ssc, clock } = context();
      const stream = KafkaUtils.createDirectStream(
        ssc,
        LocationStrategies.PreferConsistent,
        ConsumerStrategies.Subscribe([topic], params(group)),
      );
      const told: unknown[] = [];
      let failOutput = false;
      stream.foreachRDD(async (rdd) => {
        await rdd.count();
        if (failOutput) throw new Error('the output failed');
        stream.commitAsync(rdd.offsetRanges, (offsets, error) => told.push({ offsets, error }));
      });
      await ssc.start();
      await clock.advance(1000); // batch 1 reads 0..4 and 0..6, queues them
      expect(await committedOffsets(group, topic, 2)).toEqual([-1, -1]);
      await produce(topic, 0, numbered(0, 4, 3));
      failOutput = true;
      await clock.advance(1000); // batch 2 commits batch 1's offsets, its own output fails
      expect(await committedOffsets(group, topic, 2)).toEqual([4, 6]);
      expect(told).toEqual([
        {
          offsets: [
            { topic, partition: 0, offset: 4 },
            { topic, partition: 1, offset: 6 },
          ],
          error: undefined,
        },
      ]);
      await clock.advance(1000); // nothing queued: nothing committed
      expect(await committedOffsets(group, topic, 2)).toEqual([4, 6]);
      await ssc.stop();
      expect(errorLines(logged)).toEqual([
        'ERROR JobScheduler: Error running job streaming job 2000 ms.0',
        'ERROR JobScheduler: Error running job streaming job 3000 ms.0',
      ]);

      // A new application of the same group starts where the group committed: batch 2 again.
      const again = context();
      const resumed = KafkaUtils.createDirectStream(
        again.ssc,
        LocationStrategies.PreferConsistent,
        ConsumerStrategies.Subscribe([topic], params(group)),
      );
      const batches = record(resumed);
      await again.ssc.start();
      await again.clock.advance(1000);
      expect(tuples(batches[0]!.ranges)).toEqual([
        [topic, 0, 4, 7],
        [topic, 1, 6, 6],
      ]);
    });

    it('Assign reads the given partitions from the given offsets, without a group', async () => {
      const topic = await newTopic('assign', 3);
      for (const p of [0, 1, 2]) await produce(topic, p, numbered(p, 0, 10));
      const group = newGroup('assign');
      const { ssc, clock } = context();
      const stream = KafkaUtils.createDirectStream(
        ssc,
        LocationStrategies.PreferConsistent,
        ConsumerStrategies.Assign(
          [
            { topic, partition: 2 },
            { topic, partition: 0 },
          ],
          params(group, { 'auto.offset.reset': 'latest' }),
          new Map([[{ topic, partition: 2 }, 7]]),
        ),
      );
      const batches = record(stream);
      stream.foreachRDD((rdd) => stream.commitAsync(rdd.offsetRanges));
      await ssc.start();
      await clock.advance(1000);
      await produce(topic, 0, numbered(0, 10, 2));
      await clock.advance(2000);
      expect(batches.map((b) => tuples(b.ranges))).toEqual([
        [
          [topic, 0, 10, 10], // latest: what arrives from now on
          [topic, 2, 7, 10],
        ],
        [
          [topic, 0, 10, 12],
          [topic, 2, 10, 10],
        ],
        [
          [topic, 0, 12, 12],
          [topic, 2, 10, 10],
        ],
      ]);
      expect(await committedOffsets(group, topic, 3)).toEqual([12, -1, 10]);
    });

    it('reads partitions added to a subscribed topic, and topics a pattern comes to match', async () => {
      const prefix = newGroup('pattern'); // a unique prefix
      const first = `${prefix}-a`;
      const { ssc, clock } = context();
      await produce(await topicNamed(first, 1), 0, numbered(0, 0, 2));
      const stream = KafkaUtils.createDirectStream(
        ssc,
        LocationStrategies.PreferConsistent,
        ConsumerStrategies.SubscribePattern(
          new RegExp(`${prefix}-.*`),
          params(newGroup('pattern'), { 'metadata.max.age.ms': 0 }),
        ),
      );
      const batches = record(stream);
      await ssc.start();
      await clock.advance(1000);
      await addPartitions(first, 2);
      await produce(first, 1, numbered(1, 0, 3));
      const second = await topicNamed(`${prefix}-b`, 1);
      await produce(second, 0, ['b']);
      await clock.advance(1000);
      expect(batches.map((b) => tuples(b.ranges))).toEqual([
        [[first, 0, 0, 2]],
        [
          [first, 0, 2, 2],
          [first, 1, 0, 3],
          [second, 0, 0, 1],
        ],
      ]);
    });

    it('local[2]: task threads fetch their own offset ranges and deserialize them with the function given', async () => {
      const topic = await newTopic('threads', 2);
      await produce(topic, 0, numbered(0, 0, 30));
      await produce(topic, 1, numbered(1, 0, 20));
      const root = fileURLToPath(new URL('..', import.meta.url));
      const { stdout } = await promisify(execFile)(
        join(root, 'node_modules', '.bin', 'node'),
        [
          join(root, 'test', 'fixtures', 'workers', 'kafka-direct-app.ts'),
          'local[2]',
          bootstrap(),
          topic,
          newGroup('threads'),
        ],
        { cwd: root },
      );
      const out = JSON.parse(stdout.trim()) as {
        values: string[];
        readers: number[];
        ranges: string[];
        error?: string;
      };
      expect(out.error).toBeUndefined();
      expect(out.ranges).toEqual([
        `OffsetRange(topic: '${topic}', partition: 0, range: [0 -> 30])`,
        `OffsetRange(topic: '${topic}', partition: 1, range: [0 -> 20])`,
      ]);
      expect(out.values).toEqual(
        [...numbered(0, 0, 30), ...numbered(1, 0, 20)].map((v) => `v=${v}`).sort(),
      );
      // Records were mapped, so fetched, in task threads only: never on the main thread.
      expect(out.readers.length).toBeGreaterThan(0);
      expect(out.readers).not.toContain(0);
    });
  },
);
