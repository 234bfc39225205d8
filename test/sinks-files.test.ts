import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DStreamError, Minutes, SparkContext, Time } from 'dstream';
import { partitionDirectory, saveAsPartitionedTextFile } from 'dstream/sinks/files';
import { runBatches } from 'dstream/testing';

let base: string;
beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'dstream-sinks-files-'));
});
afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

/** Every file under `dir`, as paths relative to it, sorted. */
async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

describe('saveAsPartitionedTextFile', () => {
  it('writes each non-empty batch into date_str/hour_str/<batch ms>/part-00000', async () => {
    const written: (string | undefined)[] = [];
    await runBatches({
      // Batches at 00:30, 01:00 and 01:30 UTC on 1970-01-01; the second is empty.
      inputs: [[['a b a'], [], ['c']]],
      batchDuration: Minutes(30),
      numBatches: 3,
      build: (_ssc, [lines]) => {
        const counts = lines!
          .flatMap((l) => l.split(' '))
          .map((w) => [w, 1] as const)
          .reduceByKey((a, b) => a + b);
        counts.foreachRDD(async (rdd, time) => {
          written.push(await saveAsPartitionedTextFile(rdd, time, base, { timeZone: 'UTC' }));
        });
        return counts;
      },
    });
    expect(written).toEqual([
      join(base, 'date_str=19700101', 'hour_str=00', '1800000'),
      undefined,
      join(base, 'date_str=19700101', 'hour_str=01', '5400000'),
    ]);
    expect(await files(base)).toEqual([
      join('date_str=19700101', 'hour_str=00', '1800000', '_SUCCESS'),
      join('date_str=19700101', 'hour_str=00', '1800000', 'part-00000'),
      join('date_str=19700101', 'hour_str=01', '5400000', '_SUCCESS'),
      join('date_str=19700101', 'hour_str=01', '5400000', 'part-00000'),
    ]);
    const first = await readFile(join(written[0]!, 'part-00000'), 'utf8');
    expect(first.split('\n').sort()).toEqual(['', '(a,2)', '(b,1)']);
    expect(await readFile(join(written[2]!, 'part-00000'), 'utf8')).toBe('(c,1)\n');
  });

  it('writes numFiles part files when asked, and replaces a batch written again', async () => {
    const sc = new SparkContext({ master: 'local[2]', appName: 'sinks-files' });
    const rdd = sc.parallelize([1, 2, 3, 4], 4);
    const time = new Time(1_000);
    const dir = await saveAsPartitionedTextFile(rdd, time, base, { timeZone: 'UTC', numFiles: 2 });
    expect(await files(dir!)).toEqual(['_SUCCESS', 'part-00000', 'part-00001']);
    expect(await readFile(join(dir!, 'part-00001'), 'utf8')).toBe('3\n4\n');
    await saveAsPartitionedTextFile(sc.parallelize([9], 1), time, base, {
      timeZone: 'UTC',
    });
    expect(await files(dir!)).toEqual(['_SUCCESS', 'part-00000']);
    expect(await readFile(join(dir!, 'part-00000'), 'utf8')).toBe('9\n');
    await sc.stop();
  });
});

describe('partitionDirectory', () => {
  const t = new Time(Date.UTC(2019, 6, 10, 3, 39, 0));

  it('uses the local time zone by default', () => {
    const saved = process.env.TZ;
    try {
      process.env.TZ = 'Asia/Kolkata';
      expect(partitionDirectory('out', t)).toBe(
        join('out', 'date_str=20190710', 'hour_str=09', String(t.milliseconds)),
      );
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it("takes a time zone and the seed's yyyy-MM-dd date format", () => {
    expect(partitionDirectory('out', t, { timeZone: 'Asia/Shanghai' })).toBe(
      join('out', 'date_str=20190710', 'hour_str=11', String(t.milliseconds)),
    );
    expect(
      partitionDirectory('out', t, { timeZone: 'America/New_York', dateFormat: 'yyyy-MM-dd' }),
    ).toBe(join('out', 'date_str=2019-07-09', 'hour_str=23', String(t.milliseconds)));
  });

  it('rejects an unknown time zone and a file count below 1', async () => {
    expect(() => partitionDirectory('out', t, { timeZone: 'Mars/Olympus' })).toThrow(
      expect.objectContaining({ code: 'DSTREAM_ERR_INVALID_ARGUMENT' }) as DStreamError,
    );
    const sc = new SparkContext({ master: 'local[2]', appName: 'sinks-files' });
    await expect(
      saveAsPartitionedTextFile(sc.parallelize([1]), t, base, { numFiles: 0 }),
    ).rejects.toThrow(/must be a positive integer/);
    await sc.stop();
  });
});
