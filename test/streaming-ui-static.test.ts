// The pages' script and stylesheet are served by the UI from the package itself (users run
// offline; the Content-Security-Policy allows only 'self'), from the sources and from the built
// dist/ a user installs (tsc copies no file but .ts output, so they must be in it).
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Script } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setLogLevel, type StreamingContext } from 'dstream';
import { createManualContext, TestInputStream } from 'dstream/testing';
import { expectBuilt, root } from './support/cli.js';

let ssc: StreamingContext;
let tmp: string | undefined;

beforeAll(async () => {
  setLogLevel('OFF');
  ssc = createManualContext({ conf: { 'spark.ui.enabled': 'true', 'spark.ui.port': '0' } }).ssc;
  new TestInputStream(ssc, [[1]], 1).foreachRDD(() => {});
  await ssc.start();
});

afterAll(async () => {
  await ssc.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('the pages of an application with no batch yet', () => {
  it('are whole: empty charts and tables, no average', async () => {
    const res = await fetch(`${ssc.uiWebUrl!}/streaming/`);
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('<caption>Timelines (Last 0 batches, 0 active, 0 completed)</caption>');
    expect(page.match(/<svg class="timeline"/g)).toHaveLength(5);
    expect(page).not.toContain('<circle');
    expect(page).toContain('<div class="avg">Avg: - events/sec</div>');
    expect(page).toContain('<div class="avg">Avg: -</div>');
    expect(page).toContain('<h2 id="completed">Completed Batches (last 0 out of 0)</h2>');
  });
});

describe('the static files of the pages', () => {
  it('serves the live-update script: JavaScript that parses, refreshing #content', async () => {
    const res = await fetch(`${ssc.uiWebUrl!}/static/streaming-ui.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const script = await res.text();
    // Compiles (never runs here: it needs a document).
    expect(() => new Script(script, { filename: 'streaming-ui.js' })).not.toThrow();
    for (const used of ['dataset.refresh', 'dataset.updated', "getElementById('content')"])
      expect(script).toContain(used);
  });

  it('serves the stylesheet the pages link', async () => {
    const res = await fetch(`${ssc.uiWebUrl!}/static/streaming-ui.css`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(await res.text()).toContain('#stat-table');
  });

  it('serves both from the built package, and its page uses them', async () => {
    expectBuilt();
    await mkdir(join(root, '.tmp'), { recursive: true });
    tmp = await mkdtemp(join(root, '.tmp', 'ui-static-'));
    const script = join(tmp, 'serve.mjs');
    // Inside the package: `dstream` resolves to dist/ through package.json "exports", as for users.
    await writeFile(
      script,
      `import { setLogLevel } from 'dstream';
import { createManualContext, TestInputStream } from 'dstream/testing';
setLogLevel('OFF');
const { ssc } = createManualContext({ conf: { 'spark.ui.enabled': 'true', 'spark.ui.port': '0' } });
new TestInputStream(ssc, [[1]], 1).foreachRDD(() => {});
await ssc.start();
const out = {};
for (const path of ['/streaming/', '/static/streaming-ui.js', '/static/streaming-ui.css']) {
  const res = await fetch(ssc.uiWebUrl + path);
  out[path] = { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
}
await ssc.stop();
console.log(JSON.stringify(out));
`,
    );
    const { stdout } = await promisify(execFile)(process.execPath, [script], {
      cwd: root,
      env: { ...process.env, DSTREAM_CONF: '' },
    });
    const out = JSON.parse(stdout) as Record<
      string,
      { status: number; type: string; body: string }
    >;
    const fromSource = await (await fetch(`${ssc.uiWebUrl!}/static/streaming-ui.js`)).text();
    expect(out['/static/streaming-ui.js']).toEqual({
      status: 200,
      type: 'text/javascript; charset=utf-8',
      body: fromSource,
    });
    expect(out['/static/streaming-ui.css']!.status).toBe(200);
    expect(out['/streaming/']!.body).toContain('<script src="/static/streaming-ui.js" defer>');
    expect(out['/streaming/']!.body).toContain('href="/static/streaming-ui.css"');
  });
});
