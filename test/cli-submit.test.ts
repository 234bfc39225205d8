// `dstream run` as spark-submit: --master, --name, --conf, --properties-file and --deploy-mode,
// with Spark's precedence, seen from inside a real application run by the built CLI.
import { availableParallelism } from 'node:os';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectBuilt, root, startCli } from './support/cli.js';

/**
 * An application that prints, as JSON, its master, cores, name and the settings it reads; its
 * own options come from its first argument (JSON), as an application's code would set them.
 */
const SETTINGS_APP = `import { StreamingContext, Milliseconds } from 'dstream';

const own = JSON.parse(process.argv[2] ?? '{}');
const ssc = new StreamingContext({ batchDuration: Milliseconds(100), ...own });
const keys = ['spark.app.name', 'spark.master', 'k.file', 'k.conf', 'k.app', 'spark.streaming.backpressure.enabled'];
const conf = Object.fromEntries(keys.map((k) => [k.replace(/^k\\./, ''), ssc.conf.get(k.replace(/^k\\./, 'spark.test.')) ?? ssc.conf.get(k) ?? null]));
console.log(JSON.stringify({ master: ssc.sparkContext.master, cores: ssc.sparkContext.cores, appName: ssc.sparkContext.appName, conf }));
`;

let tmp: string;
let app: string;
beforeAll(async () => {
  expectBuilt();
  await mkdir(join(root, '.tmp'), { recursive: true });
  tmp = await mkdtemp(join(root, '.tmp', 'cli-submit-test-'));
  app = join(tmp, 'settings.ts');
  await writeFile(app, SETTINGS_APP);
});
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

interface Seen {
  master: string;
  cores: number;
  appName: string;
  conf: Record<string, string | null>;
}

/** Runs the settings application with `dstream run <flags> settings.ts <own options>`. */
async function settingsSeen(
  flags: string[],
  own: object = {},
  env: Record<string, string> = {},
): Promise<{ seen: Seen; stderr: string }> {
  const cli = startCli(['run', ...flags, app, JSON.stringify(own)], { env });
  expect(await cli.exited, cli.stderr()).toBe(0);
  return { seen: JSON.parse(cli.stdout()) as Seen, stderr: cli.stderr() };
}

describe('dstream run --master, --conf', () => {
  it('runs an application that sets no master with --master local[2] and a --conf setting', async () => {
    const counting = join(tmp, 'counting.ts');
    await writeFile(
      counting,
      `import { StreamingContext, Milliseconds, isDriver } from 'dstream';

const ssc = new StreamingContext({ appName: 'Counting', batchDuration: Milliseconds(100) });
const queue = [ssc.sparkContext.parallelize(['a', 'b', 'c', 'd'], 4)];
let done = (): void => {};
const first = new Promise<void>((resolve) => (done = resolve));
ssc.queueStream(queue).count().foreachRDD(async (rdd) => {
  console.log('count ' + (await rdd.collect()).join());
  done();
});
if (isDriver()) {
  console.log(ssc.sparkContext.master + ' backpressure ' + ssc.conf.get('spark.streaming.backpressure.enabled'));
}
await ssc.start();
await first;
await ssc.stop();
`,
    );
    const cli = startCli([
      'run',
      '--master',
      'local[2]',
      '--conf',
      'spark.streaming.backpressure.enabled=true',
      counting,
    ]);
    expect(await cli.exited, cli.stderr()).toBe(0);
    // Batches after the first (empty: the queue had one RDD) may run before stop() takes effect.
    expect(cli.stdout()).toMatch(/^local\[2\] backpressure true\ncount 4\n(count 0\n)*$/);
  });

  it('gives local[*] and the file name when nothing sets them', async () => {
    const { seen } = await settingsSeen([]);
    expect(seen).toMatchObject({
      master: 'local[*]',
      cores: availableParallelism(),
      appName: 'settings.ts',
      conf: { 'spark.master': 'local[*]', 'spark.app.name': 'settings.ts' },
    });
  });

  it("takes the application's own settings first, then --master/--name, --conf, the properties file", async () => {
    const file = join(tmp, 'precedence.conf');
    await writeFile(
      file,
      [
        '# every setting at the weakest level',
        'spark.master local[3]',
        'spark.app.name   FromFile',
        'spark.test.file = from-file',
        'spark.test.conf:from-file',
        'spark.test.app from-file',
      ].join('\n'),
    );
    const flags = [
      '--properties-file',
      file,
      '--conf',
      'spark.master=local[4]',
      '--conf',
      'spark.app.name=FromConf',
      '--conf',
      'spark.test.conf=from-conf',
      '--conf',
      'spark.test.app=from-conf',
    ];
    // The application sets only spark.test.app: --conf wins over the file, and the file gives
    // what nothing else does.
    const own = { conf: { 'spark.test.app': 'from-app' } };
    const { seen: confOverFile } = await settingsSeen(flags, own);
    expect(confOverFile).toMatchObject({
      master: 'local[4]',
      appName: 'FromConf',
      conf: { file: 'from-file', conf: 'from-conf', app: 'from-app' },
    });
    // --master and --name win over the same settings given with --conf.
    const { seen: flagsOverConf } = await settingsSeen(
      [...flags, '--master', 'local[2]', '--name', 'FromFlag'],
      own,
    );
    expect(flagsOverConf).toMatchObject({ master: 'local[2]', cores: 2, appName: 'FromFlag' });
    // What the application's code sets wins over every flag.
    const { seen: appOverAll } = await settingsSeen(
      [...flags, '--master', 'local[2]', '--name', 'FromFlag'],
      { master: 'local[1]', appName: 'FromApp', ...own },
    );
    expect(appOverAll).toMatchObject({
      master: 'local[1]',
      cores: 1,
      appName: 'FromApp',
      conf: { 'spark.master': 'local[1]', 'spark.app.name': 'FromApp', app: 'from-app' },
    });
  });

  it('ignores settings not starting with spark., with spark-submit’s warning', async () => {
    const file = join(tmp, 'non-spark.conf');
    await writeFile(file, 'hive.metastore.uris thrift://x:9083\nspark.test.file=kept\n');
    const { seen, stderr } = await settingsSeen([
      '--properties-file',
      file,
      '--conf',
      'app.verbose=true',
    ]);
    expect(seen.conf.file).toBe('kept');
    expect(stderr).toContain('Warning: Ignoring non-Spark config property: hive.metastore.uris\n');
    expect(stderr).toContain('Warning: Ignoring non-Spark config property: app.verbose\n');
  });
});

describe('dstream run --properties-file', () => {
  it('reads $DSTREAM_CONF_DIR/spark-defaults.conf when no file is given, as Spark its conf dir', async () => {
    const dir = join(tmp, 'conf-dir');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'spark-defaults.conf'), 'spark.test.file from-defaults\n');
    const env = { DSTREAM_CONF_DIR: dir };
    const { seen: defaults } = await settingsSeen([], {}, env);
    expect(defaults.conf.file).toBe('from-defaults');

    const other = join(tmp, 'other.conf');
    await writeFile(other, 'spark.test.conf from-other\n');
    const { seen: replaced } = await settingsSeen(['--properties-file', other], {}, env);
    expect(replaced.conf).toMatchObject({ file: null, conf: 'from-other' });
  });

  it('says so when the file does not exist', async () => {
    const missing = join(tmp, 'missing.conf');
    const cli = startCli(['run', '--properties-file', missing, app]);
    expect(await cli.exited).toBe(1);
    expect(cli.stderr()).toContain(`Properties file ${missing} does not exist`);
    expect(cli.stdout()).toBe('');
  });
});

describe('dstream run --deploy-mode', () => {
  it('runs in client mode, and refuses cluster mode saying what to do instead', async () => {
    await settingsSeen(['--deploy-mode', 'client']);

    const cluster = startCli(['run', '--deploy-mode', 'cluster', app]);
    expect(await cluster.exited).toBe(1);
    expect(cluster.stderr()).toContain(
      'Cluster deploy mode is not compatible with master "local": dstream runs the application in this process (client mode). Leave out --deploy-mode',
    );
    expect(cluster.stdout()).toBe('');

    const viaConf = startCli(['run', '--conf', 'spark.submit.deployMode=cluster', app]);
    expect(await viaConf.exited).toBe(1);
    expect(viaConf.stderr()).toContain('Cluster deploy mode is not compatible');

    const other = startCli(['run', '--deploy-mode', 'yarn', app]);
    expect(await other.exited).toBe(1);
    expect(other.stderr()).toContain('Deploy mode must be either client or cluster');
  });

  it('refuses a master dstream cannot run before loading the application', async () => {
    const cli = startCli(['run', '--master', 'yarn', app]);
    expect(await cli.exited).toBe(1);
    expect(cli.stderr()).toContain("Could not parse Master URL: 'yarn'");
    expect(cli.stdout()).toBe('');
  });
});

describe('dstream run --help', () => {
  it("lists spark-submit's options and their precedence", async () => {
    const help = startCli(['run', '--help']);
    expect(await help.exited).toBe(0);
    for (const option of [
      '--master <master-url>',
      '--name <name>',
      '--conf <key=value>',
      '--properties-file <file>',
      '--deploy-mode <mode>',
    ]) {
      expect(help.stdout()).toContain(option);
    }
    expect(help.stdout()).toContain('Settings, strongest first');
  });
});
