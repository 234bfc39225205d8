// The OpenSearch and Elasticsearch nodes test/opensearch-setup.ts starts for the run, as the tests
// see them, and the few REST calls the tests read them back with (fetch: the sink's own code is
// what is under test, not what checks it).
import { randomUUID } from 'node:crypto';
import { expect, inject } from 'vitest';

export const searchServers = inject('searchServers');

/** Both servers, by name; a missing one fails its tests in CI and is skipped elsewhere. */
export const servers = [
  { name: 'OpenSearch 2.19', url: searchServers.opensearch },
  { name: 'Elasticsearch 8.19', url: searchServers.elasticsearch },
].map((s) => ({
  ...s,
  skip: s.url === undefined && process.env.CI !== 'true',
  title: s.url === undefined ? `${s.name} (no server: ${searchServers.reason})` : s.name,
}));

/** The server's URL; fails the calling test, with the reason, when there is none. */
export function urlOf(server: { name: string; url?: string }): string {
  expect(server.url, `no ${server.name} for the tests: ${searchServers.reason}`).toBeDefined();
  return server.url!;
}

/** A new index name of this run. */
export const newIndex = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

/** A REST call whose JSON answer the test reads. */
export async function rest<T>(url: string, method: string, path: string, body?: unknown) {
  const res = await fetch(new URL(path, url), {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as T };
}

/** The number of documents of `index`, after a refresh. */
export async function count(url: string, index: string): Promise<number> {
  await rest(url, 'POST', `/${index}/_refresh`);
  return (await rest<{ count: number }>(url, 'GET', `/${index}/_count`)).body.count;
}

export interface Doc<T> {
  _id: string;
  _version: number;
  _source: T;
}

/** Every document of `index` (up to 10000), by id. */
export async function documents<T>(url: string, index: string): Promise<Map<string, Doc<T>>> {
  await rest(url, 'POST', `/${index}/_refresh`);
  const { body } = await rest<{ hits: { hits: Doc<T>[] } }>(url, 'POST', `/${index}/_search`, {
    size: 10_000,
    version: true,
    query: { match_all: {} },
  });
  return new Map(body.hits.hits.map((h) => [h._id, h]));
}

/** Deletes indices (by a comma list of names). */
export async function dropIndices(url: string, names: readonly string[]): Promise<void> {
  if (names.length > 0) await rest(url, 'DELETE', `/${names.join(',')}?ignore_unavailable=true`);
}
