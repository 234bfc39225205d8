import { join } from 'node:path';
import { cachedLibsDir, ensureJars, packageRoot, type JarSet } from '../services/maven.js';

// The Kafka broker's jars, named by kafka/pom.xml and fetched with Maven (services/maven.ts).

export const KAFKA_VERSION = '4.1.1';

/** The consumer-only POM that names the broker's jars. */
const kafkaPom = join(packageRoot, 'kafka', 'pom.xml');

const KAFKA_JARS: JarSet = {
  name: `Kafka ${KAFKA_VERSION}`,
  pom: kafkaPom,
  marker: `kafka_2.13-${KAFKA_VERSION}.jar`,
  errorCode: 'DSTREAM_ERR_KAFKA_SETUP',
  withoutMaven: `put the jars of kafka_2.13 ${KAFKA_VERSION} in $DSTREAM_KAFKA_LIBS yourself.`,
};

/**
 * Where the broker's jars are copied: $DSTREAM_KAFKA_LIBS, else a per-version folder of the user's
 * cache ($XDG_CACHE_HOME or ~/.cache), shared by every clone and by the test suite.
 */
export function defaultLibsDir(): string {
  return cachedLibsDir('DSTREAM_KAFKA_LIBS', `kafka-${KAFKA_VERSION}`);
}

/** Copies the broker's jars into `libsDir` with Maven unless they are there already. */
export function ensureKafkaJars(
  libsDir: string,
  progress: (message: string) => void,
): Promise<boolean> {
  return ensureJars(KAFKA_JARS, libsDir, progress);
}
