// spark.streaming.kafka.scaleOut, against the run's real broker: streams of one consumer group
// share its partitions instead of failing (Spark's behaviour stays the default, see
// kafka-direct-errors.test.ts): a stream lets partitions go to other members of its group and
// takes them back, committing what it read before each rejoin, and its rebalance listener hears
// what it reads. A plain Kafka consumer stands for another process here; processes of the example
// are in kafka-order-total-db.test.ts.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Admin } from '@platformatic/kafka';
import {
  ConsumerStrategies,
  KafkaUtils,
  LocationStrategies,
  type ConsumerRebalanceListener,
} from 'dstream/kafka';
import { createManualContext, simulateCrash } from 'dstream/testing';
import { Seconds, type StreamingContext, type TopicPartition } from 'dstream';
import { bootstrap, broker, skipKafka } from './support/kafka-broker.js';
import { otherProcess, scaleOutApp } from './support/scale-out-app.js';
import { committedOffsets, newGroup, newTopic, produce } from './support/kafka-topics.js';

const contexts: StreamingContext[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const ssc of contexts.splice(0)) if (ssc.getState() === 'ACTIVE') await ssc.stop();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const name = (p: TopicPartition) => `${p.topic}-${p.partition}`;

/** A stream's view of the group: what it reads now, and every record value it read. */
class Member implements ConsumerRebalanceListener {
  readonly owned = new Set<string>();
  readonly read: string[] = [];
  onPartitionsRevoked(partitions: readonly TopicPartition[]) {
    for (const p of partitions) this.owned.delete(name(p));
  }
  onPartitionsAssigned(partitions: readonly TopicPartition[]) {
    for (const p of partitions) this.owned.add(name(p));
  }
}

function scaledOut(ssc: StreamingContext, topic: string, group: string, member: Member) {
  const stream = KafkaUtils.createDirectStream<string, string>(
    ssc,
    LocationStrategies.PreferConsistent,
    ConsumerStrategies.Subscribe(
      [topic],
      { 'bootstrap.servers': bootstrap(), 'group.id': group, 'auto.offset.reset': 'earliest' },
      [],
      member,
    ),
  );
  stream.foreachRDD(async (rdd) => {
    for (const r of await rdd.collect()) member.read.push(r.value);
    // Committed before the stream next rejoins the group: a partition's next owner starts there.
    stream.commitAsync(rdd.offsetRanges);
  });
}

describe.skipIf(skipKafka)(
  `spark.streaming.kafka.scaleOut${skipKafka ? ` (skipped: ${broker.reason})` : ''}`,
  () => {
    it('another member joins: the stream commits what it read, then lets a partition go; when the member leaves it takes the partition back where it was', async () => {
      const topic = await newTopic('scale-out', 2);
      await produce(topic, 0, ['a0', 'b0']);
      await produce(topic, 1, ['a1', 'b1']);
      const group = newGroup('scale-out');
      const { ssc, clock } = createManualContext({
        batchDuration: Seconds(1),
        conf: { 'spark.streaming.kafka.scaleOut': 'true' },
      });
      contexts.push(ssc);
      const stream = new Member();
      scaledOut(ssc, topic, group, stream);
      await ssc.start();
      await clock.advance(1000);
      expect(stream.owned).toEqual(new Set([`${topic}-0`, `${topic}-1`]));
      expect(stream.read.sort()).toEqual(['a0', 'a1', 'b0', 'b1']);
      // commitAsync only queues: the next batch would commit.
      expect(await committedOffsets(group, topic, 2)).toEqual([-1, -1]);

      // Another process of the group (a plain Kafka consumer here) joins. Before the stream
      // joins again it commits what its batches read, so the partition's next owner starts there.
      const other = await otherProcess(topic, group);
      try {
        expect(other.assignments?.flatMap((a) => a.partitions)).toHaveLength(1);
        expect(await committedOffsets(group, topic, 2)).toEqual([2, 2]);
        await clock.advance(1000);
        expect(stream.owned.size).toBe(1);
      } finally {
        await other.close();
      }

      // It leaves: the stream takes the partition back at the committed offset, reading nothing twice.
      await produce(topic, 0, ['c0']);
      await produce(topic, 1, ['c1']);
      for (let i = 0; i < 20 && stream.owned.size < 2; i++) {
        await new Promise((r) => setTimeout(r, 250));
        await clock.advance(1000);
      }
      await clock.advance(1000);
      expect(ssc.error).toBeUndefined();
      expect(stream.owned.size).toBe(2);
      expect(stream.read.sort()).toEqual(['a0', 'a1', 'b0', 'b1', 'c0', 'c1']);
    });

    it('recovered from its checkpoint, a process starts its partitions where the group says, not where its checkpoint does (others may have read them since)', async () => {
      const topic = await newTopic('scale-out-recovery', 1);
      const group = newGroup('scale-out-recovery');
      const dir = mkdtempSync(join(tmpdir(), 'dstream-scale-out-'));
      dirs.push(dir);
      const app = (now: number) => {
        const read: string[] = [];
        const { ssc, clock } = scaleOutApp(
          { appName: 'scale-out-recovery', dir, topic, group, now },
          (stream) =>
            stream.foreachRDD(async (rdd) => {
              for (const r of await rdd.collect()) read.push(r.value);
              stream.commitAsync(rdd.offsetRanges);
            }),
        );
        contexts.push(ssc);
        return { ssc, clock, read };
      };

      await produce(topic, 0, ['a', 'b']);
      const first = app(0);
      await first.ssc.start();
      await first.clock.advance(1000);
      expect(first.read).toEqual(['a', 'b']);
      await simulateCrash(first.ssc);

      // Meanwhile another process of the group read 'c' and committed after it.
      await produce(topic, 0, ['c', 'd']);
      const admin = new Admin({ clientId: 'test-admin', bootstrapBrokers: [bootstrap()] });
      try {
        await admin.alterConsumerGroupOffsets({
          groupId: group,
          topics: [{ name: topic, partitionOffsets: [{ partition: 0, offset: 3n }] }],
        });
      } finally {
        await admin.close();
      }

      const second = app(1500);
      await second.ssc.start();
      await second.clock.setTime(3000);
      expect(second.ssc.error).toBeUndefined();
      expect(second.read).toEqual(['d']);
    });

    it('needs a group strategy: with Assign it says to use Subscribe', () => {
      const { ssc } = createManualContext({
        conf: { 'spark.streaming.kafka.scaleOut': 'true' },
      });
      expect(() =>
        KafkaUtils.createDirectStream(
          ssc,
          LocationStrategies.PreferConsistent,
          ConsumerStrategies.Assign([{ topic: 't', partition: 0 }], {
            'bootstrap.servers': bootstrap(),
          }),
        ),
      ).toThrow(/spark\.streaming\.kafka\.scaleOut .* use ConsumerStrategies\.Subscribe/);
    });
  },
);
