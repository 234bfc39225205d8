// KafkaPartitioner places a key as Kafka's default partitioner does (toPositive(murmur2(bytes)) %
// n, the client library's murmur2 as reference), whatever path its bytes take: a short string
// encoded in place, a long one, a number as its decimal text, a Buffer as it is.
import { describe, expect, it } from 'vitest';
import { murmur2 as reference } from '@platformatic/kafka';
import { KafkaPartitioner } from 'dstream/kafka';

const kafkaPartition = (bytes: Buffer, n: number) => (reference(bytes) & 0x7fffffff) % n;

describe('KafkaPartitioner', () => {
  const partitioner = new KafkaPartitioner(7);

  it('places strings short and long, ASCII or not, as Kafka does', () => {
    const keys = [
      '',
      'a',
      'ab',
      'abc',
      'province-12',
      'ü',
      '省份',
      'x'.repeat(341),
      'y'.repeat(5000),
    ];
    for (const key of keys) {
      expect(partitioner.getPartition(key), key.slice(0, 20)).toBe(
        kafkaPartition(Buffer.from(key, 'utf8'), 7),
      );
    }
  });

  it('places numbers as their decimal text, Buffers as their bytes', () => {
    for (const n of [0, 7, 12345, -3, 1.5]) {
      expect(partitioner.getPartition(n)).toBe(kafkaPartition(Buffer.from(String(n)), 7));
    }
    expect(partitioner.getPartition(10n ** 20n)).toBe(
      kafkaPartition(Buffer.from('100000000000000000000'), 7),
    );
    const bytes = Buffer.from([0, 255, 17, 3, 99]);
    expect(partitioner.getPartition(bytes)).toBe(kafkaPartition(bytes, 7));
  });

  it('refuses keys that have no Kafka form', () => {
    expect(() => partitioner.getPartition({ id: 1 })).toThrow(
      /no Kafka form: key the stream by a string/,
    );
  });
});
