// Records a deserializer or the application's parse function cannot handle, against the run's
// real broker: by default the batch fails with a typed error, as in Spark; with
// spark.streaming.kafka.badRecords they are skipped and counted, or written to the dead-letter
// topic with the error in their headers, and the stream runs on.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ConsumerStrategies,
  DEAD_LETTER_HEADERS,
  KafkaUtils,
  LocationStrategies,
  OffsetRange,
  parseRecords,
  type ConsumerRecord,
} from 'dstream/kafka';
import { createManualContext } from 'dstream/testing';
import { Seconds, type StreamingContext } from 'dstream';
import { bootstrap, broker, skipKafka } from './support/kafka-broker.js';
import { latestOffsets, newGroup, newTopic, produce } from './support/kafka-topics.js';
import { captureStderr, errorLines } from './support/capture-stderr.js';

const contexts: StreamingContext[] = [];
afterEach(async () => {
  for (const ssc of contexts.splice(0)) await ssc.stop();
});

function context(conf: Record<string, string> = {}) {
  const made = createManualContext({ conf, batchDuration: Seconds(1) });
  contexts.push(made.ssc);
  return made;
}

function params(group: string, extra: Record<string, string> = {}) {
  return {
    'bootstrap.servers': bootstrap(),
    'group.id': group,
    'auto.offset.reset': 'earliest',
    ...extra,
  };
}

/** A json-valued stream of `topic`, its values per batch, and each batch's input info metadata. */
function jsonStream(ssc: StreamingContext, topic: string) {
  const stream = KafkaUtils.createDirectStream<string, unknown>(
    ssc,
    LocationStrategies.PreferConsistent,
    ConsumerStrategies.Subscribe(
      [topic],
      params(newGroup('bad'), { 'value.deserializer': 'json' }),
    ),
  );
  const values: unknown[][] = [];
  stream.foreachRDD(async (rdd) => void values.push((await rdd.collect()).map((r) => r.value)));
  const metadata: Record<string, unknown>[] = [];
  ssc.addStreamingListener({
    onBatchCompleted: (e) =>
      void metadata.push(e.batchInfo.streamIdToInputInfo.get(stream.inputStreamId)!.metadata),
  });
  return { stream, values, metadata };
}

/** The records of a dead-letter topic, as bytes, with their headers as strings. */
async function deadLetters(ssc: StreamingContext, topic: string) {
  const [end] = await latestOffsets(topic, 1);
  const rdd = KafkaUtils.createRDD<Buffer, Buffer>(
    ssc.sparkContext,
    params('dead-letter-reader', { 'key.deserializer': 'buffer', 'value.deserializer': 'buffer' }),
    [OffsetRange.create(topic, 0, 0, end!)],
  );
  return (await rdd.collect()).map((r: ConsumerRecord<Buffer, Buffer>) => ({
    key: r.key?.toString('utf8') ?? null,
    value: r.value.toString('utf8'),
    headers: Object.fromEntries(r.headers.map(([k, v]) => [k, v?.toString('utf8')])),
  }));
}

describe.skipIf(skipKafka)(
  `bad Kafka records${skipKafka ? ` (skipped: ${broker.reason})` : ''}`,
  () => {
    it('a record the deserializer cannot read fails the batch by default, with what to do', async () => {
      const logged = captureStderr();
      const topic = await newTopic('bad-fail', 1);
      await produce(topic, 0, ['{"n":1}', 'not json', '{"n":3}']);
      const { ssc, clock } = context();
      const { values } = jsonStream(ssc, topic);
      await ssc.start();
      await clock.advance(1000);
      expect(values).toEqual([]);
      expect(ssc.error?.message).toContain(
        `Cannot deserialize the value of record ${topic}-0@1 as json`,
      );
      expect(ssc.error?.message).toContain('Set spark.streaming.kafka.badRecords to skip');
      expect(JSON.stringify(ssc.error, ['code', 'cause'])).toContain(
        'DSTREAM_ERR_KAFKA_DESERIALIZE',
      );
      expect(errorLines(logged)).toEqual([
        'ERROR JobScheduler: Error running job streaming job 1000 ms.0',
      ]);
    });

    it('skip leaves such records out, counts them in the next batch, and the stream runs on', async () => {
      const topic = await newTopic('bad-skip', 1);
      await produce(topic, 0, ['{"n":1}', 'not json', '{"n":3}', '{']);
      const { ssc, clock } = context({ 'spark.streaming.kafka.badRecords': 'skip' });
      const { values, metadata } = jsonStream(ssc, topic);
      await ssc.start();
      await clock.advance(1000);
      await produce(topic, 0, ['{"n":5}']);
      await clock.advance(1000);
      expect(values).toEqual([[{ n: 1 }, { n: 3 }], [{ n: 5 }]]);
      expect(metadata[0]).not.toHaveProperty('badRecords');
      // Batch 1's reads counted 2: batch 2's input info says so.
      expect(metadata[1]).toMatchObject({ badRecords: { skipped: 2, deadLettered: 0 } });
      expect(ssc.error).toBeUndefined();
    });

    it('a poison record reaches the dead-letter topic and the stream runs on', async () => {
      const topic = await newTopic('bad-poison', 1);
      const deadLetterTopic = await newTopic('bad-poison-dead', 1);
      await produce(topic, 0, ['1', '2', 'poison', '4']);
      const { ssc, clock } = context({
        'spark.streaming.kafka.badRecords': 'deadLetter',
        'spark.streaming.kafka.deadLetterTopic': deadLetterTopic,
      });
      const group = newGroup('poison');
      const stream = KafkaUtils.createDirectStream<string, string>(
        ssc,
        LocationStrategies.PreferConsistent,
        ConsumerStrategies.Subscribe([topic], params(group)),
      );
      const numbers = parseRecords(stream, (r) => {
        const n = Number(r.value);
        if (!Number.isInteger(n)) throw new Error(`not a number: '${r.value}'`);
        return n;
      });
      const sums: number[] = [];
      numbers.foreachRDD(
        async (rdd) => void sums.push((await rdd.collect()).reduce((a, b) => a + b, 0)),
      );
      const metadata: unknown[] = [];
      ssc.addStreamingListener({
        onBatchCompleted: (e) =>
          void metadata.push(e.batchInfo.streamIdToInputInfo.get(0)?.metadata),
      });
      await ssc.start();
      await clock.advance(1000);
      await produce(topic, 0, ['5', '6']);
      await clock.advance(1000);
      expect(sums).toEqual([7, 11]);
      expect(ssc.error).toBeUndefined();
      expect(metadata[1]).toMatchObject({ badRecords: { skipped: 0, deadLettered: 1 } });
      expect(await deadLetters(ssc, deadLetterTopic)).toEqual([
        {
          key: null,
          value: 'poison',
          headers: {
            [DEAD_LETTER_HEADERS.topic]: topic,
            [DEAD_LETTER_HEADERS.partition]: '0',
            [DEAD_LETTER_HEADERS.offset]: '2',
            [DEAD_LETTER_HEADERS.stage]: 'parse',
            [DEAD_LETTER_HEADERS.groupId]: group,
            [DEAD_LETTER_HEADERS.errorClass]: 'Error',
            [DEAD_LETTER_HEADERS.errorMessage]: "not a number: 'poison'",
          },
        },
      ]);
    });

    it('deadLetter also takes records the deserializer cannot read, with their original bytes', async () => {
      const topic = await newTopic('bad-json', 1);
      const deadLetterTopic = await newTopic('bad-json-dead', 1);
      await produce(topic, 0, ['{"n":1}', 'not json']);
      const { ssc, clock } = context({
        'spark.streaming.kafka.badRecords': 'deadLetter',
        'spark.streaming.kafka.deadLetterTopic': deadLetterTopic,
      });
      const { values } = jsonStream(ssc, topic);
      await ssc.start();
      await clock.advance(1000);
      expect(values).toEqual([[{ n: 1 }]]);
      const [letter] = await deadLetters(ssc, deadLetterTopic);
      expect(letter?.value).toBe('not json');
      expect(letter?.headers).toMatchObject({
        [DEAD_LETTER_HEADERS.offset]: '1',
        [DEAD_LETTER_HEADERS.stage]: 'value',
        [DEAD_LETTER_HEADERS.errorClass]: 'SyntaxError',
      });
    });

    it('the default policy fails a batch whose parse function throws, with the record named', async () => {
      const logged = captureStderr();
      const topic = await newTopic('bad-parse', 1);
      await produce(topic, 0, ['1', 'x']);
      const { ssc, clock } = context();
      const stream = KafkaUtils.createDirectStream<string, string>(
        ssc,
        LocationStrategies.PreferConsistent,
        ConsumerStrategies.Subscribe([topic], params(newGroup('parse'))),
      );
      parseRecords(stream, (r) => {
        if (r.value === 'x') throw new Error('no x here');
        return r.value;
      }).foreachRDD(async (rdd) => void (await rdd.count()));
      await ssc.start();
      await clock.advance(1000);
      expect(ssc.error?.message).toContain(`Cannot parse record ${topic}-0@1: no x here`);
      expect(errorLines(logged)).toEqual([
        'ERROR JobScheduler: Error running job streaming job 1000 ms.0',
      ]);
    });

    it('with local[2], task threads parse, write the dead letters, and their counts reach the driver', async () => {
      const topic = await newTopic('bad-threads', 2);
      const deadLetterTopic = await newTopic('bad-threads-dead', 1);
      await produce(topic, 0, ['1', 'x', '3']);
      await produce(topic, 1, ['4', 'y']);
      const root = join(import.meta.dirname, '..');
      const { stdout } = await promisify(execFile)(
        join(root, 'node_modules', '.bin', 'node'),
        [
          join(root, 'test', 'fixtures', 'workers', 'kafka-bad-records-app.ts'),
          'local[2]',
          bootstrap(),
          topic,
          deadLetterTopic,
          newGroup('threads'),
        ],
        { cwd: root },
      );
      const out = JSON.parse(stdout.trim()) as {
        numbers: number[];
        parsers: number[];
        badRecords: unknown[];
        error?: string;
      };
      expect(out.error).toBeUndefined();
      expect(out.numbers).toEqual([1, 3, 4]);
      expect(out.parsers.length).toBeGreaterThan(0);
      expect(out.parsers).not.toContain(0); // parsed in task threads, not on the driver
      expect(out.badRecords).toEqual([null, { skipped: 0, deadLettered: 2 }]); // JSON: null for none
      const { ssc } = context();
      const letters = await deadLetters(ssc, deadLetterTopic);
      expect(letters.map((l) => [l.value, l.headers[DEAD_LETTER_HEADERS.offset]]).sort()).toEqual([
        ['x', '1'],
        ['y', '1'],
      ]);
    });

    it('deadLetter without a dead-letter topic is refused when the stream is created', () => {
      const { ssc } = context({ 'spark.streaming.kafka.badRecords': 'deadLetter' });
      expect(() =>
        KafkaUtils.createDirectStream(
          ssc,
          LocationStrategies.PreferConsistent,
          ConsumerStrategies.Subscribe(['t'], params('g')),
        ),
      ).toThrow('spark.streaming.kafka.deadLetterTopic is not set');
    });
  },
);
