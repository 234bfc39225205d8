// Kafka lag per partition, against the real broker test/kafka-setup.ts starts for the run: with
// spark.streaming.kafka.maxRatePerPartition limiting what each batch reads, every batch's input
// metadata says how many records each partition still held past the batch, which equals what
// the test produced minus what the batches consumed; /metrics exports the last batch's lag.
import { describe, expect, it } from 'vitest';
import { Seconds, type BatchInfo, type StreamingContext } from 'dstream';
import {
  ConsumerStrategies,
  KafkaUtils,
  LocationStrategies,
  type KafkaPartitionLag,
} from 'dstream/kafka';
import { createManualContext } from 'dstream/testing';
import { bootstrap, broker, skipKafka } from './support/kafka-broker.js';
import { newGroup, newTopic, numbered, produce } from './support/kafka-topics.js';

/** Records produced per partition. */
const PRODUCED = [23, 12];
/** What one batch may read per partition (maxRatePerPartition × 1 s batches). */
const RATE = 5;

describe.skipIf(skipKafka)(
  `Kafka lag in the web UI${skipKafka ? ` (skipped: ${broker.reason})` : ''}`,
  () => {
    it('is produced minus consumed, per partition and batch, and the last batch is in /metrics', async () => {
      const topic = await newTopic('ui-lag', 2);
      for (const [p, n] of PRODUCED.entries()) await produce(topic, p, numbered(p, 0, n));
      let ssc: StreamingContext | undefined;
      try {
        const made = createManualContext({
          batchDuration: Seconds(1),
          conf: {
            'spark.ui.enabled': 'true',
            'spark.ui.port': '0',
            'spark.streaming.kafka.maxRatePerPartition': String(RATE),
          },
        });
        ssc = made.ssc;
        const stream = KafkaUtils.createDirectStream<string, string>(
          ssc,
          LocationStrategies.PreferConsistent,
          ConsumerStrategies.Subscribe<string, string>([topic], {
            'bootstrap.servers': bootstrap(),
            'group.id': newGroup('ui-lag'),
            'auto.offset.reset': 'earliest',
            'enable.auto.commit': false,
          }),
        );
        // Records each batch consumed per partition, counted from the records themselves.
        const consumed: number[][] = [];
        stream.foreachRDD(async (rdd) => {
          const values = await rdd.map((r) => r.partition).collect();
          consumed.push(PRODUCED.map((_, p) => values.filter((v) => v === p).length));
        });
        const submitted: BatchInfo[] = [];
        ssc.addStreamingListener({ onBatchSubmitted: (e) => submitted.push(e.batchInfo) });
        await ssc.start();
        for (let i = 0; i < 3; i++) await made.clock.advance(1000);

        expect(consumed).toEqual([
          [5, 5],
          [5, 5],
          [5, 2],
        ]);
        const lags = submitted.map(
          (b) => b.streamIdToInputInfo.get(stream.inputStreamId)!.metadata['lag'],
        ) as KafkaPartitionLag[][];
        for (let b = 0; b < 3; b++) {
          const expected = PRODUCED.map((n, p) => {
            const read = consumed.slice(0, b + 1).reduce((s, c) => s + c[p]!, 0);
            return { topic, partition: p, latestOffset: n, lag: n - read };
          });
          expect(lags[b]).toEqual(expected);
        }
        expect(lags[0]!.map((l) => l.lag)).toEqual([18, 7]);

        const text = await (await fetch(`${ssc.uiWebUrl!}/metrics`)).text();
        for (const l of lags[2]!) {
          expect(text).toContain(
            `dstream_streaming_kafka_lag_records{stream_id="${stream.inputStreamId}",topic="${topic}",partition="${l.partition}"} ${l.lag}`,
          );
        }
        expect(lags[2]!.map((l) => l.lag)).toEqual([8, 0]);
      } finally {
        await ssc?.stop();
      }
    });
  },
);
