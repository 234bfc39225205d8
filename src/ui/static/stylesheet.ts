/** Where the UI serves {@link STYLESHEET}. */
export const STYLESHEET_PATH = '/static/streaming-ui.css';

/**
 * The pages' one stylesheet, served from the package (the Content-Security-Policy allows
 * `style-src 'self'`: no inline style, so markup carries classes only). Quiet and responsive:
 * charts scale with their `viewBox`, wide tables scroll inside their own box, and under 760 px
 * the statistics table stacks each metric's label, timeline and histogram.
 */
export const STYLESHEET = `:root {
  color-scheme: light;
  --text: #1f2328;
  --muted: #59636e;
  --border: #d9dee3;
  --soft: #f6f8fa;
  --accent: #2563a6;
  --bad: #b42318;
  --good: #1a7f37;
}
*, *::before, *::after { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0;
  font: 15px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif;
  color: var(--text);
  background: #fff;
  overflow-wrap: anywhere;
}
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
header.bar {
  display: flex; align-items: center; gap: 1.25rem;
  padding: 0.55rem 1.25rem; border-bottom: 1px solid var(--border); background: var(--soft);
}
header.bar .app {
  font-weight: 600; color: var(--text); min-width: 0;
  overflow: hidden; text-overflow: ellipsis; white-space: nowrap;
}
header.bar nav a { color: var(--muted); padding: 0.2rem 0; border-bottom: 2px solid transparent; }
header.bar nav a.active { color: var(--text); border-bottom-color: var(--accent); }
header.bar .stale-notice { display: none; margin-left: auto; color: var(--bad); font-size: 0.85em; }
body.stale header.bar .stale-notice { display: inline; }
main { max-width: 1600px; margin: 0 auto; padding: 1rem 1.25rem 3rem; }
h1 { font-size: 1.35rem; font-weight: 600; margin: 0.25rem 0 0.5rem; }
h2 { font-size: 1.08rem; font-weight: 600; margin: 1.75rem 0 0.5rem; }
#header { margin: 0 0 1rem; color: var(--muted); }
#header strong, #batch-summary strong { color: var(--text); font-weight: 600; }
.table-wrap { max-width: 100%; overflow-x: auto; border: 1px solid var(--border); border-radius: 6px; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td {
  padding: 0.4rem 0.65rem; text-align: left; vertical-align: top;
  border-bottom: 1px solid var(--border); white-space: nowrap; overflow-wrap: normal;
}
th { background: var(--soft); font-weight: 600; font-size: 0.9em; }
tbody tr:last-child td { border-bottom: 0; }
td.error, td.metadata, td.description { white-space: normal; overflow-wrap: anywhere; min-width: 14rem; max-width: 44rem; }
td.metadata pre { margin: 0; }
pre { margin: 0.3rem 0 0; font-size: 0.82em; white-space: pre-wrap; overflow-wrap: anywhere; }
details > summary { cursor: pointer; }
.failed { color: var(--bad); }
.active-status { color: var(--good); }
.muted, .hint { color: var(--muted); }
.hint { font-size: 0.85em; margin: 0.15rem 0 0.35rem; }
.avg { font-weight: 600; margin-top: 0.25rem; }
.empty { color: var(--muted); margin: 0.4rem 0; }
nav.paging { display: flex; flex-wrap: wrap; align-items: center; gap: 0.25rem; margin: 0.4rem 0; font-size: 0.9em; }
nav.paging a, nav.paging span.current {
  padding: 0.1rem 0.5rem; border: 1px solid var(--border); border-radius: 4px;
}
nav.paging span.current { background: var(--accent); border-color: var(--accent); color: #fff; }
nav.paging .of { color: var(--muted); margin-left: 0.5rem; }
#stat-table { display: block; border: 1px solid var(--border); border-radius: 6px; }
#stat-table caption {
  display: block; text-align: left; font-weight: 600;
  padding: 0.5rem 0.75rem; background: var(--soft); border-bottom: 1px solid var(--border);
}
#stat-table > thead, #stat-table > tbody {
  display: grid; grid-template-columns: minmax(11rem, 1fr) minmax(0, 3fr) minmax(0, 1.7fr);
}
#stat-table > * > tr { display: contents; }
#stat-table > * > tr > th, #stat-table > * > tr > td { white-space: normal; min-width: 0; }
#stat-table > tbody > tr > td.receivers-cell { grid-column: 1 / -1; background: #fbfcfd; }
#stat-table > tbody > tr:last-child > td { border-bottom: 0; }
#receivers table td.chart { min-width: 18rem; width: 45%; }
svg.timeline, svg.histogram { display: block; width: 100%; height: auto; overflow: visible; }
svg text { font: 11px system-ui, sans-serif; fill: var(--muted); }
svg .grid { stroke: #edf0f3; }
svg .baseline, svg .axis.x line { stroke: #c3cad1; }
svg .series { fill: none; stroke: var(--accent); stroke-width: 1.5; }
svg circle { fill: var(--accent); stroke: #fff; stroke-width: 1; }
svg a:hover circle, svg a:focus circle { fill: #173f6b; r: 5px; }
svg .bar { fill: #8fb6de; }
svg .batch-interval { stroke: var(--bad); stroke-width: 1.2; stroke-dasharray: 5 4; }
svg .reference-label { fill: var(--bad); }
#batch-summary { list-style: none; padding: 0; margin: 0.5rem 0 1rem; }
#batch-summary li { margin: 0.15rem 0; }
@media (max-width: 760px) {
  body { font-size: 14px; }
  header.bar, main { padding-left: 0.75rem; padding-right: 0.75rem; }
  #stat-table > thead { display: none; }
  #stat-table > tbody { grid-template-columns: minmax(0, 1fr); }
  #stat-table > tbody > tr > td { border-bottom: 0; padding-bottom: 0.15rem; }
  #stat-table > tbody > tr > td.metric { border-top: 1px solid var(--border); padding-top: 0.6rem; }
  #stat-table > tbody > tr:first-child > td.metric { border-top: 0; }
  /* The charts shrink to the window: larger letters in their own units keep the labels legible. */
  svg.timeline text { font-size: 19px; }
  svg.histogram text { font-size: 14px; }
  svg.histogram { max-width: 17rem; }
}
`;
