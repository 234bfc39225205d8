import { DStreamError } from '../../errors.js';

/** Where a fetch stood when Kafka refused it. */
export interface FetchScope {
  readonly groupId: string;
  readonly topic: string;
  readonly partition: number;
  readonly bootstrap: readonly string[];
}

// Kafka's answers that a broker restart or a leader change gives for a while: the read waits and
// fetches again (retryWhileUnreachable), as the Java consumer refreshes its metadata and retries.
const PASSING = new Set([
  'LEADER_NOT_AVAILABLE',
  'NOT_LEADER_OR_FOLLOWER',
  'REQUEST_TIMED_OUT',
  'NETWORK_EXCEPTION',
  'KAFKA_STORAGE_ERROR',
  'FETCH_SESSION_ID_NOT_FOUND',
  'INVALID_FETCH_SESSION_EPOCH',
  'FENCED_LEADER_EPOCH',
  'UNKNOWN_LEADER_EPOCH',
  'OFFSET_NOT_AVAILABLE',
  'REPLICA_NOT_AVAILABLE',
]);

/** Kafka's error names by the codes a fetch's partition can carry (the protocol's list). */
const NAMES: Readonly<Record<number, string>> = {
  1: 'OFFSET_OUT_OF_RANGE',
  3: 'UNKNOWN_TOPIC_OR_PARTITION',
  5: 'LEADER_NOT_AVAILABLE',
  6: 'NOT_LEADER_OR_FOLLOWER',
  7: 'REQUEST_TIMED_OUT',
  9: 'REPLICA_NOT_AVAILABLE',
  13: 'NETWORK_EXCEPTION',
  56: 'KAFKA_STORAGE_ERROR',
  70: 'FETCH_SESSION_ID_NOT_FOUND',
  71: 'INVALID_FETCH_SESSION_EPOCH',
  74: 'FENCED_LEADER_EPOCH',
  75: 'UNKNOWN_LEADER_EPOCH',
  78: 'OFFSET_NOT_AVAILABLE',
  100: 'UNKNOWN_TOPIC_ID',
};

/** A passing refusal, which the read's retry loop waits out (it is not a DStreamError of ours). */
class PassingFetchError extends Error {
  override name = 'PassingFetchError';
}

/**
 * The error for a fetch whose partition Kafka answered with `code`: one the retry loop waits out
 * (a broker restarting), or a typed error that says what to do.
 */
export function fetchFailed(scope: FetchScope, code: number, offset: bigint): Error {
  return failure(scope, NAMES[code] ?? `error code ${code}`, offset);
}

/**
 * The same for an error the client threw: @platformatic/kafka throws a partition's error code as
 * a ProtocolError (with Kafka's name as `apiId`) nested in a ResponseError; anything else (a
 * connection refused, a timeout) is passed on for the retry loop to wait out.
 */
export function fetchThrew(scope: FetchScope, e: unknown, offset: bigint): unknown {
  const name = protocolErrorName(e);
  if (name === undefined || PASSING.has(name)) return e;
  return failure(scope, name, offset, e);
}

function failure(scope: FetchScope, name: string, offset: bigint, cause?: unknown): Error {
  const { topic, partition, groupId } = scope;
  if (PASSING.has(name)) {
    return new PassingFetchError(`Kafka answered ${name} for ${topic}-${partition}`);
  }
  const options = cause === undefined ? {} : { cause };
  if (name === 'OFFSET_OUT_OF_RANGE') {
    // The Java consumer's words, as Spark's executor logs them (its reset policy is always none).
    return new DStreamError(
      'DSTREAM_ERR_KAFKA_OFFSET_OUT_OF_RANGE',
      `Offsets out of range with no configured reset policy for partitions: {${topic}-${partition}=${offset}}. The records from offset ${offset} are gone (deleted by the topic's retention.ms or retention.bytes, or by deleteRecords) before this batch read them. To go on from the oldest record kept, restart the application without its checkpoint with the group's offset moved (kafka-consumer-groups --reset-offsets --to-earliest --group ${groupId}) or give the stream starting offsets; to keep it from happening, keep records longer than batches fall behind (raise retention.ms) or make batches keep up`,
      options,
    );
  }
  if (name === 'UNKNOWN_TOPIC_OR_PARTITION' || name === 'UNKNOWN_TOPIC_ID') {
    return new DStreamError(
      'DSTREAM_ERR_KAFKA_TOPIC',
      `Kafka answered ${name} for ${topic}-${partition} at ${scope.bootstrap.join(',')}: the topic was deleted (or recreated) while the stream read it`,
      options,
    );
  }
  return new DStreamError(
    'DSTREAM_ERR_KAFKA_FETCH',
    `Fetching ${topic}-${partition} from offset ${offset} failed with Kafka error ${name} (the broker's log says why: broker.log in the run directory of dstream kafka start)`,
    options,
  );
}

/** Kafka's error name inside a client error, at any depth. */
function protocolErrorName(e: unknown, depth = 0): string | undefined {
  if (typeof e !== 'object' || e === null || depth > 5) return undefined;
  const { apiId, errors } = e as { apiId?: unknown; errors?: unknown };
  if (typeof apiId === 'string') return apiId;
  if (Array.isArray(errors)) {
    for (const inner of errors) {
      const found = protocolErrorName(inner, depth + 1);
      if (found !== undefined && !PASSING.has(found)) return found;
    }
    for (const inner of errors) {
      const found = protocolErrorName(inner, depth + 1);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}
