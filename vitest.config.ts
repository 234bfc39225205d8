import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string) => fileURLToPath(new URL(`./src/${path}`, import.meta.url));

export default defineConfig({
  resolve: {
    // The engine's own tests import 'dstream' exactly as users do, compiled from the sources.
    alias: [
      { find: /^dstream\/testing$/, replacement: src('testing/index.ts') },
      { find: /^dstream\/sinks\/files$/, replacement: src('sinks/files/index.ts') },
      { find: /^dstream$/, replacement: src('index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // Builds dist/ when it is older than the sources: the CLI and package tests run it.
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    env: { DSTREAM_LOG_LEVEL: process.env.DSTREAM_LOG_LEVEL ?? 'WARN' },
  },
});
