import { createConnection } from 'node:net';
import { DStreamError, messageOf } from '../../../errors.js';

// @platformatic/kafka is an optional peer dependency: only Kafka code loads it, on first use, so
// `dstream` without Kafka never does and never needs it installed.

export type KafkaModule = typeof import('@platformatic/kafka');

let loaded: Promise<KafkaModule> | undefined;

/** The client library, imported once; a clear error when it is not installed. */
export function loadKafka(): Promise<KafkaModule> {
  loaded ??= import('@platformatic/kafka').catch((e: unknown) => {
    loaded = undefined;
    throw new DStreamError(
      'DSTREAM_ERR_KAFKA_CLIENT_MISSING',
      `Kafka needs the optional package @platformatic/kafka: npm install @platformatic/kafka@2 ` +
        `(${messageOf(e)})`,
      { cause: e },
    );
  });
  return loaded;
}

/**
 * Options every client gets. The library's 3 retries, 1 s apart, give up on a broker that is gone
 * for about 12 s (a restart after a crash takes longer); 10 survived 17-19 s in the verified notes.
 */
export function clientOptions(bootstrap: string[], clientId: string) {
  return { clientId, bootstrapBrokers: bootstrap, retries: 10, retryDelay: 1000 };
}

/**
 * Kafka's default `isolation.level`, read_uncommitted, which Spark's consumers keep: offsets and
 * fetches reach the high watermark (the library's own default is read_committed, which stops at
 * the last stable offset and still returns aborted records to a raw fetch).
 */
export const READ_UNCOMMITTED = 0;

/** `host:port,host:port` as Kafka's tools take it. */
export function parseBootstrap(servers: string): string[] {
  const list = servers
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (list.length === 0) {
    throw new DStreamError('DSTREAM_ERR_INVALID_ARGUMENT', 'no bootstrap server given (host:port)');
  }
  return list;
}

/**
 * Fails fast, with what to do, when no bootstrap server accepts TCP connections: the client would
 * otherwise retry for ten seconds or more before saying the same less clearly.
 */
export async function ensureReachable(bootstrap: string[]): Promise<void> {
  for (const server of bootstrap) {
    const colon = server.lastIndexOf(':');
    const host = colon > 0 ? server.slice(0, colon) : server;
    const port = colon > 0 ? Number(server.slice(colon + 1)) : 9092;
    if (await accepts(host, port)) return;
  }
  throw new DStreamError(
    'DSTREAM_ERR_KAFKA_UNREACHABLE',
    `No Kafka broker reachable at ${bootstrap.join(',')}: start one with \`dstream kafka start\` ` +
      '(it listens on 127.0.0.1:9092), or check --bootstrap-server.',
  );
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = createConnection({ host, port });
    socket.setTimeout(5000, () => socket.destroy(new Error('timeout')));
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

/**
 * The broker's own words inside a client error: @platformatic/kafka nests them in AggregateErrors
 * whose responses carry per-topic `errorMessage`s ("...replication factor of 2 cannot be reached
 * because only 1 broker(s) are registered"). Falls back to the error's message.
 */
export function brokerMessage(e: unknown): string {
  const found: string[] = [];
  const walk = (x: unknown): void => {
    if (typeof x !== 'object' || x === null) return;
    const { errors, response } = x as { errors?: unknown; response?: { topics?: unknown } };
    if (Array.isArray(errors)) errors.forEach(walk);
    if (Array.isArray(response?.topics)) {
      for (const t of response.topics as { errorMessage?: unknown }[]) {
        if (typeof t.errorMessage === 'string' && t.errorMessage !== '') found.push(t.errorMessage);
      }
    }
  };
  walk(e);
  return found.length > 0 ? [...new Set(found)].join('; ') : messageOf(e);
}
