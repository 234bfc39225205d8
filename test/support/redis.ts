// Redis as the machines run it (127.0.0.1:6379, no password), for every test that needs it: found
// once per test file; a test that cannot find it fails in CI and is skipped elsewhere, with the
// reason in its name.
import { Redis } from 'ioredis';

export const REDIS_URL = process.env.DSTREAM_TEST_REDIS ?? 'redis://127.0.0.1:6379/0';

/** Why Redis cannot be used, or undefined when it can. */
export const redisDown: string | undefined = await (async () => {
  const client = new Redis(REDIS_URL, {
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
  });
  let cause: unknown;
  client.on('error', (e: unknown) => void (cause = e));
  try {
    await client.connect();
    await client.ping();
    return undefined;
  } catch (e) {
    return `no Redis at ${REDIS_URL}: ${((cause ?? e) as Error).message}`;
  } finally {
    client.disconnect();
  }
})();

/** Skip (outside CI only) when Redis is not there. */
export const skipRedis = redisDown !== undefined && process.env.CI !== 'true';

/** A plain connection for a test to read back, pause the server and clean up. */
export function redisClient(): Redis {
  return new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
}

/** Deletes every key matching `pattern` (SCAN, never KEYS). */
export async function deleteKeys(client: Redis, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    if (keys.length > 0) await client.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}
