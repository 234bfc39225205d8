import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { DStreamError } from '../errors.js';
import { SparkContext } from '../rdd/index.js';
import { systemClock, type Clock } from '../util/clock.js';
import type { Duration } from '../util/duration.js';
import { Logger } from '../util/logging.js';
import {
  checkBatchDuration,
  type StopOptions,
  type StreamingContextOptions,
  type StreamingContextState,
} from './context-options.js';
import { isDriver } from '../util/role.js';
import { applicationSettings } from '../util/submitted-conf.js';
import { Time } from '../util/time.js';
import * as activation from './active-context.js';
import { getOrCreate, type GetOrCreateOptions, type StartPlan } from './checkpoint/recovery.js';
import { StreamingConf } from './conf.js';
import { DStreamGraph } from './dstream-graph.js';
import type { InputStream, OutputStream } from './graph-stream.js';
import { InputInfoTracker } from './input-info-tracker.js';
import type { JobGenerator } from './job-generator.js';
import type { JobScheduler } from './job-scheduler.js';
import { createScheduling } from './scheduling.js';
import { StreamingListenerBus, type StreamingListener } from './listener-bus.js';
import { shutDown } from './shutdown.js';
import { Termination } from './termination.js';
import { ContextServices } from './context-services.js';
import { StreamRegistry } from './stream-registry.js';
import { contextTaskRunner, serveGraphInTaskThread } from './parallel-execution.js';

const log = new Logger('StreamingContext');

export type {
  StopOptions,
  StreamingContextOptions,
  StreamingContextState,
} from './context-options.js';

/**
 * The entry point of a streaming application, as Spark's `StreamingContext`: it cuts input into
 * batches every `batchDuration`, and on each batch runs the output operations declared on its
 * streams. Declare inputs, transformations and outputs, then `await ssc.start()`.
 *
 * @example
 * ```ts
 * import { StreamingContext, Seconds } from 'dstream';
 * const ssc = new StreamingContext({ master: 'local[2]', appName: 'Words', batchDuration: Seconds(5) });
 * ssc.socketTextStream('localhost', 9999).flatMap((l) => l.split(' ')).countByValue().print();
 * await ssc.start();
 * await ssc.awaitTermination();
 * ```
 */
export class StreamingContext {
  /** The RDD context under the streams: `parallelize`, `textFile`, `fromAsync`... */
  readonly sparkContext: SparkContext;
  /** The settings given at creation (`spark.*` keys), read-only. */
  readonly conf: StreamingConf;
  // What follows is the engine's: marked @internal, it is left out of the published types (as
  // Spark keeps it private[streaming]). Sources and sinks need none of it (docs/extending.md).
  /** @internal */
  readonly graph: DStreamGraph;
  /** @internal */
  readonly clock: Clock;
  /** @internal */
  readonly listenerBus = new StreamingListenerBus();
  /** @internal */
  readonly inputInfoTracker = new InputInfoTracker();
  /** @internal */
  readonly scheduler: JobScheduler;
  /** @internal */
  readonly generator: JobGenerator;
  private state: StreamingContextState = 'INITIALIZED';
  private checkpointDirectory: string | undefined;
  private readonly streams: StreamRegistry;
  private readonly termination: Termination;
  private startedAt: string | undefined;
  private starting: Promise<void> | undefined;
  /** The UI, task threads and inputs started with the context. */
  private readonly services: ContextServices;
  /**
   * Called at start, before the inputs start and the timer runs: recovery from a checkpoint plugs
   * in here, and returns the batches to run before the timer resumes (or only the time at which
   * the timer resumes).
   * @internal
   */
  readonly startHooks: ((ssc: StreamingContext) => Promise<StartPlan | Time | undefined>)[] = [];

  constructor(options: StreamingContextOptions) {
    const batch = checkBatchDuration(options.batchDuration);
    // What the code leaves unset, `dstream run --master/--name/--conf` gives (Spark's precedence).
    const { master, appName, conf } = applicationSettings(options);
    this.graph = new DStreamGraph(batch);
    const { runner, workers } = contextTaskRunner(master, conf, options.taskRunner, this.graph);
    this.sparkContext = new SparkContext({ master, appName, conf, taskRunner: runner });
    this.conf = new StreamingConf(this.sparkContext.conf);
    this.clock = options.clock ?? systemClock;
    this.termination = new Termination(this.clock);
    this.streams = new StreamRegistry(this.graph, this.conf, batch, (l) =>
      this.addStreamingListener(l),
    );
    this.services = new ContextServices(this, this.graph, workers);
    ({ scheduler: this.scheduler, generator: this.generator } = createScheduling({
      clock: this.clock,
      conf: this.conf,
      graph: this.graph,
      bus: this.listenerBus,
      inputInfo: this.inputInfoTracker,
      runner,
      onError: (e) => this.reportError(e),
    }));
    const dir = this.conf.get('spark.streaming.checkpoint.directory');
    if (dir) this.checkpoint(dir);
  }

  /** The web UI's address while the context runs with it on, as Spark's `sc.uiWebUrl`. */
  get uiWebUrl(): string | undefined {
    return this.services.uiUrl;
  }

  /** The batch interval the context was created with. */
  get batchDuration(): Duration {
    return this.graph.batchDuration;
  }

  /** The checkpoint directory set with `checkpoint(dir)`, if any. */
  get checkpointDir(): string | undefined {
    return this.checkpointDirectory;
  }

  /**
   * `INITIALIZED` before `start()`, `ACTIVE` while running, `STOPPED` after `stop()` (or a failed start), as Spark's `getState()`.
   */
  getState(): StreamingContextState {
    return this.state;
  }

  /**
   * Sets the level of dstream's log (`ALL`, `DEBUG`, `INFO`, `WARN`, `ERROR`, `OFF`...), as Spark's `setLogLevel`: `ssc.setLogLevel('WARN')` keeps only warnings and errors.
   */
  setLogLevel(level: string): void {
    this.sparkContext.setLogLevel(level);
  }

  /** Sets (and creates) the directory for metadata checkpoints and state snapshots. */
  checkpoint(directory: string | null): void {
    if (directory === null) {
      this.checkpointDirectory = undefined;
      return;
    }
    mkdirSync(directory, { recursive: true });
    this.checkpointDirectory = resolve(directory);
  }

  /** Keeps every stream's RDDs at least `duration`, so they can be queried after their batch. */
  remember(duration: Duration): void {
    this.graph.remember(duration);
  }

  /**
   * Registers a listener for the context's events (batches, output operations, receivers), as Spark's `addStreamingListener`.
   */
  addStreamingListener(listener: StreamingListener): void {
    this.listenerBus.addListener(listener);
  }

  /** Unregisters a listener added with `addStreamingListener`. */
  removeStreamingListener(listener: StreamingListener): void {
    this.listenerBus.removeListener(listener);
  }

  /** Starts generating batches. Rejects (and stops the context) if the graph is not valid. */
  start(): Promise<void> {
    // A start still in progress counts as started: its inputs and timer must start only once.
    if (this.state === 'ACTIVE' || this.starting) {
      log.warn('StreamingContext has already been started');
      return this.starting ?? Promise.resolve();
    }
    this.starting = this.startOnce().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async startOnce(): Promise<void> {
    if (this.state === 'STOPPED') {
      throw new DStreamError(
        'DSTREAM_ERR_ALREADY_STOPPED',
        'StreamingContext has already been stopped',
      );
    }
    if (!isDriver()) {
      // A task thread loaded the application: serve tasks on this graph, never generate batches.
      // Never resolving keeps what the application does after `await ssc.start()` on the driver.
      serveGraphInTaskThread(this.graph, this.sparkContext);
      this.state = 'ACTIVE';
      return new Promise<void>(() => undefined);
    }
    activation.claimActivation(this, () => activation.activeOrStarting()?.startedAt);
    try {
      const beginBatches = await this.services.start(this.checkpointDirectory, (e) => {
        log.error('Error starting the context, marking it as stopped', e);
        this.state = 'STOPPED';
      });
      this.state = 'ACTIVE';
      activation.markActive(this);
      this.startedAt = '\n' + (new Error().stack?.split('\n').slice(2).join('\n') ?? '');
      beginBatches();
    } finally {
      activation.endActivation(this);
    }
    this.listenerBus.post({ type: 'onStreamingStarted', event: { time: this.clock.now() } });
    log.info('StreamingContext started');
  }

  /**
   * Waits until the context stops (resolves `true`) or `timeoutMs` passes (resolves `false`).
   * Rejects with the first batch failure, as soon as it happens.
   */
  awaitTermination(timeoutMs?: number): Promise<boolean> {
    // In a task thread the application must not go on to stop anything: the driver decides.
    if (!isDriver()) return new Promise<boolean>(() => undefined);
    return this.termination.wait(this.state === 'STOPPED', timeoutMs);
  }

  /**
   * Waits at most `timeoutMs` milliseconds for the context to stop, as Spark's
   * `awaitTerminationOrTimeout`: resolves `true` once it has stopped, `false` when the time passes
   * first (a negative timeout waits for ever), and rejects with the first batch failure, as
   * {@link awaitTermination} does (at once when one has already happened). The time is the
   * context's clock: a `ManualClock` makes it pass in tests.
   *
   * @example
   * ```ts
   * import { existsSync } from 'node:fs';
   * // Spark's loop that stops on a marker file, checking every 10 s.
   * while (!(await ssc.awaitTerminationOrTimeout(10_000))) {
   *   if (existsSync('/tmp/stop-orders')) await ssc.stop({ stopGracefully: true });
   * }
   * ```
   */
  awaitTerminationOrTimeout(timeoutMs: number): Promise<boolean> {
    if (!isDriver()) return new Promise<boolean>(() => undefined);
    return this.termination.wait(this.state === 'STOPPED', timeoutMs < 0 ? undefined : timeoutMs);
  }

  /**
   * Stops generating batches and stops the inputs. With `stopGracefully`, first waits until all
   * received data has been processed (bounded by `spark.streaming.gracefulStopTimeout`).
   */
  async stop(options: StopOptions = {}): Promise<void> {
    if (!isDriver()) return; // task threads live and end with the driver's context
    if (this.listenerBus.isDelivering) {
      throw new DStreamError(
        'DSTREAM_ERR_STOP_IN_LISTENER',
        'Cannot stop StreamingContext within listener bus thread.',
      );
    }
    const stopSparkContext =
      options.stopSparkContext ??
      this.conf.getBoolean('spark.streaming.stopSparkContextByDefault', true);
    if (this.state === 'INITIALIZED') {
      log.warn('StreamingContext has not been started yet');
      this.state = 'STOPPED';
    } else if (this.state === 'STOPPED') {
      log.warn('StreamingContext has already been stopped');
    } else {
      this.state = 'STOPPED';
      await shutDown(this, options.stopGracefully ?? false);
      activation.markStopped(this);
      log.info('StreamingContext stopped successfully');
    }
    this.listenerBus.drain();
    await this.services.stopUi();
    if (stopSparkContext) await this.sparkContext.stop();
    this.termination.stopped();
  }

  /**
   * Records a batch failure; `awaitTermination` rejects with the first one.
   * @internal
   */
  reportError(error: DStreamError): void {
    this.termination.fail(error);
  }

  /** The first batch failure, if any. */
  get error(): DStreamError | undefined {
    return this.termination.error;
  }

  // ------------------------------------------------- for the streams of this context

  /**
   * Throws Spark's error when a stream is declared on a started or stopped context.
   * @internal
   */
  assertCanAddStreams(): void {
    activation.checkCanAddStreams(this.state);
  }

  /** @internal */
  newStreamId(): number {
    return this.streams.newStreamId();
  }

  /** @internal */
  registerInputStream(stream: InputStream): number {
    return this.streams.registerInput(stream);
  }

  /** @internal */
  registerOutputStream(stream: OutputStream): void {
    this.streams.registerOutput(stream);
  }

  /**
   * The context started and not stopped in this process, if any, as Spark's
   * `StreamingContext.getActive()` (`undefined` where Spark returns `None`).
   */
  static getActive(): StreamingContext | undefined {
    return activation.activeContext();
  }

  /**
   * The active context, or a new one from `creatingFunc` when there is none, as Spark's
   * `StreamingContext.getActiveOrCreate`. Only one context may be active in a process (a second
   * `start()` fails with `DSTREAM_ERR_ANOTHER_CONTEXT_ACTIVE`), so code that may run while one is
   * active (a notebook cell run again, a test) reuses it instead of making one it cannot start.
   * A context whose `start()` is still in progress counts as active: Spark's `start()` holds the
   * lock that `getActiveOrCreate` takes until the context is active.
   *
   * With a checkpoint directory first, a context with no active one is recovered or created by
   * {@link getOrCreate} (same `options`, such as `createOnError`).
   *
   * @example
   * ```ts
   * import { Seconds, StreamingContext } from 'dstream';
   * const ssc = StreamingContext.getActiveOrCreate(() => {
   *   const ssc = new StreamingContext({ master: 'local[2]', appName: 'Words', batchDuration: Seconds(1) });
   *   ssc.socketTextStream('localhost', 9999).count().print();
   *   return ssc;
   * });
   * if (ssc.getState() === 'INITIALIZED') await ssc.start();
   * ```
   */
  static getActiveOrCreate(creatingFunc: () => StreamingContext): StreamingContext;
  static getActiveOrCreate(
    checkpointPath: string,
    creatingFunc: () => StreamingContext,
    options?: GetOrCreateOptions,
  ): StreamingContext;
  static getActiveOrCreate(
    pathOrFunc: string | (() => StreamingContext),
    creatingFunc?: () => StreamingContext,
    options?: GetOrCreateOptions,
  ): StreamingContext {
    return activation.activeOrCreate(pathOrFunc, creatingFunc, options);
  }

  /**
   * Recovers an application from the checkpoint in `checkpointDir`, or creates it with `createFn`
   * when there is none, as Spark's `StreamingContext.getOrCreate`.
   *
   * Unlike Spark, `createFn` is called in both cases: functions cannot be deserialised in Node, so
   * the application declares its graph again; the checkpoint then supplies what is data — the zero
   * time, the batches to run again, each input's position (the file stream's files per batch) and
   * each stateful operator's state, matched by state key (`.name(...)`, or derived from the graph).
   * So a new version of the application can recover the state of the old one. `start()` restores
   * all this, runs the batches pending or due while it was down, then resumes the timer. Throws
   * `DSTREAM_ERR_CHECKPOINT_READ` (Spark's `Failed to read checkpoint from directory ...`) when
   * checkpoint files exist but none can be read, and `DSTREAM_ERR_STATE_ORPHANED` or
   * `DSTREAM_ERR_STATE_UNREADABLE` naming a stateful operator whose state cannot be recovered
   * (`options.startEmpty` starts it empty); `DSTREAM_ERR_STATE_MISMATCH` fails the first batch
   * when the code stores states of another shape than the restored ones (`options.migrate`).
   *
   * @example
   * ```ts
   * import { Seconds, StreamingContext } from 'dstream';
   * const parse = (line: string) => [line.split(',')[0]!, Number(line.split(',')[1])] as const;
   * const sum = (amounts: number[], total: number | undefined) =>
   *   amounts.reduce((a, b) => a + b, total ?? 0);
   * const ssc = StreamingContext.getOrCreate('/var/lib/orders', () => {
   *   const ssc = new StreamingContext({ master: 'local[2]', appName: 'Orders', batchDuration: Seconds(5) });
   *   ssc.checkpoint('/var/lib/orders');
   *   ssc.textFileStream('/data/orders').map(parse).updateStateByKey(sum).name('province-totals').print();
   *   return ssc;
   * });
   * await ssc.start();
   * ```
   */
  static getOrCreate(
    checkpointDir: string,
    createFn: () => StreamingContext,
    options?: GetOrCreateOptions,
  ): StreamingContext {
    return getOrCreate(checkpointDir, createFn, options);
  }
}
