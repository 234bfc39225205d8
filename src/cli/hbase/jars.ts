import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DStreamError } from '../../errors.js';
import { runToEnd } from '../services/jvm-process.js';
import { cachedLibsDir, ensureJars, packageRoot, tail, type JarSet } from '../services/maven.js';

// The standalone HBase's jars, named by hbase/pom.xml and fetched with Maven (services/maven.ts),
// and its launcher, hbase/HBaseStandalone.java, compiled with javac into `<libs>/classes`.

export const HBASE_VERSION = '2.6.1';

/** The launcher's main class (also what marks the JVM as ours in the process table). */
export const LAUNCHER = 'dstream.hbase.HBaseStandalone';

const launcherSource = join(packageRoot, 'hbase', 'HBaseStandalone.java');

const HBASE_JARS: JarSet = {
  name: `HBase ${HBASE_VERSION}`,
  pom: join(packageRoot, 'hbase', 'pom.xml'),
  marker: `hbase-rest-${HBASE_VERSION}.jar`,
  errorCode: 'DSTREAM_ERR_HBASE_SETUP',
  withoutMaven: `put the jars of hbase-server and hbase-rest ${HBASE_VERSION} in $DSTREAM_HBASE_LIBS yourself.`,
};

/** Where the jars are copied: $DSTREAM_HBASE_LIBS, else a per-version folder of the user's cache. */
export function defaultLibsDir(): string {
  return cachedLibsDir('DSTREAM_HBASE_LIBS', `hbase-${HBASE_VERSION}`);
}

/** The compiled launcher: a folder inside the libs (the classpath's `libs/*` takes only jars). */
export const classesDir = (libsDir: string): string => join(libsDir, 'classes');

/** Fetches the jars unless they are there, then compiles the launcher unless it is up to date. */
export async function ensureHBaseJars(
  libsDir: string,
  progress: (message: string) => void,
): Promise<void> {
  await ensureJars(HBASE_JARS, libsDir, progress);
  // servlet-api 2.5 shadows the servlet 3.1 API: the REST gateway would fail at start.
  if (existsSync(join(libsDir, 'servlet-api-2.5.jar'))) {
    throw new DStreamError(
      'DSTREAM_ERR_HBASE_SETUP',
      `${libsDir} holds servlet-api-2.5.jar, which breaks the REST gateway: remove the folder ` +
        'and start again (hbase/pom.xml excludes it).',
    );
  }
  const compiled = join(classesDir(libsDir), 'dstream', 'hbase', 'HBaseStandalone.class');
  if (existsSync(compiled) && statSync(compiled).mtimeMs >= statSync(launcherSource).mtimeMs) {
    return;
  }
  // Compiled aside, then renamed: a concurrent or interrupted start never sees half a folder.
  const temp = `${classesDir(libsDir)}.tmp-${process.pid}`;
  const { code, output } = await runToEnd(
    'javac',
    ['-nowarn', '-d', temp, '-cp', join(libsDir, '*'), launcherSource],
    new DStreamError(
      'DSTREAM_ERR_HBASE_SETUP',
      'javac not found on PATH: install a Java 17+ JDK (not only a JRE); it compiles the ' +
        'HBase launcher once. Ubuntu/Debian: apt-get install openjdk-17-jdk-headless.',
    ),
  );
  if (code !== 0) {
    rmSync(temp, { recursive: true, force: true });
    throw new DStreamError(
      'DSTREAM_ERR_HBASE_SETUP',
      `javac could not compile ${launcherSource} (exit ${code}):\n${tail(output, 20)}`,
    );
  }
  rmSync(classesDir(libsDir), { recursive: true, force: true });
  renameSync(temp, classesDir(libsDir));
}
