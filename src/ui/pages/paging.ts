import { escapeHtml } from './format.js';

/** Which page of a batch table to show: `<table>.page` (1-based) and `<table>.pageSize`. */
export interface Paging {
  readonly page: number;
  readonly pageSize: number;
}

export const DEFAULT_PAGE_SIZE = 100;

/**
 * Reads `<table>.page` and `<table>.pageSize` of the query (Spark's paged tables' parameters):
 * the paging, or the message of a `400` when one is not a positive whole number.
 */
export function readPaging(query: URLSearchParams, table: string): Paging | string {
  const read = (name: string, fallback: number): number | string => {
    const raw = query.get(`${table}.${name}`);
    if (raw === null || raw === '') return fallback;
    const n = Number(raw);
    return Number.isSafeInteger(n) && n >= 1
      ? n
      : `${table}.${name} must be a whole number from 1 up, got "${raw}"`;
  };
  const page = read('page', 1);
  const pageSize = read('pageSize', DEFAULT_PAGE_SIZE);
  if (typeof page === 'string') return page;
  if (typeof pageSize === 'string') return pageSize;
  return { page, pageSize };
}

/** One page of `items`; a page past the last shows the last (the table may have shrunk). */
export function pageOf<T>(
  items: readonly T[],
  paging: Paging,
): { items: readonly T[]; page: number; pages: number } {
  const pages = Math.max(1, Math.ceil(items.length / paging.pageSize));
  const page = Math.min(paging.page, pages);
  const start = (page - 1) * paging.pageSize;
  return { items: items.slice(start, start + paging.pageSize), page, pages };
}

/**
 * `nav.paging` of a table with more than one page: first, previous, the pages around this one,
 * next and last, each a link that keeps the rest of the query (the other tables' pages).
 */
export function pagingNav(
  table: string,
  anchor: string,
  page: number,
  pages: number,
  query: URLSearchParams,
): string {
  if (pages <= 1) return '';
  const href = (p: number): string => {
    const params = new URLSearchParams(query);
    params.set(`${table}.page`, String(p));
    return escapeHtml(`?${params.toString()}#${anchor}`);
  };
  const link = (p: number, text: string, label: string): string =>
    `<a href="${href(p)}" aria-label="${label}">${text}</a>`;
  const parts: string[] = [];
  if (page > 1)
    parts.push(link(1, '&laquo;', 'First page'), link(page - 1, '&lsaquo;', 'Previous page'));
  for (let p = Math.max(1, page - 2); p <= Math.min(pages, page + 2); p++) {
    parts.push(
      p === page
        ? `<span class="current" aria-current="page">${p}</span>`
        : link(p, String(p), `Page ${p}`),
    );
  }
  if (page < pages)
    parts.push(link(page + 1, '&rsaquo;', 'Next page'), link(pages, '&raquo;', 'Last page'));
  parts.push(`<span class="of">Page ${page} of ${pages}</span>`);
  return `<nav class="paging" aria-label="Pages of ${escapeHtml(table)} batches">${parts.join('')}</nav>`;
}
