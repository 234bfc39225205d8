import { Command } from 'commander';
import { Milliseconds, StreamingContext, type DStream } from '../index.js';
import { PacedFeeder, randomWordLine } from './feeder.js';
import { LineServer } from './line-server.js';
import { note, onInterrupt, parsePort, parsePositive } from './options.js';

export interface DemoOptions {
  port: number;
  rate: number;
  batch: number;
}

/** `dstream demo`: Spark's NetworkWordCount with its own line feed. */
export function demoCommand(): Command {
  return new Command('demo')
    .summary('a live word count: NetworkWordCount with a built-in feed')
    .description(
      "Run Spark's NetworkWordCount (the quick start) with a built-in feed in place of " +
        '`nc -lk 9999`: generated lines of words are served on 127.0.0.1:<port> (another free ' +
        'port when it is taken), read by socketTextStream, and the word counts of each batch ' +
        'are printed as Spark prints them. Ctrl-C stops gracefully.',
    )
    .option('-p, --port <port>', 'port of the built-in feed (0: any free port)', parsePort, 9999)
    .option('-r, --rate <lines>', 'lines per second the feed sends', parsePositive, 10)
    .option('-b, --batch <seconds>', 'batch interval in seconds', parsePositive, 5)
    .action((options: DemoOptions) => demo(options));
}

/**
 * The quick start's word count: split lines on whitespace, drop empty words, count each word per
 * batch.
 */
export function wordCounts(lines: DStream<string>): DStream<readonly [string, number]> {
  return lines
    .flatMap((line) => line.split(/\s+/).filter((word) => word.length > 0))
    .map((word) => [word, 1] as const)
    .reduceByKey((a, b) => a + b);
}

async function demo(options: DemoOptions): Promise<void> {
  // Ctrl-C may come at any point, even while the feed or the context is still starting: stop
  // whatever has started by then.
  const now: {
    feed?: { server: LineServer; feeder: PacedFeeder };
    ssc?: StreamingContext;
    started?: Promise<void>;
    interrupted?: boolean;
  } = {};
  onInterrupt('demo', async () => {
    now.interrupted = true;
    note('demo', 'stopping: finishing the batch in progress (Ctrl-C again to exit at once)');
    now.feed?.feeder.stop();
    await now.started?.catch(() => undefined);
    await now.ssc?.stop({ stopGracefully: true });
    await now.feed?.server.close();
    note('demo', `stopped after feeding ${now.feed?.feeder.sent ?? 0} lines`);
    process.exit(0);
  });

  const host = '127.0.0.1';
  const { server, port } = await listenNear(options.port, host);
  const feeder = new PacedFeeder(server, options.rate, () => randomWordLine());
  feeder.start();
  now.feed = { server, feeder };

  const ssc = new StreamingContext({
    master: 'local[3]',
    appName: 'NetworkWordCount',
    batchDuration: Milliseconds(Math.round(options.batch * 1000)),
  });
  now.ssc = ssc;
  ssc.setLogLevel('WARN');
  wordCounts(ssc.socketTextStream(host, port)).print(10);

  note(
    'demo',
    `feeding ${options.rate} lines/s of words on ${host}:${port}; ` +
      `word counts every ${options.batch} s; Ctrl-C to stop`,
  );
  if (now.interrupted) return;
  now.started = ssc.start();
  try {
    await now.started;
    await ssc.awaitTermination();
  } catch (e) {
    feeder.stop();
    await server.close();
    throw e;
  }
}

/** Listens on `port`, or on any free port when it is taken (another demo, an `nc`...). */
async function listenNear(
  port: number,
  host: string,
): Promise<{ server: LineServer; port: number }> {
  const server = new LineServer();
  try {
    return { server, port: await server.listen(port, host) };
  } catch (e) {
    if ((e as { code?: string }).code !== 'EADDRINUSE') throw e;
    const fallback = new LineServer();
    const bound = await fallback.listen(0, host);
    note('demo', `port ${port} is in use: feeding on port ${bound} instead`);
    return { server: fallback, port: bound };
  }
}
