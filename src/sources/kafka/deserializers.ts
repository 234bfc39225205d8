import { createHash } from 'node:crypto';
import { DStreamError } from '../../errors.js';

/**
 * Turns the bytes of a record's key or value into what the application works with, as Kafka's
 * `Deserializer`: given instead of a name in `key.deserializer` or `value.deserializer`.
 */
export type Deserializer<T = unknown> = (bytes: Buffer) => T;

/**
 * Deserializers by name, as data: a partition's description travels to the task thread that reads
 * it, and a function cannot. Kafka's own class names are accepted for the common ones, as a Spark
 * user writes them in `key.deserializer` and `value.deserializer`. A function is known by a name
 * made from its source text (`fn:<hash>`): task threads run the application's code too, so the
 * stream or RDD created with it registers the same function under the same name in every thread.
 */
export type DeserializerName = 'string' | 'buffer' | 'json' | `fn:${string}`;

const KAFKA_CLASSES: Record<string, DeserializerName> = {
  'org.apache.kafka.common.serialization.StringDeserializer': 'string',
  StringDeserializer: 'string',
  'org.apache.kafka.common.serialization.ByteArrayDeserializer': 'buffer',
  ByteArrayDeserializer: 'buffer',
};

// Shared by every copy of dstream loaded in the thread, as the partition readers are.
const FUNCTIONS = Symbol.for('dstream.kafkaDeserializers');
const holder = globalThis as { [FUNCTIONS]?: Map<string, Deserializer> };
const functions = (holder[FUNCTIONS] ??= new Map<string, Deserializer>());

/** The deserializer a Kafka parameter names (`string` when unset), a function registered. */
export function deserializerNamed(param: string, value: unknown): DeserializerName {
  if (value === undefined) return 'string';
  if (value === 'string' || value === 'buffer' || value === 'json') return value;
  if (typeof value === 'function') {
    const f = value as Deserializer;
    const name: DeserializerName = `fn:${createHash('sha1').update(f.toString()).digest('hex').slice(0, 16)}`;
    functions.set(name, f);
    return name;
  }
  const known = typeof value === 'string' ? KAFKA_CLASSES[value] : undefined;
  if (known) return known;
  throw new DStreamError(
    'DSTREAM_ERR_INVALID_ARGUMENT',
    `${param} must be 'string', 'buffer', 'json' (or Kafka's StringDeserializer or ByteArrayDeserializer) or a function of the bytes; it is ${JSON.stringify(value)}.`,
  );
}

const byName: Record<'string' | 'buffer' | 'json', (bytes: Buffer | null) => unknown> = {
  buffer: (bytes) => bytes,
  string: (bytes) => (bytes === null ? null : bytes.toString('utf8')),
  json: (bytes) => (bytes === null ? null : (JSON.parse(bytes.toString('utf8')) as unknown)),
};

/**
 * The function that turns a record's bytes into its key or value (null stays null), looked up
 * once per read rather than per record.
 */
export function deserializerFor(name: DeserializerName): (bytes: Buffer | null) => unknown {
  if (name === 'string' || name === 'buffer' || name === 'json') return byName[name];
  const f = functions.get(name);
  if (f === undefined) {
    throw new DStreamError(
      'DSTREAM_ERR_KAFKA_DESERIALIZE',
      `The deserializer function ${name} is not known in this thread: create the Kafka stream or RDD that uses it in the application's top-level code (task threads run that code to get the same function), or read the bytes ('buffer') and map them`,
    );
  }
  return (bytes) => (bytes === null ? null : f(bytes));
}
