import { DStreamError } from '../errors.js';
import type { Clock } from '../util/clock.js';
import type { Duration } from '../util/duration.js';
import type { StreamingConf } from './conf.js';
import type { StreamingListener } from './listener-bus.js';
import type { StreamingContext } from './streaming-context.js';

/** An input stream as the UI lists it (Spark's `getInputStreamNameAndID`). */
export interface UiInputStream {
  /** The input stream's id. */
  readonly streamId: number;
  /** Its name, such as `SocketInputDStream` (Spark's `name` of an input stream). */
  readonly name: string;
  /** Whether a receiver feeds it (the UI lists its receiver). */
  readonly receiverBased: boolean;
}

/**
 * All the web UI may see of a context: its settings, its input streams, and listener events. It
 * learns everything else from events, as Spark's streaming tab does.
 */
export interface StreamingUiHost {
  /** The application's name, shown as the page's title. */
  readonly appName: string;
  /** `local[2]`: the UI lists it with the settings, as Spark's `spark.master`. */
  readonly master: string;
  /** The context's settings (the UI reads `spark.ui.*` and lists them all). */
  readonly conf: StreamingConf;
  /**
   * The context's clock: the times of listener events come from it, so the page measures "running
   * for" on it too (a manual clock in tests, the system clock otherwise).
   */
  readonly clock: Clock;
  /** The batch interval. */
  readonly batchDuration: Duration;
  /** The context's input streams. */
  readonly inputStreams: readonly UiInputStream[];
  /** Registers the UI's listener. */
  addStreamingListener(listener: StreamingListener): void;
  /** Unregisters it when the UI stops. */
  removeStreamingListener(listener: StreamingListener): void;
}

/** A running web UI: where it listens, and how it stops. */
export interface StreamingUi {
  /** `http://127.0.0.1:4040`. */
  readonly url: string;
  /** Stops serving and closes the server's connections. */
  stop(): Promise<void>;
}

/** What the `dstream/ui` module gives the context. */
export interface StreamingUiModule {
  startStreamingUI(host: StreamingUiHost): Promise<StreamingUi>;
}

/**
 * The module specifier of the UI. The streaming layer sits below the UI and must not import it
 * (docs/architecture.md, "The web UI"): the context loads it by its public name when enabled, the
 * same module a user imports, so a context with the UI off never loads node:http or prom-client.
 */
const UI_MODULE: string = 'dstream/ui';

/**
 * Starts the web UI unless `spark.ui.enabled` is `false` (Spark's default is on), and prints its
 * address once, as Spark logs where its UI started.
 */
export async function startUiIfEnabled(ssc: StreamingContext): Promise<StreamingUi | undefined> {
  if (!ssc.conf.getBoolean('spark.ui.enabled', true)) return undefined;
  let ui: StreamingUiModule;
  try {
    ui = (await import(UI_MODULE)) as StreamingUiModule;
  } catch (e) {
    throw new DStreamError(
      'DSTREAM_ERR_UI',
      `Could not load the web UI (${UI_MODULE}). Set spark.ui.enabled=false to run without it.`,
      { cause: e },
    );
  }
  const started = await ui.startStreamingUI(hostOf(ssc));
  process.stderr.write(`Streaming UI at ${started.url}\n`);
  return started;
}

function hostOf(ssc: StreamingContext): StreamingUiHost {
  return {
    appName: ssc.sparkContext.appName,
    master: ssc.sparkContext.master,
    clock: ssc.clock,
    conf: ssc.conf,
    batchDuration: ssc.batchDuration,
    inputStreams: ssc.graph.inputStreams.map((s) => ({
      streamId: s.inputStreamId,
      name: s.displayName,
      receiverBased: s.receiverBased ?? false,
    })),
    addStreamingListener: (l) => ssc.addStreamingListener(l),
    removeStreamingListener: (l) => ssc.removeStreamingListener(l),
  };
}
