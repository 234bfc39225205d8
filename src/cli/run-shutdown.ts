import { StreamingContext } from '../index.js';
import { note, stopSignals } from './options.js';

/** The signals an operator stops an application with: Ctrl-C, and `kill`/`docker stop`/systemd. */
const STOP_SIGNALS = { SIGINT: 2, SIGTERM: 15 } as const;
type StopSignal = keyof typeof STOP_SIGNALS;

/** What `dstream run` does on a stop signal, and when the application fails. */
export interface RunShutdown {
  /** The application failed: stops the running context at once, then exits with 1. */
  fail(): Promise<never>;
}

/**
 * Installs dstream's handlers for SIGINT and SIGTERM, each on its own: a signal the application
 * listens to itself is left to the application, the other still stops the running context as
 * Spark's shutdown hook does (gracefully when `spark.streaming.stopGracefullyOnShutdown` is true),
 * then exits once the application's module has finished (`appFinished`), so that the code after
 * its `awaitTermination()` runs. A second signal of either kind exits at once with 128 + its
 * number (130, 143), as a shell reports a process killed by it, so a stop that hangs can always
 * be cut short.
 */
export function installShutdown(appFinished: Promise<void>): RunShutdown {
  let stopping = false;
  const seen = stopSignals();
  const onSignal = (signal: StopSignal): void => {
    const code = 128 + STOP_SIGNALS[signal];
    // A copy of the first signal (npm forwards the terminal's Ctrl-C) is not a second one.
    if (stopping && seen(signal) === 'copy') return;
    if (stopping) {
      note('run', `${signal} again: exiting without waiting`);
      process.exit(code);
    }
    // Ours is one listener: any other is the application's, which then decides how to stop.
    if (process.listenerCount(signal) > 1) return;
    stopping = true;
    seen(signal);
    const ssc = StreamingContext.getActive();
    if (!ssc) {
      // Nothing to stop yet (a start still joining its Kafka group counts as not started).
      note('run', `${signal} before the streaming context started: exiting`);
      process.exit(code);
    }
    const graceful = ssc.conf.getBoolean('spark.streaming.stopGracefullyOnShutdown', false);
    note(
      'run',
      `${signal}: stopping the streaming context${graceful ? ' gracefully' : ''} ` +
        '(send it again to exit at once)',
    );
    void ssc
      .stop({ stopGracefully: graceful })
      .then(() => appFinished)
      .then(
        () => process.exit(process.exitCode ?? 0),
        (e: unknown) => {
          process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
          process.exit(1);
        },
      );
  };
  for (const signal of Object.keys(STOP_SIGNALS) as StopSignal[]) {
    process.on(signal, () => onSignal(signal));
  }
  return {
    async fail() {
      // As spark-submit's driver exits when main throws: a failed application must not leave its
      // streams printing batches. Not graceful: what is left was received by a failed application.
      if (!stopping) {
        stopping = true;
        await StreamingContext.getActive()
          ?.stop({ stopGracefully: false })
          .catch(() => undefined);
      }
      process.exit(1);
    },
  };
}
