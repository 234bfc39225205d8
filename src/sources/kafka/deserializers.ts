import { DStreamError } from '../../errors.js';

/**
 * Deserializers by name, as data: a partition's description travels to the task thread that reads
 * it, and a function cannot. Kafka's own class names are accepted for the common ones, as a Spark
 * user writes them in `key.deserializer` and `value.deserializer`.
 */
export type DeserializerName = 'string' | 'buffer' | 'json';

const KAFKA_CLASSES: Record<string, DeserializerName> = {
  'org.apache.kafka.common.serialization.StringDeserializer': 'string',
  StringDeserializer: 'string',
  'org.apache.kafka.common.serialization.ByteArrayDeserializer': 'buffer',
  ByteArrayDeserializer: 'buffer',
};

/** The deserializer a Kafka parameter names (`string` when unset). */
export function deserializerNamed(param: string, value: unknown): DeserializerName {
  if (value === undefined) return 'string';
  if (value === 'string' || value === 'buffer' || value === 'json') return value;
  const known = typeof value === 'string' ? KAFKA_CLASSES[value] : undefined;
  if (known) return known;
  throw new DStreamError(
    'DSTREAM_ERR_INVALID_ARGUMENT',
    `${param} must be 'string', 'buffer' or 'json' (or Kafka's StringDeserializer or ByteArrayDeserializer); it is ${typeof value === 'function' ? 'a function' : JSON.stringify(value)}. Deserialize other formats with map() on the records' values.`,
  );
}

/** Turns a record's bytes into its key or value. */
export function deserialize(name: DeserializerName, bytes: Buffer | null): unknown {
  if (bytes === null) return null;
  switch (name) {
    case 'buffer':
      return bytes;
    case 'string':
      return bytes.toString('utf8');
    case 'json':
      return JSON.parse(bytes.toString('utf8')) as unknown;
  }
}
