import { join } from 'node:path';
import { ensureLauncher, type Launcher } from '../services/launcher.js';
import { cachedLibsDir, ensureJars, packageRoot, type JarSet } from '../services/maven.js';

// The OpenSearch node's jars, named by opensearch/pom.xml and fetched with Maven, and the small
// Java main that starts a node from them (opensearch/OpenSearchNode.java), compiled once.

export const OPENSEARCH_VERSION = '2.19.6';

/** The folder of the POM, the launcher's source and the node's configuration files. */
export const opensearchDir = join(packageRoot, 'opensearch');

const OPENSEARCH_JARS: JarSet = {
  name: `OpenSearch ${OPENSEARCH_VERSION}`,
  pom: join(opensearchDir, 'pom.xml'),
  marker: `opensearch-${OPENSEARCH_VERSION}.jar`,
  errorCode: 'DSTREAM_ERR_SEARCH_SERVER_SETUP',
  withoutMaven: `put the jars of org.opensearch:opensearch ${OPENSEARCH_VERSION} and its modules (opensearch/pom.xml) in $DSTREAM_OPENSEARCH_LIBS yourself.`,
};

const LAUNCHER: Launcher = {
  name: `OpenSearch ${OPENSEARCH_VERSION}`,
  source: join(opensearchDir, 'OpenSearchNode.java'),
  errorCode: 'DSTREAM_ERR_SEARCH_SERVER_SETUP',
};

/** The launcher's class name. */
export const OPENSEARCH_MAIN = 'dstream.servers.OpenSearchNode';

/** Where the node's jars are copied: $DSTREAM_OPENSEARCH_LIBS, else the user's cache. */
export function defaultLibsDir(): string {
  return cachedLibsDir('DSTREAM_OPENSEARCH_LIBS', `opensearch-${OPENSEARCH_VERSION}`);
}

/** Fetches the jars unless they are there, compiles the launcher unless it is; its classes folder. */
export async function ensureOpenSearch(
  libsDir: string,
  progress: (message: string) => void,
): Promise<string> {
  await ensureJars(OPENSEARCH_JARS, libsDir, progress);
  return ensureLauncher(LAUNCHER, libsDir, ['-cp', join(libsDir, '*')]);
}
