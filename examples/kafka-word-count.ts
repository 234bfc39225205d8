/**
 * Word count over a Kafka topic with the direct approach: the seed's Kafka word count (§七.3
 * Direct Approach, Spark's DirectKafkaWordCount), line by line. No receiver: every 5-second batch,
 * the driver asks Kafka for the latest offset of each partition, and the batch reads the records
 * since the previous batch, one RDD partition per topic partition. The words of the records'
 * values are counted and printed, with the offset ranges each batch read.
 *
 * Run (`dstream kafka start` gives a broker on 127.0.0.1:9092):
 *   dstream kafka topics --create --topic words --partitions 3
 *   dstream run examples/kafka-word-count.ts 127.0.0.1:9092 words
 *   dstream kafka produce --topic words                  # type lines
 * Several topics: `words,more-words`. A third argument sets the consumer group (default
 * kafka-word-count).
 */
import { StreamingContext, Seconds, type DStream } from 'dstream';
import { ConsumerStrategies, KafkaUtils, LocationStrategies } from 'dstream/kafka';

const [bootstrap = '127.0.0.1:9092', topics = 'words', groupId = 'kafka-word-count'] =
  process.argv.slice(2);

// TODO: 1. Build the streaming context.
const ssc = new StreamingContext({
  master: 'local[3]',
  appName: 'DirectKafkaWordCount',
  batchDuration: Seconds(5),
});
ssc.sparkContext.setLogLevel('WARN');

// TODO: 2. Create a direct stream over the topics: Kafka's own parameter names.
const kafkaParams = {
  'bootstrap.servers': bootstrap,
  'group.id': groupId,
  'key.deserializer': 'org.apache.kafka.common.serialization.StringDeserializer',
  'value.deserializer': 'org.apache.kafka.common.serialization.StringDeserializer',
  'auto.offset.reset': 'earliest',
  'enable.auto.commit': false,
};
const messages = KafkaUtils.createDirectStream<string, string>(
  ssc,
  LocationStrategies.PreferConsistent,
  ConsumerStrategies.Subscribe<string, string>(topics.split(','), kafkaParams),
);

// Each batch's offset ranges, read from the stream's own RDDs (Spark's HasOffsetRanges).
messages.foreachRDD((rdd, time) => {
  for (const range of rdd.offsetRanges) {
    if (range.count() > 0) console.warn(`${time}: ${range.toString()}`);
  }
});

// TODO: 3. Get the lines, split them into words, count the words and print.
const lines: DStream<string> = messages.map((record) => record.value);
const words = lines.flatMap((line) => line.split(/\s+/).filter((word) => word.length > 0));
const wordCounts = words.map((word) => [word, 1] as const).reduceByKey((a, b) => a + b);
wordCounts.print(10);

// TODO: 4. Start the computation; `dstream run` stops it on Ctrl-C.
await ssc.start();
await ssc.awaitTermination();
