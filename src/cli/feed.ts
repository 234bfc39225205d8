import { createInterface } from 'node:readline';
import { Command } from 'commander';
import { loopingFileLines, PacedFeeder, randomWordLine } from './feeder.js';
import { LineServer } from './line-server.js';
import { note, onInterrupt, parsePort, parsePositive, plural } from './options.js';

export interface FeedOptions {
  port: number;
  host: string;
  rate: number;
  file?: string;
  stdin?: boolean;
}

const STATS_EVERY_MS = 5000;

/** `dstream feed`: a line server standing in for `nc -lk 9999`. */
export function feedCommand(): Command {
  return new Command('feed')
    .summary('serve lines over TCP, as `nc -lk 9999` does for Spark examples')
    .description(
      'Serve lines over TCP to every client that connects (a socketTextStream), as `nc -lk 9999` ' +
        'does in Spark examples. Sends the lines typed on the terminal; with --file, the lines of ' +
        'a file, over and over; when stdin is not a terminal and no file is given, generated ' +
        'lines of 10 words. Progress goes to stderr. Ctrl-C stops.',
    )
    .option('-p, --port <port>', 'port to listen on', parsePort, 9999)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option(
      '-r, --rate <lines>',
      'lines per second, for --file and generated lines',
      parsePositive,
      10,
    )
    .option('-f, --file <path>', 'send the lines of this file, looping')
    .option('--stdin', 'send the lines read from stdin even when it is not a terminal')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  dstream feed                         # type lines, like nc -lk 9999\n' +
        '  dstream feed --rate 100 < /dev/null  # generated words, 100 lines/s\n' +
        '  dstream feed --file access.log       # a log file, looping, 10 lines/s\n' +
        '  tail -f app.log | dstream feed --stdin',
    )
    .action((options: FeedOptions) => feed(options));
}

async function feed(options: FeedOptions): Promise<void> {
  let afterConnect = (): void => {};
  const server = new LineServer({
    onConnect: (remote, n) => {
      note('feed', `${remote} connected (${plural(n, 'client')})`);
      afterConnect();
    },
    onDisconnect: (remote, n) => note('feed', `${remote} disconnected (${plural(n, 'client')})`),
  });
  let port: number;
  try {
    port = await server.listen(options.port, options.host);
  } catch (e) {
    note('feed', listenError(e, options.host, options.port));
    process.exitCode = 1;
    return;
  }

  let counter: { sent: number };
  let stopSource: () => void;
  let what: string;
  if (options.file !== undefined) {
    let next: () => string;
    try {
      next = loopingFileLines(options.file);
    } catch (e) {
      note('feed', e instanceof Error ? e.message : String(e));
      await server.close();
      process.exitCode = 1;
      return;
    }
    const feeder = new PacedFeeder(server, options.rate, next);
    feeder.start();
    [counter, stopSource] = [feeder, () => feeder.stop()];
    what = `the lines of ${options.file}, ${options.rate} lines/s`;
  } else if (options.stdin || process.stdin.isTTY) {
    const typed = forwardStdin(server);
    [counter, stopSource, afterConnect] = [typed, typed.stop, typed.flush];
    what = process.stdin.isTTY ? 'the lines you type' : 'the lines of stdin';
  } else {
    const feeder = new PacedFeeder(server, options.rate, () => randomWordLine());
    feeder.start();
    [counter, stopSource] = [feeder, () => feeder.stop()];
    what = `generated lines of 10 words, ${options.rate} lines/s`;
  }
  note('feed', `listening on ${options.host}:${port}, sending ${what}; Ctrl-C to stop`);

  let reported = 0;
  const stats = setInterval(() => {
    const n = counter.sent - reported;
    if (n === 0) return;
    reported = counter.sent;
    const perSecond = (n * 1000) / STATS_EVERY_MS;
    note(
      'feed',
      `${perSecond.toFixed(1)} lines/s to ${plural(server.clientCount, 'client')} (${counter.sent} lines in all)`,
    );
  }, STATS_EVERY_MS);

  onInterrupt('feed', async () => {
    clearInterval(stats);
    stopSource();
    await server.close();
    note('feed', `stopped after ${plural(counter.sent, 'line')}`);
    process.exit(0);
  });
}

/**
 * Sends each line read from stdin. Lines read while no client is connected wait for the first
 * one (reading pauses meanwhile), so `cat file | dstream feed --stdin` loses nothing.
 */
function forwardStdin(server: LineServer): {
  sent: number;
  stop: () => void;
  flush: () => void;
} {
  const waiting: string[] = [];
  let ended = false;
  const rl = createInterface({ input: process.stdin, terminal: false });
  const state = {
    sent: 0,
    stop: () => rl.close(),
    /** Sends the lines waiting for a client, once there is one. */
    flush: (): void => {
      if (waiting.length === 0 || server.clientCount === 0) return;
      server.send(waiting.join('\n'));
      state.sent += waiting.length;
      waiting.length = 0;
      if (!ended) rl.resume();
    },
  };
  rl.on('line', (line) => {
    waiting.push(line);
    if (server.clientCount > 0) state.flush();
    else rl.pause();
  });
  rl.on('close', () => {
    ended = true;
    note('feed', 'stdin ended; still serving (Ctrl-C to stop)');
  });
  return state;
}

function listenError(e: unknown, host: string, port: number): string {
  const code = (e as { code?: string }).code;
  if (code === 'EADDRINUSE') {
    return `port ${port} on ${host} is already in use (another dstream feed or nc?): choose another with --port`;
  }
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
    return `cannot listen on ${host}: no such local address (try --host 127.0.0.1)`;
  }
  return `cannot listen on ${host}:${port}: ${e instanceof Error ? e.message : String(e)}`;
}
