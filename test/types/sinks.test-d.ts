// Type tests of the sinks: each common write is one line in foreachRDD (a callback may resolve to
// the write's result, as Spark's foreachRDD discards what its function returns), and what a
// write resolves with is typed.
import { expectTypeOf } from 'vitest';
import type { DStream, TopicPartition } from 'dstream';
import { ConsumerStrategies, KafkaUtils, LocationStrategies } from 'dstream/kafka';
import { HBaseSink } from 'dstream/sinks/hbase';
import { MySqlSink } from 'dstream/sinks/mysql';
import { PostgresSink, type WriteResult } from 'dstream/sinks/postgres';
import { RedisSink } from 'dstream/sinks/redis';
import { ElasticsearchSink } from 'dstream/sinks/elasticsearch';

declare const counts: DStream<readonly [string, number]>;
declare const orders: DStream<{ orderId: string; provinceId: string; orderPrice: string }>;

const pg = PostgresSink.create({ url: 'postgres://postgres@127.0.0.1:5432/test', id: 'a' });
const my = MySqlSink.create({ url: 'mysql://root@127.0.0.1:3306/test', id: 'a' });
const redis = RedisSink.create({ url: 'redis://127.0.0.1:6379', id: 'a' });
const hbase = HBaseSink.create({ url: 'http://127.0.0.1:18080' });
const search = ElasticsearchSink.create({ url: 'http://127.0.0.1:9200' });

counts.foreachRDD((rdd, time) => pg.addTo('counts', ['word'], 'n', rdd, { positions: time }));
counts.foreachRDD((rdd, time) =>
  my.upsert('counts', ['word'], rdd, { positions: time, columns: ['word', 'n'] }),
);
counts.foreachRDD((rdd, time) => redis.hashAdd('counts', rdd, { positions: time }));
orders.foreachRDD((rdd, time) =>
  hbase.put('orders', rdd, { family: 'cf', rowKey: 'orderId', time }),
);
orders.foreachRDD((rdd, time) =>
  search.index('orders', rdd, { id: (o) => o.orderId, positions: time }),
);

expectTypeOf(pg.storedOffsets(['t'])).resolves.toEqualTypeOf<[TopicPartition, number][]>();
counts.foreachRDD(async (rdd, time) => {
  expectTypeOf(
    await my.addTo('t', ['k'], 'n', rdd, { positions: time }),
  ).toEqualTypeOf<WriteResult>();
});

// The Kafka stream's own RDD is its positions.
declare const ssc: Parameters<typeof KafkaUtils.createDirectStream>[0];
KafkaUtils.createDirectStream<string, string>(
  ssc,
  LocationStrategies.PreferConsistent,
  ConsumerStrategies.Assign<string, string>([{ topic: 't', partition: 0 }], {}),
).foreachRDD((rdd) =>
  redis.set(
    rdd.map((r) => [r.key ?? '', r.value] as const),
    { positions: rdd },
  ),
);
