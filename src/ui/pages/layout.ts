import { systemClock } from '../../util/clock.js';
import { LIVE_UPDATE_PATH } from '../static/live-update.js';
import { STYLESHEET_PATH } from '../static/stylesheet.js';
import type { StreamingJobProgressListener } from '../progress-listener.js';
import { escapeHtml } from './format.js';

export interface PageShell {
  readonly appName: string;
  /** The page's title, after the application's name in the window title (as Spark's). */
  readonly title: string;
  /** The page's content: everything the live update swaps in, inside `main#content`. */
  readonly content: string;
  /** The batch interval in ms: how often the page refreshes itself (1 to 10 s). */
  readonly batchDuration: number;
}

/** How often a page refreshes itself: each batch interval, but at least 1 s and at most 10 s. */
export function refreshInterval(batchDuration: number): number {
  return Math.min(10_000, Math.max(1000, batchDuration));
}

/**
 * The document around every page: a header bar with the application's name and the Streaming
 * tab, the content in `main#content`, the stylesheet and the live-update script of the package
 * (nothing inline: the Content-Security-Policy forbids it).
 */
export function pageDocument(p: PageShell): string {
  const app = escapeHtml(p.appName);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${app} - ${escapeHtml(p.title)}</title>
<link rel="stylesheet" href="${STYLESHEET_PATH}">
<script src="${LIVE_UPDATE_PATH}" defer></script>
</head>
<body data-refresh="${refreshInterval(p.batchDuration)}" data-updated="${systemClock.now()}">
<header class="bar">
<a class="app" href="/streaming/" title="${app}">${app}</a>
<nav><a class="active" href="/streaming/">Streaming</a></nav>
<span class="stale-notice">Not updating: the application does not answer</span>
</header>
<main id="content">
${p.content}
</main>
</body>
</html>
`;
}

/** A rendered page and its status: `200`, or the `400`/`404` of a bad request, as a page. */
export interface PageAnswer {
  readonly status: 200 | 400 | 404;
  readonly html: string;
}

/** A page that only says what went wrong (Spark's UI answers a bad request with a message). */
export function messagePage(
  l: StreamingJobProgressListener,
  appName: string,
  status: 400 | 404,
  message: string,
): PageAnswer {
  const content = `<h1>${status === 404 ? 'Not Found' : 'Bad Request'}</h1>
<p id="message">${escapeHtml(message)}</p>
<p><a href="/streaming/">Streaming Statistics</a></p>`;
  return {
    status,
    html: pageDocument({
      appName,
      title: status === 404 ? 'Not Found' : 'Bad Request',
      content,
      batchDuration: l.batchDuration,
    }),
  };
}
