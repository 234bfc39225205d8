// PostgreSQL as the machines run it (reference/real-services.md), for every test that needs it:
// found once per test file; a test that cannot find it fails in CI and is skipped elsewhere, with
// the reason in its name.
import pg from 'pg';

export const DATABASE =
  process.env.DSTREAM_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Why PostgreSQL cannot be used, or undefined when it can. */
export const postgresDown: string | undefined = await (async () => {
  const client = new pg.Client({ connectionString: DATABASE });
  try {
    await client.connect();
    return undefined;
  } catch (e) {
    return `no PostgreSQL at ${DATABASE}: ${(e as Error).message}`;
  } finally {
    await client.end().catch(() => undefined);
  }
})();

/** Skip (outside CI only) when PostgreSQL is not there. */
export const skipPostgres = postgresDown !== undefined && process.env.CI !== 'true';
