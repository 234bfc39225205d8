// Where a context's master and name come from when its code leaves them out: the settings
// `dstream run` passes in DSTREAM_CONF, then Spark's defaults (local[*]; a name is required).
import { availableParallelism } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { Seconds, SparkContext, StreamingContext } from 'dstream';

const suiteConf = process.env.DSTREAM_CONF;
afterEach(() => {
  process.env.DSTREAM_CONF = suiteConf;
});

describe('a context that leaves out master and appName', () => {
  it("takes them from dstream run's settings, under its own", () => {
    process.env.DSTREAM_CONF = JSON.stringify({
      'spark.master': 'local[2]',
      'spark.app.name': 'Submitted',
      'spark.ui.enabled': 'false',
    });
    const sc = new SparkContext({});
    expect([sc.master, sc.cores, sc.appName]).toEqual(['local[2]', 2, 'Submitted']);
    const own = new SparkContext({ master: 'local[3]', appName: 'Own' });
    expect([own.master, own.appName]).toEqual(['local[3]', 'Own']);
    expect([own.conf.get('spark.master'), own.conf.get('spark.app.name')]).toEqual([
      'local[3]',
      'Own',
    ]);
  });

  it('runs on local[*] when nothing sets the master', async () => {
    process.env.DSTREAM_CONF = '{"spark.ui.enabled":"false"}';
    const ssc = new StreamingContext({ appName: 'NoMaster', batchDuration: Seconds(1) });
    expect(ssc.sparkContext.master).toBe('local[*]');
    expect(ssc.sparkContext.cores).toBe(availableParallelism());
    await ssc.stop();
  });

  it("fails with Spark's message when nothing names the application", () => {
    process.env.DSTREAM_CONF = '{"spark.ui.enabled":"false"}';
    expect(() => new StreamingContext({ batchDuration: Seconds(1) })).toThrow(
      expect.objectContaining({
        code: 'DSTREAM_ERR_INVALID_CONF',
        message: expect.stringContaining(
          'An application name must be set in your configuration',
        ) as string,
      }),
    );
  });
});
