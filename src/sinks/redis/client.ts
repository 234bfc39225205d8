// ioredis is an optional peer dependency: only this subpath loads it, on first use, so `dstream`
// without Redis never needs it installed. One connection per URL (and command timeout) per thread,
// shared by every sink on it: Redis serves one connection's pipelined commands in order, so one is
// enough, and writes happen where foreachRDD's callbacks run (the driver); task threads load the
// app and create the sink, but never write, so they never connect. A context's stop closes the
// connections; the next write opens a new one.
import type { Redis, RedisOptions } from 'ioredis';
import { onNextContextStop } from '../../rdd/stop-hooks.js';
import { optionalPeer } from '../core/index.js';
import { SCRIPT_COMMAND, WRITE_SCRIPT } from './script.js';

/** A connection with the sink's script registered as a command. */
export type SinkConnection = Redis & {
  // ioredis flattens the arrays: EVALSHA sha numberOfKeys ...keys ...argv.
  [SCRIPT_COMMAND](
    numberOfKeys: number,
    keys: string[],
    argv: string[],
  ): Promise<(number | string)[]>;
};

/** What the sink uses of ioredis. */
interface IoRedis {
  readonly Redis: typeof Redis;
  /** The class of the server's error replies (as opposed to connection failures). */
  readonly ReplyError: new (...args: never[]) => Error;
}

let replyErrorClass: IoRedis['ReplyError'] | undefined;

/** The client library, imported once; a clear error when it is not installed. */
const loadIoRedis = optionalPeer(
  'dstream/sinks/redis',
  { name: 'ioredis', spec: 'ioredis@6' },
  () =>
    import('ioredis').then((m) => {
      // ioredis is CommonJS: Node finds its named exports, or gives them as the default export.
      const found = (m.Redis ? m : m.default) as unknown as IoRedis;
      replyErrorClass = found.ReplyError;
      return found;
    }),
);

const connections = new Map<string, Promise<SinkConnection>>();

/**
 * The thread's connection to `url`, made on first use and closed when a context stops. A
 * connection that failed or closed is replaced on the next call: the sink retries a batch with
 * backoff itself, so the client neither reconnects nor queues commands while disconnected (a
 * command fails at once, naming the cause, instead of waiting in a queue).
 */
export function connectionFor(
  url: string,
  commandTimeoutMs: number | undefined,
): Promise<SinkConnection> {
  const id = `${url}\u0000${commandTimeoutMs ?? ''}`;
  let connection = connections.get(id);
  if (connection === undefined) {
    const opening = open(url, commandTimeoutMs);
    // Forgotten when it fails, unless a newer one has taken its place meanwhile.
    opening.catch(() => connections.get(id) === opening && connections.delete(id));
    connections.set(id, opening);
    connection = opening;
    onNextContextStop(() => closeConnections(url));
  }
  return connection;
}

async function open(url: string, commandTimeoutMs: number | undefined): Promise<SinkConnection> {
  const { Redis } = await loadIoRedis();
  const options: RedisOptions = {
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    ...(commandTimeoutMs === undefined ? {} : { commandTimeout: commandTimeoutMs }),
  };
  const client = new Redis(url, options);
  // connect() rejects with "Connection is closed"; the cause (ECONNREFUSED, WRONGPASS) comes as
  // an 'error' event, which must also never go unhandled (it would crash the process).
  let cause: unknown;
  client.on('error', (e: unknown) => void (cause = e));
  client.defineCommand(SCRIPT_COMMAND, { lua: WRITE_SCRIPT });
  try {
    await client.connect();
  } catch (e) {
    client.disconnect();
    throw cause ?? e;
  }
  return client as SinkConnection;
}

/** Forgets a connection that failed (timed out, dropped): the next attempt opens a new one. */
export async function dropConnection(
  url: string,
  commandTimeoutMs: number | undefined,
): Promise<void> {
  const id = `${url}\u0000${commandTimeoutMs ?? ''}`;
  const connection = connections.get(id);
  connections.delete(id);
  (await connection?.catch(() => undefined))?.disconnect();
}

/** Closes this thread's connections to `url`, if any. */
export async function closeConnections(url: string): Promise<void> {
  const closing: Promise<unknown>[] = [];
  for (const [id, connection] of connections) {
    if (!id.startsWith(`${url}\u0000`)) continue;
    connections.delete(id);
    closing.push(
      connection.then(
        (c) => c.quit().catch(() => c.disconnect()),
        () => undefined,
      ),
    );
  }
  await Promise.all(closing);
}

// Error replies that say the server is busy or not ready: trying again later may work.
const TRANSIENT = /^(LOADING|BUSY|TRYAGAIN|READONLY|MASTERDOWN|OOM|NOAUTH|WRONGPASS|CLUSTERDOWN)\b/;

/**
 * Whether trying again may help: yes for connections refused, lost or timed out, and for a server
 * that is loading, busy or refuses the credentials; not for an error reply about the data (the
 * script's `DSTREAM_REJECTED`, WRONGTYPE, a value that is not a number), which would fail the same
 * way again.
 */
export function isRetryable(e: unknown): boolean {
  if (replyErrorClass === undefined || !(e instanceof replyErrorClass)) return true;
  return TRANSIENT.test(e.message);
}

/** Whether the error came from the connection rather than from a reply: then replace it. */
export function isConnectionError(e: unknown): boolean {
  return replyErrorClass === undefined || !(e instanceof replyErrorClass);
}
