// What a direct stream says, against the run's real broker, when its offsets are gone (deleted by
// retention), its topic does not exist, or another stream uses its group: Spark's (Kafka's)
// messages, each with what to do, in typed errors.
import { afterEach, describe, expect, it } from 'vitest';
import { Admin } from '@platformatic/kafka';
import {
  ConsumerStrategies,
  KafkaUtils,
  LocationStrategies,
  type DirectKafkaInputDStream,
} from 'dstream/kafka';
import { createManualContext } from 'dstream/testing';
import { Seconds, type DStreamError, type StreamingContext } from 'dstream';
import { bootstrap, broker, skipKafka } from './support/kafka-broker.js';
import { newGroup, newTopic, numbered, produce } from './support/kafka-topics.js';
import { captureStderr, errorLines } from './support/capture-stderr.js';

const contexts: StreamingContext[] = [];
afterEach(async () => {
  for (const ssc of contexts.splice(0)) await ssc.stop();
});

function context() {
  const made = createManualContext({ batchDuration: Seconds(1) });
  contexts.push(made.ssc);
  return made;
}

function params(group: string) {
  return { 'bootstrap.servers': bootstrap(), 'group.id': group, 'auto.offset.reset': 'earliest' };
}

/** The values each batch of `stream` read. */
function values<K, V>(stream: DirectKafkaInputDStream<K, V>) {
  const batches: unknown[][] = [];
  stream.foreachRDD(async (rdd) => void batches.push((await rdd.collect()).map((r) => r.value)));
  return batches;
}

/** The typed error inside a batch's failure (the batch error, or its cause). */
function codeOf(e: DStreamError | undefined): string | undefined {
  let x: unknown = e;
  while (typeof x === 'object' && x !== null) {
    const code = (x as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'DSTREAM_ERR_BATCH_FAILED') return code;
    x = (x as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Deletes the records of `topic`-`partition` before `offset`, as retention would. */
async function deleteRecords(topic: string, partition: number, offset: number) {
  const admin = new Admin({ clientId: 'test-admin', bootstrapBrokers: [bootstrap()] });
  try {
    await admin.deleteRecords({
      topics: [{ name: topic, partitions: [{ partition, offset: BigInt(offset) }] }],
    });
  } finally {
    await admin.close();
  }
}

describe.skipIf(skipKafka)(
  `direct stream errors${skipKafka ? ` (skipped: ${broker.reason})` : ''}`,
  () => {
    it("records deleted before the batch read them: Kafka's out-of-range message, and what to do", async () => {
      const logged = captureStderr();
      const topic = await newTopic('gone', 1);
      await produce(topic, 0, numbered(0, 0, 10));
      const { ssc, clock } = context();
      const stream = KafkaUtils.createDirectStream<string, string>(
        ssc,
        LocationStrategies.PreferConsistent,
        ConsumerStrategies.Subscribe([topic], params(newGroup('gone'))),
      );
      const batches = values(stream);
      await ssc.start();
      await clock.advance(1000);
      await produce(topic, 0, numbered(0, 10, 5));
      await deleteRecords(topic, 0, 13); // the next batch's range starts at 10
      await clock.advance(1000);
      expect(batches).toEqual([numbered(0, 0, 10)]);
      expect(codeOf(ssc.error)).toBe('DSTREAM_ERR_KAFKA_OFFSET_OUT_OF_RANGE');
      expect(ssc.error?.message).toContain(
        `Offsets out of range with no configured reset policy for partitions: {${topic}-0=10}`,
      );
      expect(ssc.error?.message).toContain('--reset-offsets --to-earliest');
      expect(errorLines(logged)).toEqual([
        'ERROR JobScheduler: Error running job streaming job 2000 ms.0',
      ]);
    });

    it('Subscribe to a topic that does not exist reads nothing until it is created, then reads it', async () => {
      const topic = `missing-${newGroup('t')}`;
      const { ssc, clock } = context();
      const stream = KafkaUtils.createDirectStream<string, string>(
        ssc,
        LocationStrategies.PreferConsistent,
        ConsumerStrategies.Subscribe([topic], {
          ...params(newGroup('missing')),
          'metadata.max.age.ms': 0,
        }),
      );
      const batches = values(stream);
      await ssc.start();
      await clock.advance(1000);
      const { createTopic } = await import('../src/sources/kafka/client/admin.js');
      await createTopic([bootstrap()], topic, 1);
      await produce(topic, 0, ['here']);
      await clock.advance(1000);
      expect(batches).toEqual([[], ['here']]);
      expect(ssc.error).toBeUndefined();
    });

    it('Assign of a partition that does not exist fails at start, naming it and what to do', async () => {
      const logged = captureStderr();
      const topic = `missing-${newGroup('t')}`;
      const { ssc } = context();
      const stream = KafkaUtils.createDirectStream<string, string>(
        ssc,
        LocationStrategies.PreferConsistent,
        ConsumerStrategies.Assign([{ topic, partition: 0 }], params(newGroup('assign'))),
      );
      values(stream);
      const started = ssc.start().then(
        () => undefined,
        (e: unknown) => e as DStreamError,
      );
      const error = await started;
      expect(codeOf(error)).toBe('DSTREAM_ERR_KAFKA_TOPIC');
      expect(error?.message).toContain(`position for partition ${topic}-0 could be determined`);
      expect(error?.message).toContain('dstream kafka topics --create');
      expect(errorLines(logged)).toEqual([
        'ERROR StreamingContext: Error starting the context, marking it as stopped',
      ]);
    });

    it("two streams of one group: the first's batch fails with Spark's revoked message", async () => {
      const logged = captureStderr();
      const topic = await newTopic('shared-group', 2);
      await produce(topic, 0, ['a']);
      await produce(topic, 1, ['b']);
      const group = newGroup('shared');
      const { ssc, clock } = context();
      // The first joins the group alone and takes both partitions; the second joins after it,
      // and Kafka gives it one of them.
      for (let i = 0; i < 2; i++) {
        values(
          KafkaUtils.createDirectStream<string, string>(
            ssc,
            LocationStrategies.PreferConsistent,
            ConsumerStrategies.Subscribe([topic], params(group)),
          ),
        );
      }
      await ssc.start();
      // The first stream's consumer hears of the rebalance at its next heartbeat.
      await clock.advance(1000);
      await clock.advance(1000);
      expect(codeOf(ssc.error)).toBe('DSTREAM_ERR_KAFKA_REVOKED');
      expect(ssc.error?.message).toMatch(
        new RegExp(
          `Previously tracked partitions \\[${topic}-[01]\\] been revoked by Kafka because of consumer rebalance`,
        ),
      );
      expect(ssc.error?.message).toContain('Give each stream its own group.id');
      expect(errorLines(logged)).toEqual([
        'ERROR JobGenerator: Error generating jobs for time 1000 ms',
        'ERROR JobGenerator: Error generating jobs for time 2000 ms',
      ]);
    });
  },
);
