// Elasticsearch 8.19 for the test suite only, so that dstream/sinks/elasticsearch is tested against
// Elasticsearch as well as OpenSearch. Maven Central has its server jar and HTTP module but not the
// rest of a distribution (elasticsearch/pom.xml says what is missing), so it is no server to offer
// users (`dstream opensearch` is); it is started the same way (src/cli/opensearch/search-node.ts).
import { mkdirSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { ensureLauncher } from '../../src/cli/services/launcher.js';
import {
  cachedLibsDir,
  ensureJars,
  packageRoot,
  type JarSet,
} from '../../src/cli/services/maven.js';
import {
  startSearchNode,
  stopSearchNode,
  type SearchNodeOptions,
  type SearchServer,
} from '../../src/cli/opensearch/search-node.js';

const VERSION = '8.19.21';
const dir = join(packageRoot, 'elasticsearch');

const JARS: JarSet = {
  name: `Elasticsearch ${VERSION}`,
  pom: join(dir, 'pom.xml'),
  marker: `elasticsearch-${VERSION}.jar`,
  errorCode: 'DSTREAM_ERR_SEARCH_SERVER_SETUP',
  withoutMaven: `put the jars of elasticsearch/pom.xml in $DSTREAM_ELASTICSEARCH_LIBS yourself.`,
};

/** The HTTP module's jars: a module bundle of their own, never on the server's module path. */
const inHttpModule = (jar: string) =>
  jar.startsWith('netty-') || jar.startsWith('transport-netty4-');

const ELASTICSEARCH: SearchServer = {
  name: 'Elasticsearch',
  main: 'dstream.servers.ElasticsearchNode',
  configDir: dir,
  configFile: 'elasticsearch.yml',
  prepare: async (libsDir, home, progress) => {
    await ensureJars(JARS, libsDir, progress);
    const jars = readdirSync(libsDir).filter((j) => j.endsWith('.jar'));
    const modulePath = jars
      .filter((j) => !inHttpModule(j))
      .map((j) => join(libsDir, j))
      .join(':');
    const classes = await ensureLauncher(
      {
        name: JARS.name,
        source: join(dir, 'ElasticsearchNode.java'),
        errorCode: 'DSTREAM_ERR_SEARCH_SERVER_SETUP',
      },
      libsDir,
      ['--module-path', modulePath, '--add-modules', 'org.elasticsearch.server'],
    );
    // HOME/modules/transport-netty4: links to its jars (the launcher extracts the descriptor).
    const bundle = join(home, 'modules', 'transport-netty4');
    rmSync(bundle, { recursive: true, force: true });
    mkdirSync(bundle, { recursive: true });
    mkdirSync(join(home, 'plugins'), { recursive: true });
    for (const j of jars.filter(inHttpModule)) symlinkSync(join(libsDir, j), join(bundle, j));
    return ['--module-path', modulePath, '--add-modules', 'ALL-MODULE-PATH', '-cp', classes];
  },
  jvmFlags: ['-XX:+UseG1GC', '-Djava.awt.headless=true', '-Dfile.encoding=UTF-8'],
  otherPorts: 'other ports in test/opensearch-setup.ts',
};

export function startElasticsearch(o: Omit<SearchNodeOptions, 'libsDir'>) {
  return startSearchNode(ELASTICSEARCH, {
    ...o,
    libsDir: cachedLibsDir('DSTREAM_ELASTICSEARCH_LIBS', `elasticsearch-${VERSION}`),
  });
}

export function stopElasticsearch(runDir: string) {
  return stopSearchNode(ELASTICSEARCH, runDir);
}
