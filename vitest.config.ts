import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The engine's own tests import 'dstream' and its subpaths exactly as users do, compiled from the
// sources: each export's "dstream:source" condition in package.json names its source file (as it
// does for `tsc`, through `customConditions`), so a new subpath is one entry in package.json.
const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
  name: string;
  exports: Record<string, string | Record<string, string>>;
};
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const alias = Object.entries(pkg.exports).flatMap(([subpath, target]) => {
  const source = typeof target === 'object' ? target['dstream:source'] : undefined;
  if (source === undefined) return [];
  const specifier = pkg.name + subpath.slice(1);
  return [
    {
      find: new RegExp(`^${escape(specifier)}$`),
      replacement: fileURLToPath(new URL(source, import.meta.url)),
    },
  ];
});

export default defineConfig({
  resolve: { alias },
  test: {
    include: ['test/**/*.test.ts'],
    // Builds dist/ when it is older than the sources: the CLI and package tests run it. Then
    // starts the Kafka broker of the Kafka tests, the HBase of the HBase tests and the search servers
    // of the Elasticsearch sink's tests (one of each for the run).
    globalSetup: [
      'test/global-setup.ts',
      'test/kafka-setup.ts',
      'test/hbase-setup.ts',
      'test/opensearch-setup.ts',
      'test/flume-setup.ts',
    ],
    // Fails a test that prints a stack trace or an ERROR line it did not capture.
    setupFiles: ['test/support/output-guard.ts'],
    // One line per test file, then the totals and why tests were skipped (a suite that needs a
    // server or a browser it cannot find is skipped off CI, with the reason in its name).
    reporters: ['default', './test/support/skip-reasons-reporter.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    env: {
      DSTREAM_LOG_LEVEL: process.env.DSTREAM_LOG_LEVEL ?? 'WARN',
      // No web UI in tests unless a test asks for one (Spark's build sets spark.ui.enabled=false
      // for its tests the same way): contexts read this as settings given on the command line,
      // and so do the applications tests run as child processes.
      DSTREAM_CONF: process.env.DSTREAM_CONF ?? '{"spark.ui.enabled":"false"}',
    },
  },
});
