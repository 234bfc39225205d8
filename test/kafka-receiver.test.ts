// KafkaUtils.createStream (Spark's receiver-based Kafka stream) against the real broker
// test/kafka-setup.ts starts for the run: [key, value] pairs from a consumer group, several topics
// and consumer threads, offsets committed once stored, the write-ahead log's checkpoint
// requirement, and no loss across a SIGKILL with the write-ahead log (a real child process).
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Milliseconds, StreamingContext } from 'dstream';
import { KafkaUtils, type KafkaPair } from 'dstream/kafka';
import { createTopic } from '../src/sources/kafka/client/admin.js';
import { clientOptions, loadKafka } from '../src/sources/kafka/client/load.js';
import type { StringRecord } from '../src/sources/kafka/client/producer.js';
import { AppProcess, removeTempDirs, root, tempDir } from './support/app-process.js';
import { expectBuilt, startCli } from './support/cli.js';
import { bootstrap, broker, skipKafka } from './support/kafka-broker.js';
import { captureStderr, errorLines } from './support/capture-stderr.js';

const id = () => randomUUID().slice(0, 8);

async function newTopic(partitions = 1): Promise<string> {
  const topic = `recv-${id()}`;
  await createTopic([bootstrap()], topic, partitions);
  return topic;
}

/**
 * Sends `records` with an idempotent producer: a send retried after a leader change on a topic
 * just created would otherwise write a batch twice (seen here), and the test would count the
 * broker's duplicates as the receiver's.
 */
async function produce(topic: string, records: readonly StringRecord[]): Promise<void> {
  const { Producer, ProduceAcks, stringSerializers } = await loadKafka();
  const producer = new Producer({
    ...clientOptions([bootstrap()], 'recv-test-producer'),
    serializers: stringSerializers,
    acks: ProduceAcks.ALL,
    idempotent: true,
  });
  try {
    await producer.send({ messages: records.map((r) => ({ topic, ...r })) });
  } finally {
    await producer.close();
  }
}

/** The group's committed offset of each partition of `topic` (`partition → offset`). */
async function committed(group: string, topic: string): Promise<Map<number, number>> {
  const { Admin } = await loadKafka();
  const admin = new Admin(clientOptions([bootstrap()], 'recv-test-admin'));
  try {
    const [g] = await admin.listConsumerGroupOffsets({ groups: [group] });
    const t = g?.topics.find((x) => x.name === topic);
    return new Map((t?.partitions ?? []).map((p) => [p.partitionIndex, Number(p.committedOffset)]));
  } finally {
    await admin.close();
  }
}

/**
 * Returns as soon as the group's committed offsets of `topic` add up to `total` (asking the broker
 * again and again: it says nothing when a commit arrives).
 */
async function untilCommitted(group: string, topic: string, total: number): Promise<void> {
  const { Admin } = await loadKafka();
  const admin = new Admin(clientOptions([bootstrap()], 'recv-test-admin'));
  try {
    for (;;) {
      const [g] = await admin.listConsumerGroupOffsets({ groups: [group] });
      const partitions = g?.topics.find((x) => x.name === topic)?.partitions ?? [];
      if (partitions.reduce((sum, p) => sum + Number(p.committedOffset), 0) >= total) return;
    }
  } finally {
    await admin.close();
  }
}

const contexts: StreamingContext[] = [];
afterEach(async () => {
  for (const ssc of contexts.splice(0)) await ssc.stop();
  removeTempDirs();
});

function context(conf: Record<string, string> = {}): StreamingContext {
  const ssc = new StreamingContext({
    master: 'local[2]',
    appName: 'KafkaReceiverTest',
    batchDuration: Milliseconds(200),
    conf: { 'spark.streaming.blockInterval': '50ms', ...conf },
  });
  contexts.push(ssc);
  return ssc;
}

/** Every pair of the stream's batches, and a promise of the first `n` of them. */
function collect(stream: { foreachRDD: KafkaInputLike['foreachRDD'] }, n: number) {
  const pairs: KafkaPair[] = [];
  let done!: () => void;
  const enough = new Promise<void>((resolve) => (done = resolve));
  stream.foreachRDD(async (rdd) => {
    pairs.push(...(await rdd.collect()));
    if (pairs.length >= n) done();
  });
  return { pairs, enough };
}
type KafkaInputLike = ReturnType<typeof KafkaUtils.createStream>;

const sorted = <T>(xs: readonly T[]) => [...xs].sort((a, b) => (String(a) < String(b) ? -1 : 1));

describe('KafkaUtils.createStream arguments', () => {
  it('checks the topics map, the group and auto.offset.reset where the stream is declared', () => {
    const ssc = context();
    expect(() => KafkaUtils.createStream(ssc, '127.0.0.1:9092', 'g', {})).toThrow(
      expect.objectContaining({ code: 'DSTREAM_ERR_INVALID_ARGUMENT' }),
    );
    expect(() => KafkaUtils.createStream(ssc, '127.0.0.1:9092', 'g', { t: 0 })).toThrow(
      /Invalid number of consumer threads 0 for topic 't'/,
    );
    expect(() => KafkaUtils.createStream(ssc, '127.0.0.1:9092', '', { t: 1 })).toThrow(
      /needs a consumer group/,
    );
    expect(() =>
      KafkaUtils.createStream(ssc, '127.0.0.1:9092', 'g', { t: 1 }, { 'auto.offset.reset': 'x' }),
    ).toThrow('Wrong value x of auto.offset.reset in ConsumerConfig');
    expect(() => KafkaUtils.createStream(ssc, { 'group.id': 'g' }, { t: 1 })).toThrow(
      /bootstrap\.servers/,
    );
  });

  it("needs a checkpoint directory with the write-ahead log, with Spark's message", async () => {
    const logged = captureStderr();
    const ssc = context({ 'spark.streaming.receiver.writeAheadLog.enable': 'true' });
    KafkaUtils.createStream(ssc, '127.0.0.1:9092', 'g', { t: 1 }).foreachRDD(() => {});
    await expect(ssc.start()).rejects.toMatchObject({
      code: 'DSTREAM_ERR_WAL_WITHOUT_CHECKPOINT',
      message:
        'Cannot enable receiver write-ahead log without checkpoint directory set. Please use streamingContext.checkpoint() to set the checkpoint directory. See documentation for more details.',
    });
    expect(errorLines(logged)).toEqual([
      'ERROR StreamingContext: Error starting the context, marking it as stopped',
    ]);
  });
});

describe.skipIf(skipKafka)(
  `KafkaUtils.createStream${skipKafka ? ` (skipped: ${broker.reason})` : ''}`,
  () => {
    it('brings [key, value] pairs, and commits their offsets once stored', async () => {
      const topic = await newTopic();
      const group = `g-${id()}`;
      const records = Array.from({ length: 20 }, (_, i) =>
        i % 2 === 0 ? { key: `k${i}`, value: `v${i}` } : { value: `v${i}` },
      );
      await produce(topic, records);
      const ssc = context();
      const stream = KafkaUtils.createStream(
        ssc,
        bootstrap(),
        group,
        { [topic]: 1 },
        {
          'auto.offset.reset': 'smallest',
        },
      );
      expect(stream.displayName).toMatch(/^Kafka stream \[\d+\]$/);
      const { pairs, enough } = collect(stream, records.length);
      await ssc.start();
      await enough;
      await ssc.stop();
      expect(pairs).toEqual(records.map((r) => [r.key ?? null, r.value]));
      // Stopped: every record stored has its offset committed, one past the last.
      expect(await committed(group, topic)).toEqual(new Map([[0, 20]]));
    });

    it('starts from the offsets the group committed', async () => {
      const topic = await newTopic();
      const group = `g-${id()}`;
      await produce(topic, [{ value: 'a' }, { value: 'b' }]);
      const first = context();
      const params = {
        'bootstrap.servers': bootstrap(),
        'group.id': group,
        'auto.offset.reset': 'earliest',
      };
      const got1 = collect(KafkaUtils.createStream(first, params, { [topic]: 1 }), 2);
      await first.start();
      await got1.enough;
      await first.stop();
      expect(got1.pairs.map(([, v]) => v)).toEqual(['a', 'b']);

      await produce(topic, [{ value: 'c' }, { value: 'd' }]);
      const second = context();
      const got2 = collect(KafkaUtils.createStream(second, params, { [topic]: 1 }), 2);
      await second.start();
      await got2.enough;
      await second.stop();
      expect(got2.pairs.map(([, v]) => v)).toEqual(['c', 'd']);
    });

    it('reads several topics with several consumers of one group, each record once', async () => {
      const [a, b] = [await newTopic(3), await newTopic(2)];
      const group = `g-${id()}`;
      const ofA = Array.from({ length: 60 }, (_, i) => ({ key: `p${i % 6}`, value: `a${i}` }));
      const ofB = Array.from({ length: 40 }, (_, i) => ({ key: `q${i % 4}`, value: `b${i}` }));
      await produce(a, ofA);
      await produce(b, ofB);
      const ssc = context();
      const stream = KafkaUtils.createStream(
        ssc,
        bootstrap(),
        group,
        { [a]: 2, [b]: 1 },
        {
          'auto.offset.reset': 'earliest',
        },
      );
      const { pairs, enough } = collect(stream, 100);
      await ssc.start();
      await enough;
      await ssc.stop();
      const values = pairs.map(([, v]) => v);
      expect(sorted(values)).toEqual(sorted([...ofA, ...ofB].map((r) => r.value)));
      const endsA = await committed(group, a);
      expect([...endsA.values()].reduce((x, y) => x + y, 0)).toBe(60);
      const endsB = await committed(group, b);
      expect([...endsB.values()].reduce((x, y) => x + y, 0)).toBe(40);
    });

    it('keeps the blocks in the write-ahead log before committing', async () => {
      const topic = await newTopic(2);
      const group = `g-${id()}`;
      const values = Array.from({ length: 30 }, (_, i) => `w${i}`);
      await produce(
        topic,
        values.map((value) => ({ value })),
      );
      const dir = tempDir('dstream-kafka-recv-');
      const ssc = context({ 'spark.streaming.receiver.writeAheadLog.enable': 'true' });
      ssc.checkpoint(dir);
      const stream = KafkaUtils.createStream(
        ssc,
        bootstrap(),
        group,
        { [topic]: 2 },
        {
          'auto.offset.reset': 'smallest',
        },
      );
      const { pairs, enough } = collect(stream, values.length);
      await ssc.start();
      await enough;
      await ssc.stop();
      expect(sorted(pairs.map(([, v]) => v))).toEqual(sorted(values));
      const ends = await committed(group, topic);
      expect([...ends.values()].reduce((x, y) => x + y, 0)).toBe(30);
      const { readdirSync } = await import('node:fs');
      expect(readdirSync(join(dir, 'receivedData', String(stream.inputStreamId)))).not.toEqual([]);
    });

    it('examples/kafka-receiver-word-count.ts prints the word counts of the topic', async () => {
      expectBuilt();
      const topic = await newTopic(2);
      await produce(topic, [{ value: 'hello spark' }, { value: 'hello streaming' }]);
      const cli = startCli([
        'run',
        join('examples', 'kafka-receiver-word-count.ts'),
        bootstrap(),
        `wc-${id()}`,
        topic,
        '2',
        tempDir('dstream-kafka-wc-'),
      ]);
      const dashes = '-'.repeat(43);
      const pair = String.raw`\((hello,2|spark,1|streaming,1)\)\n`;
      await cli.waitFor(
        'stdout',
        new RegExp(`${dashes}\\nTime: \\d+ ms\\n${dashes}\\n(${pair}){3}`),
      );
      cli.child.kill('SIGINT');
      expect(await cli.exited, cli.stderr()).toBe(0);
    });

    it(
      'loses nothing across a SIGKILL with the write-ahead log',
      { timeout: 180_000 },
      async () => {
        expectBuilt();
        const topic = await newTopic(3);
        const group = `g-${id()}`;
        const checkpoint = tempDir('dstream-kafka-recv-kill-');
        const app = join(root, 'test', 'fixtures', 'kafka-receiver-app.ts');
        const args = [
          join(root, 'dist', 'cli', 'main.js'),
          'run',
          '--conf',
          'spark.streaming.receiver.writeAheadLog.enable=true',
          app,
          bootstrap(),
          topic,
          group,
          checkpoint,
        ];
        const ROUND = 500;
        const N = 10 * ROUND;
        const produced = Array.from({ length: N }, (_, i) => `n${i}`);
        const round = (r: number) =>
          produce(
            topic,
            produced.slice(r * ROUND, (r + 1) * ROUND).map((value) => ({ value })),
          );
        const seen = (p: AppProcess) =>
          [...p.stdout.matchAll(/^seen \d+ (\[.*\])$/gm)].flatMap(
            (m) => JSON.parse(m[1]!) as string[],
          );
        // Half the records, processed before the kill.
        const first = new AppProcess(args[0]!, args.slice(1));
        await first.until('the first run to start', () => first.stdout.includes('STARTED'));
        const half = N / ROUND / 2;
        for (let r = 0; r < half; r++) await round(r);
        await first.until('the first half', () => seen(first).length >= half * ROUND);
        // One more round, killed once its offsets are committed: those records are in the
        // write-ahead log and (most likely) in no batch yet; a receiver that committed before
        // logging would lose them here.
        await round(half);
        await untilCommitted(group, topic, half * ROUND + 1);
        await first.kill();
        const beforeKill = seen(first);
        const inFlight = (half + 1) * ROUND - beforeKill.length;
        for (let r = half + 1; r < N / ROUND; r++) await round(r);

        const second = new AppProcess(args[0]!, args.slice(1));
        // The rounds sent while it was down come after what it recovers from the log.
        const later = produced.slice((half + 1) * ROUND);
        await second.until(
          'the second run to process the records sent while the first was down',
          () => {
            const got = new Set(seen(second));
            return later.every((v) => got.has(v));
          },
          120_000,
        );
        await second.kill();
        const afterRestart = seen(second);
        // Batches of the first run that recovery ran again (Spark's at-least-once output).
        const batchTimes = (p: AppProcess) =>
          new Set([...p.stdout.matchAll(/^seen (\d+) /gm)].map((m) => m[1]!));
        const firstTimes = batchTimes(first);
        const rerun = [...batchTimes(second)].filter((t) => firstTimes.has(t)).length;
        const union = [...beforeKill, ...afterRestart];
        const distinct = new Set(union);
        expect(produced.filter((v) => !distinct.has(v))).toEqual([]);
        expect([...distinct].filter((v) => !produced.includes(v))).toEqual([]);
        process.stderr.write(
          `kafka receiver SIGKILL: produced ${N}, processed ${union.length} (${beforeKill.length} before the kill, ${afterRestart.length} after; ${inFlight} received and not processed at the kill), distinct ${distinct.size}, duplicates ${union.length - distinct.size}, batches run again after the restart ${rerun}\n`,
        );
      },
    );
  },
);
