// Starts one OpenSearch 2.19 and one Elasticsearch 8.19 node for the whole test run, side by side
// (free ports, temporary run directories), and stops them at teardown; tests get their URLs with
// inject('searchServers'). Fetches the jars with Maven the first time, so a clean clone needs only
// a JDK and Maven. A run that names no search test starts neither.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePort, startOpenSearch, stopOpenSearch } from '../src/cli/opensearch/node.js';
import { messageOf } from '../src/errors.js';
import { startElasticsearch, stopElasticsearch } from './support/elasticsearch-node.js';

export interface SearchServers {
  /** http://127.0.0.1:<port> of OpenSearch, when it started. */
  opensearch?: string;
  /** Its run directory (a test may stop and start it). */
  opensearchRunDir?: string;
  /** http://127.0.0.1:<port> of Elasticsearch, when it started. */
  elasticsearch?: string;
  /** Why a server is missing: Java or Maven missing, a failed start, or no search test in the run. */
  reason?: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    searchServers: SearchServers;
  }
}

/** Test files that need the servers have one of these in their names. */
const SEARCH_TESTS = ['elasticsearch', 'opensearch'];

/** False when the command line names test files and none is a search test (see kafka-setup.ts). */
function runHasSearchTests(): boolean {
  const at = process.argv.findIndex((a) => a === 'run' || a.endsWith('vitest.mjs'));
  const filters = process.argv.slice(at + 1).filter((a) => !a.startsWith('-') && a !== 'run');
  return filters.length === 0 || filters.some((f) => SEARCH_TESTS.some((s) => f.includes(s)));
}

const say = (m: string) => process.stderr.write(`search servers for the tests: ${m}\n`);

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!runHasSearchTests()) {
    project.provide('searchServers', { reason: 'no search test in this run' });
    return async () => {};
  }
  const osDir = mkdtempSync(join(tmpdir(), 'dstream-opensearch-test-'));
  const esDir = mkdtempSync(join(tmpdir(), 'dstream-elasticsearch-test-'));
  const stop = async (): Promise<void> => {
    await Promise.all([stopOpenSearch(osDir), stopElasticsearch(esDir)]);
    rmSync(osDir, { recursive: true, force: true });
    rmSync(esDir, { recursive: true, force: true });
  };
  const started = performance.now();
  const timed = async <T>(name: string, start: Promise<T & { url?: string }>) => {
    const s = await start;
    say(`${name} ${s.url} ready in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return s.url;
  };
  const [os, es] = await Promise.allSettled([
    timed(
      'OpenSearch',
      startOpenSearch({
        runDir: osDir,
        port: await freePort(),
        transportPort: await freePort(),
        progress: say,
      }),
    ),
    timed(
      'Elasticsearch',
      startElasticsearch({
        runDir: esDir,
        port: await freePort(),
        transportPort: await freePort(),
        progress: say,
      }),
    ),
  ]);
  const reasons = [os, es]
    .filter((r) => r.status === 'rejected')
    .map((r) => messageOf(r.reason).split('\n')[0]!);
  project.provide('searchServers', {
    ...(os.status === 'fulfilled' ? { opensearch: os.value, opensearchRunDir: osDir } : {}),
    ...(es.status === 'fulfilled' ? { elasticsearch: es.value } : {}),
    ...(reasons.length > 0 ? { reason: reasons.join('; ') } : {}),
  });
  return stop;
}
