/** Where the UI serves {@link LIVE_UPDATE_SCRIPT}; the pages load it, and nothing else runs. */
export const LIVE_UPDATE_PATH = '/static/streaming-ui.js';

/**
 * The pages' only script, served from the package itself (users run offline, and the
 * Content-Security-Policy allows `script-src 'self'` and nothing inline). Every `data-refresh` ms
 * (the batch interval, 1 to 10 s) it fetches the page's own address again and swaps its
 * `#content` in, keeping the scroll position, the open `<details>` and the horizontal scroll of
 * wide tables (matched by `id` or `data-key`), then sets `data-updated` on `<body>`. The page is
 * whole without it: everything is rendered on the server. A string rather than a file so that
 * `tsc` carries it into `dist/`, which copies no other files.
 */
export const LIVE_UPDATE_SCRIPT = `'use strict';
(() => {
  const body = document.body;
  const every = Number(body.dataset.refresh);
  if (!(every > 0) || typeof fetch !== 'function' || typeof DOMParser !== 'function') return;
  const keyOf = (el) => el.id || el.dataset.key || '';
  let busy = false;
  async function refresh() {
    // A hidden tab has nobody to show it to; a slow answer is not asked for twice.
    if (busy || document.hidden) return;
    busy = true;
    try {
      const res = await fetch(location.href, { cache: 'no-store', headers: { Accept: 'text/html' } });
      if (!res.ok) return;
      const next = new DOMParser().parseFromString(await res.text(), 'text/html');
      const fresh = next.getElementById('content');
      const current = document.getElementById('content');
      if (!fresh || !current) return;
      const open = new Map();
      for (const d of current.querySelectorAll('details')) if (keyOf(d)) open.set(keyOf(d), d.open);
      const scrolled = new Map();
      for (const el of current.querySelectorAll('.table-wrap')) if (keyOf(el)) scrolled.set(keyOf(el), el.scrollLeft);
      const x = window.scrollX;
      const y = window.scrollY;
      const adopted = document.importNode(fresh, true);
      current.replaceWith(adopted);
      for (const d of adopted.querySelectorAll('details')) if (open.has(keyOf(d))) d.open = open.get(keyOf(d));
      for (const el of adopted.querySelectorAll('.table-wrap')) if (scrolled.has(keyOf(el))) el.scrollLeft = scrolled.get(keyOf(el));
      window.scrollTo(x, y);
      if (next.title) document.title = next.title;
      body.dataset.updated = String(Date.now());
      body.classList.remove('stale');
    } catch {
      // The application stopped or the network is down: keep the last page, say it is old.
      body.classList.add('stale');
    } finally {
      busy = false;
    }
  }
  setInterval(() => void refresh(), every);
})();
`;
