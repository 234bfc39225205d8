// The `dstream` command, run as a real process from dist/ (built by test/global-setup.ts), talking
// to real TCP clients.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectBuilt, root, startCli, type Cli } from './support/cli.js';

const VOCABULARY = new Set([
  'spark',
  'streaming',
  'dstream',
  'batch',
  'window',
  'state',
  'kafka',
  'receiver',
  'hello',
  'world',
]);

/** Connects to 127.0.0.1:port and resolves with the first `n` lines received. */
function readLines(port: number, n: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      buffer += d;
      const lines = buffer.split('\n');
      if (lines.length > n) {
        socket.destroy();
        resolve(lines.slice(0, n));
      }
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`connection closed after: ${buffer}`)));
  });
}

/** Starts `dstream feed --port 0 ...` and resolves with the port it listens on. */
async function startFeed(args: string[], stdin: 'pipe' | 'ignore' = 'ignore') {
  const cli = startCli(['feed', '--port', '0', ...args], { stdin });
  const [, port] = await cli.waitFor('stderr', /listening on 127\.0\.0\.1:(\d+)/);
  return { cli, port: Number(port) };
}

async function interrupt(cli: Cli): Promise<number | string> {
  cli.child.kill('SIGINT');
  return cli.exited;
}

let tmp: string;
beforeAll(async () => {
  expectBuilt();
  // Inside the repository, so that an application's `import 'dstream'` finds this package.
  await mkdir(join(root, '.tmp'), { recursive: true });
  tmp = await mkdtemp(join(root, '.tmp', 'cli-test-'));
});
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('dstream --help', () => {
  it('lists the commands, and each command has its help', async () => {
    const help = startCli(['--help']);
    expect(await help.exited).toBe(0);
    expect(help.stdout()).toMatch(/^Usage: dstream \[options\] \[command\]/);
    for (const command of ['demo', 'feed', 'run']) expect(help.stdout()).toContain(`  ${command} `);

    const expected = { feed: '--rate <lines>', run: '<file> [args...]', demo: '--batch <seconds>' };
    for (const [command, text] of Object.entries(expected)) {
      const sub = startCli([command, '--help']);
      expect(await sub.exited).toBe(0);
      expect(sub.stdout()).toContain(text);
    }
  });

  it('prints the package version', async () => {
    const v = startCli(['--version']);
    expect(await v.exited).toBe(0);
    expect(v.stdout().trim()).toBe('0.1.0');
  });
});

describe('dstream feed', () => {
  it('serves generated lines of 10 words to every client, and stops on Ctrl-C', async () => {
    const { cli, port } = await startFeed(['--rate', '50']);
    const [a, b] = await Promise.all([readLines(port, 3), readLines(port, 3)]);
    for (const line of [...a, ...b]) {
      const words = line.split(' ');
      expect(words).toHaveLength(10);
      for (const w of words) expect(VOCABULARY.has(w), w).toBe(true);
    }
    await cli.waitFor('stderr', /connected \(2 clients\)/);
    expect(await interrupt(cli)).toBe(0);
    expect(cli.stderr()).toMatch(/stopped after \d+ lines/);
  });

  it('serves the lines of a file, looping, from its first line', async () => {
    const file = join(tmp, 'lines.txt');
    await writeFile(file, 'one\ntwo words\nthree\n');
    const { cli, port } = await startFeed(['--file', file, '--rate', '100']);
    expect(await readLines(port, 5)).toEqual(['one', 'two words', 'three', 'one', 'two words']);
    expect(await interrupt(cli)).toBe(0);
  });

  it('with --stdin, keeps the lines piped in for the first client', async () => {
    const { cli, port } = await startFeed(['--stdin'], 'pipe');
    cli.child.stdin!.end('x y\nz\n');
    expect(await readLines(port, 2)).toEqual(['x y', 'z']);
    expect(await interrupt(cli)).toBe(0);
  });

  it('says so when the port is taken', async () => {
    const taken: Server = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = (taken.address() as AddressInfo).port;
    try {
      const cli = startCli(['feed', '--port', String(port)]);
      expect(await cli.exited).toBe(1);
      expect(cli.stderr()).toContain(`port ${port} on 127.0.0.1 is already in use`);
    } finally {
      await new Promise((r) => taken.close(r));
    }
  });

  it('says so when the file does not exist or is empty', async () => {
    const missing = startCli(['feed', '--port', '0', '--file', join(tmp, 'missing.txt')]);
    expect(await missing.exited).toBe(1);
    expect(missing.stderr()).toContain('dstream feed: no such file: ');
    const file = join(tmp, 'empty.txt');
    await writeFile(file, '');
    const empty = startCli(['feed', '--port', '0', '--file', file]);
    expect(await empty.exited).toBe(1);
    expect(empty.stderr()).toContain(`dstream feed: ${file} has no lines to send`);
  });

  it('rejects a port that is not a number', async () => {
    const cli = startCli(['feed', '--port', 'http']);
    expect(await cli.exited).toBe(1);
    expect(cli.stderr()).toContain('Not a port number');
  });
});

describe('dstream run', () => {
  it('runs a TypeScript file with its arguments in process.argv', async () => {
    const app = join(tmp, 'args.ts');
    await writeFile(
      app,
      'const args: readonly string[] = process.argv.slice(2);\n' +
        'console.log(JSON.stringify({ file: process.argv[1], args }));\n',
    );
    const plain = startCli(['run', app, 'localhost', '9999', '--verbose']);
    expect(await plain.exited).toBe(0);
    expect(JSON.parse(plain.stdout())).toEqual({
      file: app,
      args: ['localhost', '9999', '--verbose'],
    });
    const dashed = startCli(['run', app, '--', '--flag', 'x', '--']);
    expect(await dashed.exited).toBe(0);
    expect(JSON.parse(dashed.stdout())).toEqual({ file: app, args: ['--flag', 'x', '--'] });
  });

  it("runs a streaming application importing 'dstream', printing Spark's batches", async () => {
    const app = join(tmp, 'queue-word-count.ts');
    await writeFile(
      app,
      `import { StreamingContext, Milliseconds, type RDD } from 'dstream';

const ssc = new StreamingContext({ master: 'local[2]', appName: 'Q', batchDuration: Milliseconds(100) });
ssc.setLogLevel('WARN');
const queue: RDD<string>[] = [ssc.sparkContext.parallelize(['a b', 'a'], 2)];
const counts = ssc
  .queueStream(queue)
  .flatMap((line: string) => line.split(' '))
  .map((w) => [w, 1] as const)
  .reduceByKey((a, b) => a + b);
counts.print();
let done = (): void => {};
const firstBatch = new Promise<void>((resolve) => (done = resolve));
counts.foreachRDD(() => done());
await ssc.start();
await firstBatch;
await ssc.stop();
`,
    );
    const cli = startCli(['run', app]);
    expect(await cli.exited).toBe(0);
    const dashes = '-'.repeat(43);
    expect(cli.stdout()).toMatch(
      new RegExp(
        `^${dashes}\\nTime: \\d+ ms\\n${dashes}\\n(\\(a,2\\)\\n\\(b,1\\)|\\(b,1\\)\\n\\(a,2\\))\\n\\n`,
      ),
    );
  });

  it('stops the running context on Ctrl-C and lets the application finish', async () => {
    const app = join(tmp, 'forever.ts');
    await writeFile(
      app,
      `import { StreamingContext, Milliseconds } from 'dstream';

const ssc = new StreamingContext({ master: 'local[2]', appName: 'F', batchDuration: Milliseconds(100) });
ssc.queueStream<number>([]).count().print();
await ssc.start();
await ssc.awaitTermination();
console.log('after awaitTermination: ' + ssc.getState());
`,
    );
    const cli = startCli(['run', app]);
    await cli.waitFor('stdout', /Time: \d+ ms/);
    expect(await interrupt(cli)).toBe(0);
    expect(cli.stdout()).toContain('after awaitTermination: STOPPED');
  });

  it('gives --conf settings to every StreamingContext, under its own conf option', async () => {
    const app = join(tmp, 'conf.ts');
    await writeFile(
      app,
      `import { StreamingContext, Seconds } from 'dstream';

const ssc = new StreamingContext({
  master: 'local[1]',
  appName: 'C',
  batchDuration: Seconds(1),
  conf: { 'spark.streaming.blockInterval': '50ms' },
});
console.log(JSON.stringify(['spark.streaming.receiver.writeAheadLog.enable', 'spark.streaming.blockInterval', 'spark.app.x'].map((k) => ssc.conf.get(k) ?? null)));
`,
    );
    const cli = startCli([
      'run',
      '--conf',
      'spark.streaming.receiver.writeAheadLog.enable=true',
      '--conf',
      'spark.streaming.blockInterval=1s',
      '--conf',
      'spark.app.x=a=b',
      app,
    ]);
    expect(await cli.exited).toBe(0);
    expect(JSON.parse(cli.stdout())).toEqual(['true', '50ms', 'a=b']);
    const bad = startCli(['run', '--conf', 'no-equals-sign', app]);
    expect(await bad.exited).toBe(1);
    expect(bad.stderr()).toContain('expected key=value');
  });

  it('says so when the file does not exist', async () => {
    const cli = startCli(['run', 'no-such-app.ts']);
    expect(await cli.exited).toBe(1);
    expect(cli.stderr()).toContain('dstream run: no such file: no-such-app.ts');
  });

  it('explains that TypeScript apps may use only erasable syntax', async () => {
    const app = join(tmp, 'enum.ts');
    await writeFile(app, 'enum Color { Red }\nconsole.log(Color.Red);\n');
    const cli = startCli(['run', app]);
    expect(await cli.exited).toBe(1);
    expect(cli.stderr()).toContain('use only erasable syntax');
  });

  it('exits with 1 and the error when the application throws', async () => {
    const app = join(tmp, 'throws.ts');
    await writeFile(app, "throw new Error('boom');\n");
    const cli = startCli(['run', app]);
    expect(await cli.exited).toBe(1);
    expect(cli.stderr()).toMatch(/throws\.ts failed\nError: boom/);
  });
});
