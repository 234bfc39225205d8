import { hostname } from 'node:os';
import { inspect } from 'node:util';
import type { ReceiverInfo } from '../streaming/listener-bus.js';
import type { StreamingContext } from '../streaming/streaming-context.js';
import type { Cancellable } from '../util/clock.js';
import { Milliseconds } from '../util/duration.js';
import { Logger } from '../util/logging.js';
import { BlockGenerator, cannotAddData, type ReceivedBlock } from './block-generator.js';
import { RateLimiter } from './rate-limiter.js';
import type { Receiver, ReceiverHost } from './receiver.js';

const log = new Logger('ReceiverSupervisorImpl');
const trackerLog = new Logger('ReceiverTracker');

type ReceiverState = 'Initialized' | 'Started' | 'Stopped';

/** The message a supervisor stops its receiver with when the context stops. */
export const STOPPED_BY_DRIVER = 'Stopped by driver';

/**
 * Runs one receiver, as Spark's `ReceiverSupervisor` together with the driver's `ReceiverTracker`
 * (receivers run in the driver's process here): starts and stops it, restarts it after the restart
 * delay, cuts its single-record stores into blocks with a {@link BlockGenerator}, hands every
 * block to `onBlock`, and posts `onReceiverStarted`/`Error`/`Stopped` to the context's listeners.
 */
export class ReceiverSupervisor<T> implements ReceiverHost<T> {
  private receiverState: ReceiverState = 'Initialized';
  private stopped = false;
  private restartPending = false;
  private restartTimer: Cancellable | undefined;
  /** The work of the receiver's `onStop()` calls that may still run. */
  private stopping: Promise<void> = Promise.resolve();
  private readonly blockGenerator: BlockGenerator<T>;
  private readonly defaultRestartDelay: number;
  private nextBlockNumber: number;
  private readonly location = hostname();

  constructor(
    private readonly receiver: Receiver<T>,
    private readonly ssc: StreamingContext,
    readonly streamId: number,
    private readonly onBlock: (block: ReceivedBlock<T>) => void,
    /** Stores a block and resolves once it is stored (in the write-ahead log, when enabled). */
    private readonly onReliableBlock: (block: ReceivedBlock<T>) => Promise<void> = (block) => {
      onBlock(block);
      return Promise.resolve();
    },
  ) {
    const conf = ssc.conf;
    const blockInterval = conf.getDuration('spark.streaming.blockInterval', Milliseconds(200));
    this.blockGenerator = new BlockGenerator<T>(
      ssc.clock,
      blockInterval.milliseconds,
      streamId,
      new RateLimiter(conf),
      onBlock,
      () => this.drained(),
    );
    this.defaultRestartDelay = conf.getNumber('spark.streaming.receiverRestartDelay', 2000);
    this.nextBlockNumber = ssc.clock.now();
  }

  /** `<ReceiverClass>-<streamId>`, as Spark names receivers. */
  get receiverName(): string {
    return `${this.receiver.constructor.name}-${this.streamId}`;
  }

  /** Starts the block generator, then the receiver. */
  start(): void {
    this.receiver.attachHost(this, this.streamId);
    this.blockGenerator.start();
    this.startReceiver();
  }

  /**
   * Stops the receiver and the block generator for good; records still buffered become a last
   * block. Also cancels a restart that is waiting for its delay.
   */
  stop(message: string, error?: unknown): void {
    if (this.stopped) return;
    this.stopped = true;
    this.restartTimer?.cancel();
    this.restartTimer = undefined;
    this.stopReceiver(message, error);
    this.blockGenerator.stop();
    if (error === undefined) log.info('Stopped receiver without error');
    else log.info(`Stopped receiver with error: ${describe(error)}`);
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /** Settles when the work the receiver's `onStop()` returned has finished (never rejects). */
  whenStopped(): Promise<void> {
    return this.stopping;
  }

  /** Records stored one by one that are not in a block yet. */
  get bufferedRecords(): number {
    return this.blockGenerator.bufferedRecords;
  }

  /** Cuts the block of an interval that ended by `now` if its tick has not run yet. */
  generateDueBlock(now: number): void {
    this.blockGenerator.generateDueBlock(now);
  }

  /** The hook backpressure uses: a new records-per-second limit for single-record stores. */
  updateRateLimit(recordsPerSecond: number): void {
    this.blockGenerator.updateRate(recordsPerSecond);
  }

  getCurrentRateLimit(): number {
    return this.blockGenerator.getCurrentLimit();
  }

  // ------------------------------------------------------------- ReceiverHost

  pushSingle(item: T): void {
    this.blockGenerator.addData(item);
  }

  isBackpressured(): boolean {
    return this.blockGenerator.isBackpressured();
  }

  pushBlock(items: T[]): void {
    if (!this.blockGenerator.isActive) throw cannotAddData();
    this.onBlock({ blockId: `input-${this.streamId}-${this.nextBlockNumber++}`, records: items });
  }

  pushBlockReliably(items: T[]): Promise<void> {
    if (!this.blockGenerator.isActive) return Promise.reject(cannotAddData());
    return this.onReliableBlock({
      blockId: `input-${this.streamId}-${this.nextBlockNumber++}`,
      records: items,
    });
  }

  restartReceiver(message: string, error: unknown, delayMs: number | undefined): void {
    if (this.stopped || this.restartPending) return;
    this.restartPending = true;
    const delay = delayMs ?? this.defaultRestartDelay;
    // Asynchronous as in Spark: a receiver may call restart() from inside onStart().
    queueMicrotask(() => {
      if (this.stopped) return;
      log.warn(`Restarting receiver with delay ${delay} ms: ${message}`, error);
      this.stopReceiver(`Restarting receiver with delay ${delay}ms: ${message}`, error);
      log.debug(`Sleeping for ${delay}`);
      this.startAgainAfter(delay);
    });
  }

  private startAgainAfter(delay: number): void {
    const clock = this.ssc.clock;
    this.restartTimer = clock.schedule(clock.now() + delay, () => {
      this.restartTimer = undefined;
      this.restartPending = false;
      if (this.stopped) return;
      log.info('Starting receiver again');
      this.startReceiver();
      log.info('Receiver started again');
    });
  }

  reportError(message: string, error: unknown): void {
    const errorText = describe(error);
    this.post('onReceiverError', {
      active: this.receiverState === 'Started',
      lastErrorMessage: message,
      lastError: errorText,
      lastErrorTime: this.ssc.clock.now(),
    });
    trackerLog.warn(
      `Error reported by receiver for stream ${this.streamId}: ${withError(message, errorText)}`,
    );
  }

  isReceiverStarted(): boolean {
    return this.receiverState === 'Started';
  }

  isReceiverStopped(): boolean {
    return this.receiverState === 'Stopped';
  }

  // ------------------------------------------------------------- life cycle

  private drained(): void {
    if (this.receiverState !== 'Started') return;
    try {
      this.receiver.onDrain();
    } catch (e) {
      log.error(`Error in onDrain of receiver ${this.streamId}`, e);
    }
  }

  private startReceiver(): void {
    try {
      this.post('onReceiverStarted', {
        active: true,
        lastErrorMessage: '',
        lastError: '',
        lastErrorTime: -1,
      });
      trackerLog.info(`Registered receiver for stream ${this.streamId}`);
      log.info(`Starting receiver ${this.streamId}`);
      this.receiverState = 'Started';
      this.receiver.onStart();
      log.info(`Called receiver ${this.streamId} onStart`);
    } catch (e) {
      this.stopReceiver(`Error starting receiver ${this.streamId}`, e);
      // Spark's tracker launches a receiver whose job ended again while the context runs; here
      // after the restart delay, so that one failing at every start retries at that pace.
      if (this.stopped || this.restartPending) return;
      trackerLog.warn(
        `Receiver has been stopped. Try to restart it in ${this.defaultRestartDelay} ms.`,
      );
      this.restartPending = true;
      this.startAgainAfter(this.defaultRestartDelay);
    }
  }

  private stopReceiver(message: string, error: unknown): void {
    log.info(
      `Stopping receiver with message: ${message}: ${error === undefined ? '' : describe(error)}`,
    );
    switch (this.receiverState) {
      case 'Initialized':
        log.warn('Skip stopping receiver because it has not yet stared');
        return;
      case 'Stopped':
        log.warn('Receiver has been stopped');
        return;
      case 'Started':
        break;
    }
    this.receiverState = 'Stopped';
    try {
      const stopping = this.receiver.onStop();
      if (stopping instanceof Promise) {
        const before = this.stopping;
        this.stopping = Promise.all([
          before,
          stopping.catch((e: unknown) => {
            log.error(`Error stopping receiver ${this.streamId}`, e);
          }),
        ]).then(() => undefined);
      }
      log.info('Called receiver onStop');
    } catch (e) {
      log.error(`Error stopping receiver ${this.streamId}`, e);
    }
    const errorText = error === undefined ? '' : describe(error);
    this.post('onReceiverStopped', {
      active: false,
      lastErrorMessage: message,
      lastError: errorText,
      lastErrorTime: errorText === '' ? -1 : this.ssc.clock.now(),
    });
    const line = `Deregistered receiver for stream ${this.streamId}: ${withError(message, errorText)}`;
    // Spark logs every deregistration as an error; a plain stop of the context is not one.
    if (message === STOPPED_BY_DRIVER && errorText === '') trackerLog.info(line);
    else trackerLog.error(line);
  }

  private post(
    type: 'onReceiverStarted' | 'onReceiverError' | 'onReceiverStopped',
    info: Pick<ReceiverInfo, 'active' | 'lastErrorMessage' | 'lastError' | 'lastErrorTime'>,
  ): void {
    const receiverInfo: ReceiverInfo = Object.freeze({
      streamId: this.streamId,
      name: this.receiverName,
      location: this.location,
      executorId: 'driver',
      ...info,
    });
    this.ssc.listenerBus.post({ type, event: { receiverInfo } });
  }
}

function describe(error: unknown): string {
  if (error === undefined || error === null) return '';
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return typeof error === 'string' ? error : inspect(error);
}

function withError(message: string, error: string): string {
  return error === '' ? message : `${message} - ${error}`;
}
