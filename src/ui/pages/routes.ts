import type { StreamingJobProgressListener } from '../progress-listener.js';
import type { Answer } from '../server.js';
import { LIVE_UPDATE_PATH, LIVE_UPDATE_SCRIPT } from '../static/live-update.js';
import { STYLESHEET, STYLESHEET_PATH } from '../static/stylesheet.js';
import { batchPage } from './batch-page.js';
import type { PageAnswer } from './layout.js';
import { statisticsPage, type BeyondSpark } from './statistics-page.js';

/**
 * The pages' policy: no inline script or style, nothing from elsewhere; only the package's own
 * script and stylesheet, and the script's fetches of the page it refreshes.
 */
export const PAGE_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function html(page: PageAnswer): Answer {
  return {
    status: page.status,
    contentType: 'text/html; charset=utf-8',
    body: page.html,
    headers: { 'Content-Security-Policy': PAGE_POLICY },
  };
}

/**
 * Answers the pages' paths: `/streaming/`, `/streaming/batch/?id=<ms>` and the static script and
 * stylesheet; `undefined` for any other path. `now` is the time of the request on the context's clock (that of the listener events);
 * `beyondSpark` renders dstream's own panels of the statistics page when it is asked for.
 */
export function answerPage(
  path: string,
  query: URLSearchParams,
  progress: StreamingJobProgressListener,
  appName: string,
  now: number,
  beyondSpark: () => BeyondSpark,
): Answer | undefined {
  switch (path) {
    case '/streaming/':
      return html(statisticsPage(progress, appName, query, now, beyondSpark()));
    case '/streaming/batch/':
      return html(batchPage(progress, appName, query));
    case LIVE_UPDATE_PATH:
      return {
        status: 200,
        contentType: 'text/javascript; charset=utf-8',
        body: LIVE_UPDATE_SCRIPT,
      };
    case STYLESHEET_PATH:
      return { status: 200, contentType: 'text/css; charset=utf-8', body: STYLESHEET };
    default:
      return undefined;
  }
}
