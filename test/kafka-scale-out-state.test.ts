// State that moves with its Kafka partitions (spark.streaming.kafka.scaleOut): two processes of
// one consumer group (test/fixtures/scale-state-app.ts; one StreamingContext per process) share a
// topic; the state of a partition (updateStateByKey, mapWithState) follows it through the
// changelog topic, also after a SIGKILL, and a key placed in another partition than the state's
// fails clearly. Also: KafkaPartitioner places keys as Kafka's producers do.
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { Admin, ConfigResourceTypes, murmur2 as kafkaMurmur2 } from '@platformatic/kafka';
import { stateDirName } from '../src/streaming/checkpoint/state-keys.js';
import { murmur2 } from '../src/rdd/kafka-partitioner.js';
import {
  ConsumerStrategies,
  KafkaPartitioner,
  KafkaUtils,
  LocationStrategies,
} from 'dstream/kafka';
import { createManualContext } from 'dstream/testing';
import { Seconds, type StreamingContext } from 'dstream';
import { bootstrap, broker, skipKafka } from './support/kafka-broker.js';
import { newGroup, newTopic } from './support/kafka-topics.js';
import { openProducer } from '../src/sources/kafka/client/producer.js';
import { AppProcess, removeTempDirs, root, tempDir } from './support/app-process.js';

const contexts: StreamingContext[] = [];
afterEach(async () => {
  for (const ssc of contexts.splice(0)) await ssc.stop();
});

const PARTITIONS = 3;
const KEYS = Array.from({ length: 12 }, (_, i) => `key-${i}`);
const placed = new KafkaPartitioner(PARTITIONS);

/** One record of value 1 per key, each in the partition Kafka's default partitioner gives it. */
async function produceRound(topic: string, keys: readonly string[] = KEYS, to?: number) {
  const producer = await openProducer([bootstrap()]);
  try {
    await producer.send(
      topic,
      keys.map((key) => ({ key, value: '1', partition: to ?? placed.getPartition(key) })),
    );
  } finally {
    await producer.close();
  }
}

const app = join(root, 'test', 'fixtures', 'scale-state-app.ts');
const members: AppProcess[] = [];
afterEach(async () => {
  for (const m of members.splice(0)) await m.kill();
  removeTempDirs();
});

/** A process of the application (test/fixtures/scale-state-app.ts). */
function member(
  topic: string,
  group: string,
  stateName: string,
  operator = 'updateStateByKey',
  env: Record<string, string> = {},
): AppProcess {
  const m = new AppProcess(
    app,
    [bootstrap(), topic, String(PARTITIONS), group, stateName, tempDir('scale-state-'), operator],
    { env },
  );
  members.push(m);
  return m;
}

/** The partitions the member's last batch read. */
const owned = (m: AppProcess) => Object.keys(m.latest('OWNED') ?? {}).map(Number);

/** The member's counts of the keys of `partitions`. */
const countsOf = (m: AppProcess, partitions: readonly number[]) => {
  const counts = m.latest('COUNTS') ?? {};
  return KEYS.filter((k) => partitions.includes(placed.getPartition(k))).map((k) => counts[k]);
};

/** The partition count and cleanup.policy of the changelog topic dstream created. */
async function changelogTopic(topic: string) {
  const admin = new Admin({ clientId: 'test-admin', bootstrapBrokers: [bootstrap()] });
  try {
    const metadata = await admin.metadata({ topics: [topic] });
    const [described] = await admin.describeConfigs({
      resources: [
        {
          resourceType: ConfigResourceTypes.TOPIC,
          resourceName: topic,
          configurationKeys: ['cleanup.policy'],
        },
      ],
    });
    return {
      partitions: metadata.topics.get(topic)?.partitionsCount,
      cleanupPolicy: described?.configs.find((c) => c.name === 'cleanup.policy')?.value,
    };
  } finally {
    await admin.close();
  }
}

const all = (counts: readonly (number | undefined)[], n: number) => counts.every((c) => c === n);

/** Resolves once `check` holds, re-checked whenever any member prints. */
function until(ms: readonly AppProcess[], what: string, check: () => boolean): Promise<void> {
  return Promise.race(ms.map((m) => m.until(what, check, 90_000)));
}

describe.skipIf(skipKafka)(
  `Scale-out state${skipKafka ? ` (skipped: ${broker.reason})` : ''}`,
  () => {
    it('KafkaPartitioner places keys where Kafka default partitioner puts them', async () => {
      const topic = await newTopic('kafka-partitioner', 5);
      const keys = [...KEYS, 'ü', '', 'a-much-longer-key-of-odd-length', '12345'];
      // dstream's own producer (the CLI's, the tests'), keyed, the partition left to it.
      const producer = await openProducer([bootstrap()]);
      try {
        await producer.send(
          topic,
          keys.map((key) => ({ key, value: key })),
        );
      } finally {
        await producer.close();
      }
      const { ssc, clock } = createManualContext({ batchDuration: Seconds(1) });
      contexts.push(ssc);
      const where = new Map<string, number>();
      KafkaUtils.createDirectStream<string, string>(
        ssc,
        LocationStrategies.PreferConsistent,
        ConsumerStrategies.Subscribe<string, string>([topic], {
          'bootstrap.servers': bootstrap(),
          'group.id': newGroup('kafka-partitioner'),
          'auto.offset.reset': 'earliest',
        }),
      ).foreachRDD(async (rdd) => {
        for (const r of await rdd.collect()) where.set(r.key!, r.partition);
      });
      await ssc.start();
      await clock.advance(1000);
      const partitioner = new KafkaPartitioner(5);
      expect(where.size).toBe(keys.length);
      expect(keys.map((k) => partitioner.getPartition(k))).toEqual(keys.map((k) => where.get(k)));
      // toPositive, not an unsigned hash: some key hashes negative and lands elsewhere.
      for (const k of keys)
        expect(murmur2(Buffer.from(k)) | 0).toBe(kafkaMurmur2(Buffer.from(k)) | 0);
      expect(new Set(where.values()).size).toBeGreaterThan(2);
    });

    it.each(['updateStateByKey', 'mapWithState'])(
      "%s: a partition's state moves with it, even after a SIGKILL: the counts equal those of one process",
      { timeout: 240_000 },
      async (operator) => {
        const topic = await newTopic('scale-state', PARTITIONS);
        const group = newGroup('scale-state');
        const name = `counts-${randomUUID().slice(0, 8)}`;
        await produceRound(topic);
        const a = member(topic, group, name, operator);
        await a.until('A counts round 1', () => all(countsOf(a, [0, 1, 2]), 1), 90_000);

        // B joins: the group splits the partitions, B rebuilds its partitions' state.
        const b = member(topic, group, name, operator);
        const shared = () =>
          owned(b).length > 0 && owned(a).length + owned(b).length === PARTITIONS;
        await until([a, b], 'A and B share the partitions', shared);
        await produceRound(topic);
        await until(
          [a, b],
          'round 2 counted',
          () => shared() && all(countsOf(a, owned(a)), 2) && all(countsOf(b, owned(b)), 2),
        );
        const ofB = owned(b);
        expect(await changelogTopic(`scale-state-app-${stateDirName(name)}-changelog`)).toEqual({
          partitions: PARTITIONS,
          cleanupPolicy: 'compact',
        });
        expect(countsOf(b, ofB).every((n) => n === 2)).toBe(true);

        // B dies: A takes its partitions back, with the state B built (from the changelog).
        await b.kill();
        await produceRound(topic);
        await a.until(
          'A counts round 3',
          () => owned(a).length === PARTITIONS && all(countsOf(a, [0, 1, 2]), 3),
          90_000,
        );
        expect(countsOf(a, [0, 1, 2])).toEqual(KEYS.map(() => 3));
        expect(a.stdout).not.toContain('FAILURE');
      },
    );

    it(
      'a process killed after its changelog write, before its offsets commit: nothing counted twice',
      { timeout: 240_000 },
      async () => {
        const topic = await newTopic('scale-state-ahead', PARTITIONS);
        const group = newGroup('scale-state-ahead');
        const name = `ahead-${randomUUID().slice(0, 8)}`;
        await produceRound(topic);
        const a = member(topic, group, name);
        await a.until('A counts round 1', () => all(countsOf(a, [0, 1, 2]), 1), 90_000);
        const b = member(topic, group, name, 'updateStateByKey', { KILL_AT_COUNT: '2' });
        await until(
          [a, b],
          'A and B share the partitions',
          () => owned(b).length > 0 && owned(a).length + owned(b).length === PARTITIONS,
        );
        const ofB = owned(b);
        await produceRound(topic);
        // B counted round 2 (changelog written) and died before committing its offsets.
        expect(await b.exited).toBe('SIGKILL');
        expect(countsOf(b, ofB)).toContain(2);
        // A reads B's round 2 again: it must start from B's state before it (1), not after (2),
        // which would count round 2 twice. A holds no state of B's partitions until it reads them
        // (it dropped it when the group gave them to B): 2 everywhere can only be that.
        await a.until(
          'A counts round 2 once',
          () => owned(a).length === PARTITIONS && all(countsOf(a, [0, 1, 2]), 2),
          90_000,
        );
        await produceRound(topic);
        await a.until('A counts round 3', () => all(countsOf(a, [0, 1, 2]), 3), 90_000);
      },
    );

    it(
      'a key outside the partitions its process reads fails with a clear error',
      { timeout: 240_000 },
      async () => {
        const topic = await newTopic('scale-state-mixed', PARTITIONS);
        const group = newGroup('scale-state-mixed');
        const name = `mixed-${randomUUID().slice(0, 8)}`;
        const a = member(topic, group, name);
        const b = member(topic, group, name);
        await until(
          [a, b],
          'A and B share the partitions',
          () =>
            owned(a).length > 0 &&
            owned(b).length > 0 &&
            owned(a).length + owned(b).length === PARTITIONS,
        );
        // Every key written to partition 0: most of them belong to another partition.
        await produceRound(topic, KEYS, 0);
        // The batch fails, and with it the application (its awaitTermination throws).
        const said = () => a.stderr + b.stderr;
        await until([a, b], 'the error', () =>
          said().includes('DSTREAM_ERR_STATE_NOT_COPARTITIONED'),
        );
        expect(said()).toMatch(
          /got key "key-\d+", which Kafka's default partitioner places in partition [12] of/,
        );
        expect(said()).toContain('the keys are not co-partitioned with the topic');
      },
    );
  },
);
