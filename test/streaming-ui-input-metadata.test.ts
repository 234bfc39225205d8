// The batch page's Input Metadata table: what an input stream said of its part of a batch
// (its Description: here the files a file stream read), escaped, and no table when no stream said
// anything.
import { mkdir, mkdtemp, rename, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setLogLevel } from 'dstream';
import { createManualContext } from 'dstream/testing';
import { bodyRows, element } from './support/html.js';

beforeAll(() => setLogLevel('OFF'));

describe('input metadata', () => {
  let root: string | undefined;
  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('shows the files a file stream read, as its Description, escaped', async () => {
    root = await mkdtemp(join(tmpdir(), 'dstream-ui-files-'));
    const dir = join(root, 'in');
    await mkdir(dir);
    const { ssc, clock } = createManualContext({
      conf: { 'spark.ui.enabled': 'true', 'spark.ui.port': '0' },
    });
    try {
      await clock.advance(10_000);
      const stream = ssc.textFileStream(dir);
      const described = new Map<number, string>();
      ssc.addStreamingListener({
        onBatchCompleted: (e) =>
          described.set(
            e.batchInfo.batchTime.milliseconds,
            String(e.batchInfo.streamIdToInputInfo.get(0)?.metadata.Description),
          ),
      });
      stream.foreachRDD(() => {});
      await ssc.start();
      // A file name that looks like HTML (Linux allows it): the page shows it as text.
      const name = 'orders <img src=x onerror=alert(1)>.txt';
      const staged = join(root, 'staged');
      await writeFile(staged, 'a\nb\n');
      await utimes(staged, 10.5, 10.5);
      await rename(staged, join(dir, name));
      await clock.advance(2000);
      expect(described.get(11_000)).toBe(join(dir, name));
      const res = await fetch(`${ssc.uiWebUrl!}/streaming/batch/?id=11000`);
      const html = await res.text();
      const rows = bodyRows(element(html, 'table', 'id="input-metadata"'));
      expect(rows).toEqual([[stream.displayName, described.get(11_000)!]]);
      expect(html).not.toContain('<img');
      expect(html).toContain('orders &lt;img src=x onerror=alert(1)&gt;.txt');
      // A batch without files has nothing to describe.
      const empty = await (await fetch(`${ssc.uiWebUrl!}/streaming/batch/?id=12000`)).text();
      expect(empty).not.toContain('id="input-metadata"');
    } finally {
      await ssc.stop();
    }
  });
});
