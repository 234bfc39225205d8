import { join } from 'node:path';
import { cachedLibsDir, ensureJars, packageRoot, type JarSet } from '../services/maven.js';

// The Flume agent's jars (flume/pom.xml) and the SparkSink's (flume/pom-sparksink.xml), fetched
// with Maven (services/maven.ts) into two folders: the SparkSink's go on the classpath after
// Flume's, and only for an agent whose configuration has one.

export const FLUME_VERSION = '1.11.0';
export const SPARK_SINK_VERSION = '2.4.8';

const FLUME_JARS: JarSet = {
  name: `Flume ${FLUME_VERSION}`,
  pom: join(packageRoot, 'flume', 'pom.xml'),
  marker: `flume-ng-node-${FLUME_VERSION}.jar`,
  errorCode: 'DSTREAM_ERR_FLUME_SETUP',
  withoutMaven: `put the jars of an Apache Flume ${FLUME_VERSION} binary release (its lib/ folder) in $DSTREAM_FLUME_LIBS yourself.`,
};

const SPARK_SINK_JARS: JarSet = {
  name: `Spark's SparkSink ${SPARK_SINK_VERSION}`,
  pom: join(packageRoot, 'flume', 'pom-sparksink.xml'),
  marker: `spark-streaming-flume-sink_2.12-${SPARK_SINK_VERSION}.jar`,
  errorCode: 'DSTREAM_ERR_FLUME_SETUP',
  withoutMaven: `put spark-streaming-flume-sink_2.12-${SPARK_SINK_VERSION}, scala-library 2.12.10, avro-ipc 1.8.2 and netty 3.5.13.Final in $DSTREAM_FLUME_SPARKSINK_LIBS yourself.`,
};

/** Where Flume's jars are copied: $DSTREAM_FLUME_LIBS, else a per-version folder of the user's cache. */
export function defaultLibsDir(): string {
  return cachedLibsDir('DSTREAM_FLUME_LIBS', `flume-${FLUME_VERSION}`);
}

/** Where the SparkSink's jars are copied: $DSTREAM_FLUME_SPARKSINK_LIBS, else the user's cache. */
export function defaultSparkSinkLibsDir(): string {
  return cachedLibsDir('DSTREAM_FLUME_SPARKSINK_LIBS', `flume-sparksink-${SPARK_SINK_VERSION}`);
}

/** Fetches Flume's jars, and the SparkSink's when `sparkSinkLibsDir` is given, unless they are there. */
export async function ensureFlumeJars(
  libsDir: string,
  sparkSinkLibsDir: string | undefined,
  progress: (message: string) => void,
): Promise<void> {
  await ensureJars(FLUME_JARS, libsDir, progress);
  if (sparkSinkLibsDir !== undefined) await ensureJars(SPARK_SINK_JARS, sparkSinkLibsDir, progress);
}
