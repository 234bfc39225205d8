import {
  searchNodeStatus,
  startSearchNode,
  stopSearchNode,
  type SearchNodeOptions,
  type SearchNodeStatus,
  type SearchServer,
} from './search-node.js';
import { OPENSEARCH_MAIN, defaultLibsDir, ensureOpenSearch, opensearchDir } from './jars.js';

// OpenSearch 2.19 as `dstream opensearch` and the test suite run it: one node, 127.0.0.1 only,
// plain HTTP, no security plugin.

export { freePort } from '../services/ports.js';

const OPENSEARCH: SearchServer = {
  name: 'OpenSearch',
  main: OPENSEARCH_MAIN,
  configDir: opensearchDir,
  configFile: 'opensearch.yml',
  prepare: async (libsDir, _home, progress) => {
    const classes = await ensureOpenSearch(libsDir, progress);
    return ['-cp', `${classes}:${libsDir}/*`];
  },
  // The part of a 2.19 distribution's jvm.options that matters on Java 17.
  jvmFlags: [
    '-XX:+UseG1GC',
    '-Djava.awt.headless=true',
    '-Dfile.encoding=UTF-8',
    '-Djna.nosys=true',
    '-XX:-OmitStackTraceInFastThrow',
    '-Dio.netty.noUnsafe=true',
    '-Dio.netty.noKeySetOptimization=true',
    '-Dio.netty.recycler.maxCapacityPerThread=0',
    '-Dlog4j2.disable.jmx=true',
    '-Djava.locale.providers=SPI,COMPAT',
  ],
  otherPorts: 'dstream opensearch start --port <port> --transport-port <port>',
};

export type OpenSearchOptions = Omit<SearchNodeOptions, 'libsDir'> & { libsDir?: string };

/** Starts OpenSearch in `runDir` (fetching it first) and waits until its cluster is ready. */
export function startOpenSearch(
  o: OpenSearchOptions,
): Promise<SearchNodeStatus & { readyMs: number }> {
  return startSearchNode(OPENSEARCH, { ...o, libsDir: o.libsDir ?? defaultLibsDir() });
}

export function stopOpenSearch(runDir: string, timeoutMs?: number): Promise<SearchNodeStatus> {
  return stopSearchNode(OPENSEARCH, runDir, timeoutMs);
}

export function openSearchStatus(runDir: string): SearchNodeStatus {
  return searchNodeStatus(OPENSEARCH, runDir);
}
