// Windows over the direct stream with spark.streaming.kafka.scaleOut, against the run's real
// broker: an incremental window (with an inverse function) is refused at start, since its window
// would not move with the partitions and a recovery would leave values in it forever; a window
// recomputed from its batches runs, and after a recovery from its checkpoint lacks the batches
// before the recovery for one window length, and a process that lets a partition go keeps the
// records of it that it read before in its windows until they slide out (docs/scale-out.md,
// "Windows").
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Admin } from '@platformatic/kafka';
import { ConsumerStrategies, KafkaUtils, LocationStrategies } from 'dstream/kafka';
import { createManualContext, simulateCrash } from 'dstream/testing';
import { DStreamError, Seconds, type DStream, type StreamingContext } from 'dstream';
import { bootstrap, broker, skipKafka } from './support/kafka-broker.js';
import { otherProcess, scaleOutApp } from './support/scale-out-app.js';
import { newGroup, newTopic, produce } from './support/kafka-topics.js';
import { captureStderr, errorLines } from './support/capture-stderr.js';

const contexts: StreamingContext[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const ssc of contexts.splice(0)) if (ssc.getState() === 'ACTIVE') await ssc.stop();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const add = (a: number, b: number) => a + b;
const sub = (a: number, b: number) => a - b;

/**
 * A process of an app counting each record value in a 3 s window (1 s batches) with `windowed`,
 * recovered from `dir` when it holds a checkpoint; it records each window as `[time, pairs]`.
 */
function app(
  dir: string,
  topic: string,
  group: string,
  now: number,
  windowed: (pairs: DStream<readonly [string, number]>) => DStream<readonly [string, number]>,
) {
  const windows: [number, (readonly [string, number])[]][] = [];
  const { ssc, clock } = scaleOutApp(
    { appName: 'scale-out-window', dir, topic, group, now },
    (stream) =>
      windowed(stream.map((r) => [r.value, 1] as const)).foreachRDD(async (rdd, time) => {
        windows.push([time.milliseconds, (await rdd.collect()).sort()]);
      }),
  );
  contexts.push(ssc);
  return { ssc, clock, windows };
}

function checkpointDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dstream-scale-out-window-'));
  dirs.push(dir);
  return dir;
}

describe.skipIf(skipKafka)(
  `Windows over a scale-out stream${skipKafka ? ` (skipped: ${broker.reason})` : ''}`,
  () => {
    it('an incremental window is refused at start, before anything is read', async () => {
      const logged = captureStderr();
      const topic = await newTopic('scale-out-window-refused', 1);
      const { ssc } = app(checkpointDir(), topic, newGroup('scale-out-window-refused'), 0, (p) =>
        p.reduceByKeyAndWindow(add, sub, Seconds(3), Seconds(1)),
      );
      const error = await ssc.start().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DStreamError);
      expect((error as DStreamError).code).toBe('DSTREAM_ERR_WINDOW_STATE_NOT_MOVABLE');
      expect((error as Error).message).toMatch(
        /is an incremental window .* over a Kafka stream whose partitions move between processes/,
      );
      expect(ssc.getState()).toBe('STOPPED');
      expect(errorLines(logged)).toEqual([
        'ERROR StreamingContext: Error starting the context, marking it as stopped',
      ]);
    });

    it('a window without inverse keeps the records of a partition it let go until their batches slide out', async () => {
      const topic = await newTopic('scale-out-window-moved', 2);
      const group = newGroup('scale-out-window-moved');
      await produce(topic, 0, ['x0']);
      await produce(topic, 1, ['x1']);
      const { ssc, clock } = createManualContext({
        batchDuration: Seconds(1),
        conf: { 'spark.streaming.kafka.scaleOut': 'true' },
      });
      contexts.push(ssc);
      const windows: string[][] = [];
      KafkaUtils.createDirectStream<string, string>(
        ssc,
        LocationStrategies.PreferConsistent,
        ConsumerStrategies.Subscribe([topic], {
          'bootstrap.servers': bootstrap(),
          'group.id': group,
          'auto.offset.reset': 'earliest',
        }),
      )
        .map((r) => r.value)
        .window(Seconds(3), Seconds(1))
        .foreachRDD(async (rdd) => {
          windows.push((await rdd.collect()).sort());
        });
      await ssc.start();
      await clock.advance(1000);
      expect(windows).toEqual([['x0', 'x1']]);

      // Another process of the group (a plain Kafka consumer here) takes one partition.
      const other = await otherProcess(topic, group);
      try {
        const taken = other.assignments?.flatMap((a) => a.partitions) ?? [];
        expect(taken).toHaveLength(1);
        const moved = taken[0]!;
        const kept = 1 - moved;
        await produce(topic, 0, ['y0']);
        await produce(topic, 1, ['y1']);
        await clock.advance(3000);
        expect(ssc.error).toBeUndefined();
        // y of the moved partition is the other process's; x of it stays in this process's windows
        // while the batch of 1000 is in them (until the window of 3000), then leaves.
        expect(windows).toEqual([
          ['x0', 'x1'],
          ['x0', 'x1', `y${kept}`],
          ['x0', 'x1', `y${kept}`],
          [`y${kept}`],
        ]);
      } finally {
        await other.close();
      }
    });

    it('a window without inverse, recovered from its checkpoint, lacks the batches before the recovery for one window length', async () => {
      const topic = await newTopic('scale-out-window-recovery', 1);
      const group = newGroup('scale-out-window-recovery');
      const dir = checkpointDir();
      const window = (p: DStream<readonly [string, number]>) =>
        p.reduceByKeyAndWindow(add, Seconds(3), Seconds(1));
      await produce(topic, 0, ['a']);
      const first = app(dir, topic, group, 0, window);
      await first.ssc.start();
      await first.clock.advance(1000);
      await produce(topic, 0, ['a']);
      await first.clock.advance(1000);
      expect(first.windows).toEqual([
        [1000, [['a', 1]]],
        [2000, [['a', 2]]],
      ]);
      await simulateCrash(first.ssc);

      // The group's offsets say both records were read (the process committed after them).
      const admin = new Admin({ clientId: 'test-admin', bootstrapBrokers: [bootstrap()] });
      try {
        await admin.alterConsumerGroupOffsets({
          groupId: group,
          topics: [{ name: topic, partitionOffsets: [{ partition: 0, offset: 2n }] }],
        });
      } finally {
        await admin.close();
      }
      await produce(topic, 0, ['b']);
      const second = app(dir, topic, group, 2500, window);
      expect(second.ssc).not.toBe(first.ssc); // recovered, not created
      await second.ssc.start();
      await second.clock.setTime(6000);
      expect(second.ssc.error).toBeUndefined();
      // The batches of 1000 and 2000 read nothing after the recovery (their offsets are not
      // trusted): the windows of 2000 to 4000 lack 'a' (one process alone would say a=2, 2, 1).
      // From 5000 on, the window holds only batches read since the recovery: exact again.
      expect(second.windows).toEqual([
        [2000, []],
        [3000, [['b', 1]]],
        [4000, [['b', 1]]],
        [5000, [['b', 1]]],
        [6000, []],
      ]);
    });
  },
);
