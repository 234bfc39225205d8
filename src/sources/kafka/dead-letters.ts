import { DStreamError, messageOf } from '../../errors.js';
import { registerPartitionReader, type PartitionSource } from '../../rdd/index.js';
import { readPartitionSource } from '../../rdd/partition-source.js';
import { clientOptions, loadKafka } from './client/load.js';

/**
 * A record the policy sends to the dead-letter topic: the original key, value and headers, as
 * bytes, where it came from, and why it was rejected.
 */
export interface DeadLetter {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: readonly (readonly [string, Buffer | null])[];
  /** What rejected it: its key's or value's deserializer, or the application's parse function. */
  readonly stage: 'key' | 'value' | 'parse';
  readonly groupId: string;
  readonly error: unknown;
}

/**
 * Headers a dead letter carries besides the record's own, after Kafka Connect's dead-letter queue
 * (`__connect.errors.topic`...), so that tools written for Connect's read them the same way.
 */
export const DEAD_LETTER_HEADERS = {
  /** The topic of the record that could not be read. */
  topic: '__dstream.errors.topic',
  /** Its partition. */
  partition: '__dstream.errors.partition',
  /** Its offset. */
  offset: '__dstream.errors.offset',
  /** What failed on it: `key` or `value` (a deserializer), or `parse` (the parse function). */
  stage: '__dstream.errors.stage',
  /** The consumer group of the stream that read it. */
  groupId: '__dstream.errors.group.id',
  /** The name of the error's class. */
  errorClass: '__dstream.errors.exception.class.name',
  /** The error's message. */
  errorMessage: '__dstream.errors.exception.message',
} as const;

/**
 * Writes `letters` to `topic` (acknowledged by all in-sync replicas) before the read that found
 * them returns: a batch whose dead letters could not be written fails, and nothing is dropped.
 */
export async function writeDeadLetters(
  bootstrap: readonly string[],
  topic: string,
  letters: readonly DeadLetter[],
): Promise<void> {
  if (letters.length === 0) return;
  const { Producer, ProduceAcks } = await loadKafka();
  const producer = new Producer({
    ...clientOptions([...bootstrap], 'dstream-dead-letters'),
    acks: ProduceAcks.ALL,
  });
  try {
    await producer.send({ messages: letters.map((l) => message(topic, l)) });
  } catch (e) {
    throw new DStreamError(
      'DSTREAM_ERR_KAFKA_DEAD_LETTER',
      `Could not write ${letters.length} bad records of ${letters[0]!.topic}-${letters[0]!.partition} to the dead-letter topic ${topic}: ${messageOf(e)}. Create the topic (dstream kafka topics --create --topic ${topic}) or check that the broker runs; the batch fails so that no record is lost`,
      { cause: e },
    );
  } finally {
    await producer.close();
  }
}

function message(topic: string, l: DeadLetter) {
  const utf8 = (s: string) => Buffer.from(s, 'utf8');
  const headers = new Map<Buffer, Buffer>();
  for (const [k, v] of l.headers) headers.set(utf8(k), v ?? Buffer.alloc(0));
  const error = l.error;
  const errorClass =
    error instanceof DStreamError ? error.code : error instanceof Error ? error.name : typeof error;
  const own: [string, string][] = [
    [DEAD_LETTER_HEADERS.topic, l.topic],
    [DEAD_LETTER_HEADERS.partition, String(l.partition)],
    [DEAD_LETTER_HEADERS.offset, String(l.offset)],
    [DEAD_LETTER_HEADERS.stage, l.stage],
    [DEAD_LETTER_HEADERS.groupId, l.groupId],
    [DEAD_LETTER_HEADERS.errorClass, errorClass],
    [DEAD_LETTER_HEADERS.errorMessage, messageOf(error)],
  ];
  for (const [k, v] of own) headers.set(utf8(k), utf8(v));
  return {
    topic,
    ...(l.key === null ? {} : { key: l.key }),
    ...(l.value === null ? {} : { value: l.value }),
    headers,
  };
}

// Dead letters found by a parse function, which runs inside a synchronous task, are written as a
// partition source is read: the attempt stops, the letters are written, and the task runs again
// (runAttempts), finding them written. So a task ends only once its dead letters are in Kafka.

/** Dead letters to write, as plain data (the attempt's key is this source as JSON). */
interface DeadLetterSource extends PartitionSource {
  readonly kind: 'kafkaDeadLetters';
  readonly bootstrap: readonly string[];
  readonly deadLetterTopic: string;
  readonly letters: readonly {
    readonly topic: string;
    readonly partition: number;
    readonly offset: number;
    readonly key: string | null;
    readonly value: string | null;
    readonly headers: readonly (readonly [string, string | null])[];
    readonly groupId: string;
    readonly errorClass: string;
    readonly errorMessage: string;
  }[];
}

/** Writes `letters` from inside a task (see above); returns once they are written. */
export function writeDeadLettersInTask(
  bootstrap: readonly string[],
  deadLetterTopic: string,
  letters: readonly DeadLetter[],
): void {
  if (letters.length === 0) return;
  const b64 = (b: Buffer | null) => (b === null ? null : b.toString('base64'));
  const source: DeadLetterSource = {
    kind: 'kafkaDeadLetters',
    bootstrap,
    deadLetterTopic,
    letters: letters.map((l) => ({
      topic: l.topic,
      partition: l.partition,
      offset: l.offset,
      key: b64(l.key),
      value: b64(l.value),
      headers: l.headers.map(([k, v]) => [k, b64(v)] as const),
      groupId: l.groupId,
      errorClass: l.error instanceof Error ? l.error.name : typeof l.error,
      errorMessage: messageOf(l.error),
    })),
  };
  readPartitionSource(source);
}

registerPartitionReader<DeadLetterSource, never>({
  kind: 'kafkaDeadLetters',
  read: async (source) => {
    const bytes = (s: string | null) => (s === null ? null : Buffer.from(s, 'base64'));
    const letters = source.letters.map((l): DeadLetter => ({
      topic: l.topic,
      partition: l.partition,
      offset: l.offset,
      key: bytes(l.key),
      value: bytes(l.value),
      headers: l.headers.map(([k, v]) => [k, bytes(v)] as const),
      stage: 'parse',
      groupId: l.groupId,
      error: Object.assign(new Error(l.errorMessage), { name: l.errorClass }),
    }));
    await writeDeadLetters(source.bootstrap, source.deadLetterTopic, letters);
    return [];
  },
});
