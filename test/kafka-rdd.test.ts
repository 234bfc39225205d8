// KafkaUtils.createRDD against the real broker test/kafka-setup.ts starts for the run: given
// offset ranges, one partition per range, records in offset order, Spark's errors for ranges the
// partition does not hold.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Consumer, Producer, stringSerializers } from '@platformatic/kafka';
import { afterEach, describe, expect, it } from 'vitest';
import { KafkaUtils, OffsetRange, hasOffsetRanges } from 'dstream/kafka';
import { createManualContext } from 'dstream/testing';
import type { StreamingContext } from 'dstream';
import { bootstrap, broker, skipKafka } from './support/kafka-broker.js';
import { newTopic, produce } from './support/kafka-topics.js';

/** A new one-partition topic holding `values`, in order, at offsets 0, 1, 2... */
async function topicWith(values: readonly string[]): Promise<string> {
  const topic = await newTopic('rdd', 1);
  await produce(topic, 0, values);
  return topic;
}

const contexts: StreamingContext[] = [];
afterEach(async () => {
  for (const ssc of contexts.splice(0)) await ssc.stop();
});

function sparkContext() {
  const { ssc } = createManualContext();
  contexts.push(ssc);
  return ssc.sparkContext;
}

describe.skipIf(skipKafka)(
  `KafkaUtils.createRDD${skipKafka ? ` (skipped: ${broker.reason})` : ''}`,
  () => {
    it('reads the records of each range, one partition per range, in offset order', async () => {
      const values = Array.from({ length: 50 }, (_, i) => `v${i}`);
      const topic = await topicWith(values);
      const ranges = [OffsetRange.create(topic, 0, 5, 12), OffsetRange.create(topic, 0, 40, 50)];
      const rdd = KafkaUtils.createRDD<string, string>(
        sparkContext(),
        { 'bootstrap.servers': bootstrap(), 'group.id': 'rdd-test' },
        ranges,
      );
      expect(await rdd.count()).toBe(17);
      expect(await rdd.isEmpty()).toBe(false);
      // count and isEmpty are answered from the offsets: a range past the end is not read.
      const beyond = KafkaUtils.createRDD(sparkContext(), { 'bootstrap.servers': bootstrap() }, [
        OffsetRange.create(topic, 0, 0, 1000),
      ]);
      expect(await beyond.count()).toBe(1000);
      await expect(beyond.collect()).rejects.toThrow(/Failed to get records/);
      expect(rdd.getNumPartitions()).toBe(2);
      expect(hasOffsetRanges(rdd) && rdd.offsetRanges).toEqual(ranges);
      const parts = await rdd.glom().collect();
      expect(parts.map((p) => p.map((r) => r.value))).toEqual([
        values.slice(5, 12),
        values.slice(40, 50),
      ]);
      expect(parts[0]![0]).toMatchObject({
        topic,
        partition: 0,
        offset: 5,
        key: null,
        value: 'v5',
      });
      expect(typeof parts[0]![0]!.timestamp).toBe('number');
    });

    it('reads nothing for an empty range', async () => {
      const topic = await topicWith(['a']);
      const rdd = KafkaUtils.createRDD(sparkContext(), { 'bootstrap.servers': bootstrap() }, [
        OffsetRange.create(topic, 0, 1, 1),
      ]);
      expect(await rdd.collect()).toEqual([]);
    });

    it('deserializes values as json or buffer when the params say so, and says which record it cannot', async () => {
      const topic = await topicWith(['{"n":1}', 'not json']);
      const sc = sparkContext();
      const params = { 'bootstrap.servers': bootstrap(), 'value.deserializer': 'json' };
      const first = KafkaUtils.createRDD<string, { n: number }>(sc, params, [
        OffsetRange.create(topic, 0, 0, 1),
      ]);
      expect((await first.collect()).map((r) => r.value)).toEqual([{ n: 1 }]);
      const buffers = KafkaUtils.createRDD<string, Buffer>(
        sc,
        {
          'bootstrap.servers': bootstrap(),
          'value.deserializer': 'org.apache.kafka.common.serialization.ByteArrayDeserializer',
        },
        [OffsetRange.create(topic, 0, 1, 2)],
      );
      expect((await buffers.collect())[0]!.value).toEqual(Buffer.from('not json'));
      const both = KafkaUtils.createRDD(sc, params, [OffsetRange.create(topic, 0, 0, 2)]);
      await expect(both.collect()).rejects.toThrow(
        new RegExp(`Cannot deserialize the value of record ${topic}-0@1 as json`),
      );
    });

    it("fails with Spark's message for a range past the end of the partition", async () => {
      const topic = await topicWith(['a', 'b']);
      const sc = sparkContext();
      const params = { 'bootstrap.servers': bootstrap(), 'group.id': 'g' };
      const past = KafkaUtils.createRDD(sc, params, [OffsetRange.create(topic, 0, 0, 5)]);
      await expect(past.collect()).rejects.toThrow(
        new RegExp(`^.*Failed to get records for spark-executor-g ${topic}-0 2 after polling for`),
      );
    });

    it('with local[2], task threads fetch their ranges from the broker themselves', async () => {
      const values = Array.from({ length: 40 }, (_, i) => `r${i}`);
      const topic = await topicWith(values);
      const root = join(import.meta.dirname, '..');
      const app = join(root, 'test', 'fixtures', 'workers', 'kafka-app.ts');
      const node = join(root, 'node_modules', '.bin', 'node');
      const { stdout } = await promisify(execFile)(
        node,
        [app, 'local[2]', bootstrap(), topic, '40'],
        {
          cwd: root,
        },
      );
      const out = JSON.parse(stdout.trim()) as {
        values: string[][];
        readers: number[];
        error?: string;
      };
      expect(out.error).toBeUndefined();
      expect(out.values).toEqual([[...values].sort()]);
      expect(out.readers.length).toBeGreaterThan(0);
      expect(out.readers).not.toContain(0);
    });

    it("skips a transaction's markers with allowNonConsecutiveOffsets, and says to set it without", async () => {
      const topic = await newTopic('tx', 1);
      const producer = new Producer({
        clientId: 'tx-test',
        bootstrapBrokers: [bootstrap()],
        serializers: stringSerializers,
        idempotent: true,
        transactionalId: `tx-${topic}`,
      });
      try {
        const tx = await producer.beginTransaction();
        await tx.send({ messages: ['a', 'b', 'c'].map((value) => ({ topic, value })) });
        await tx.commit(); // the broker writes the commit marker after it: 6 offsets, 5 records
        await producer.send({ messages: ['d', 'e'].map((value) => ({ topic, value })) });
      } finally {
        await producer.close();
      }
      await untilEndReaches(topic, 6); // the marker is written after the commit returns
      const range = [OffsetRange.create(topic, 0, 0, 6)];
      const strict = KafkaUtils.createRDD(
        sparkContext(),
        { 'bootstrap.servers': bootstrap() },
        range,
      );
      await expect(strict.collect()).rejects.toThrow(
        /Got wrong record .* even after seeking to offset \d got offset \d instead\. If this is a compacted topic, consider enabling spark\.streaming\.kafka\.allowNonConsecutiveOffsets/,
      );
      const { ssc } = createManualContext({
        conf: { 'spark.streaming.kafka.allowNonConsecutiveOffsets': 'true' },
      });
      contexts.push(ssc);
      const lenient = KafkaUtils.createRDD(
        ssc.sparkContext,
        { 'bootstrap.servers': bootstrap() },
        range,
      );
      const read = await lenient.collect();
      expect(read.map((r) => r.value)).toEqual(['a', 'b', 'c', 'd', 'e']);
      expect(new Set(read.map((r) => r.offset)).size).toBe(5); // one offset of 0-5 is the marker
      expect(await lenient.count()).toBe(5); // counted by reading, not from the offsets
    });

    it('needs bootstrap.servers, and a deserializer it knows', () => {
      const sc = sparkContext();
      expect(() => KafkaUtils.createRDD(sc, {}, [])).toThrow(
        /kafkaParams must give 'bootstrap.servers'/,
      );
      expect(() =>
        KafkaUtils.createRDD(sc, { 'bootstrap.servers': 'x:1', 'value.deserializer': 'avro' }, []),
      ).toThrow(/value.deserializer must be 'string', 'buffer', 'json' .* or a function/);
    });
  },
);

/** Waits until partition 0 of `topic` ends at `offset` or later (its high watermark). */
async function untilEndReaches(topic: string, offset: number): Promise<void> {
  const consumer = new Consumer({
    clientId: 'end',
    bootstrapBrokers: [bootstrap()],
    groupId: 'end',
  });
  try {
    for (;;) {
      const ends = await consumer.listOffsets({ topics: [topic], isolationLevel: 0 });
      if (Number(ends.get(topic)?.[0] ?? 0) >= offset) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await consumer.close(true);
  }
}
