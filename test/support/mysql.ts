// MySQL (MariaDB on the machines, reference/real-services.md), for every test that needs it:
// found once per test file; a test that cannot find it fails in CI and is skipped elsewhere, with
// the reason in its name.
import mysql from 'mysql2/promise';

export const MYSQL = process.env.DSTREAM_TEST_MYSQL ?? 'mysql://root@127.0.0.1:3306/test';

/** Why MySQL cannot be used, or undefined when it can. */
export const mysqlDown: string | undefined = await (async () => {
  try {
    const connection = await mysql.createConnection(MYSQL);
    await connection.end();
    return undefined;
  } catch (e) {
    return `no MySQL at ${MYSQL}: ${(e as Error).message}`;
  }
})();

/** Skip (outside CI only) when MySQL is not there. */
export const skipMySql = mysqlDown !== undefined && process.env.CI !== 'true';
