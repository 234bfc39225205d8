import type { Service } from 'avsc';
import { Receiver } from '../../../receiver/index.js';
import type { Clock } from '../../../util/clock.js';
import { Logger } from '../../../util/logging.js';
import type { FlumeAddress } from '../flume-utils.js';
import { loadServices } from '../protocols.js';
import { fromWire, type SparkFlumeEvent } from '../spark-flume-event.js';
import { SinkConnection } from './sink-connection.js';

const log = new Logger('FlumePollingReceiver');

export interface PollingSettings {
  readonly maxBatchSize: number;
  readonly parallelism: number;
}

/** How long a fetcher waits after a failed call or an error batch before it tries again. */
const RETRY_DELAY_MS = 1000;
/** How long a stop waits for batches being stored to be acknowledged. */
const STOP_WAIT_MS = 10_000;

/**
 * The receiver of `FlumeUtils.createPollingStream`, as Spark's `FlumePollingReceiver`: one
 * connection per SparkSink, shared by `parallelism` fetchers. A fetcher takes a free connection,
 * asks for a batch of up to `maxBatchSize` events, stores it as one block (in the write-ahead log
 * when it is enabled) and only then acks it, so the sink commits its channel transaction; a batch
 * it could not store is nacked, and the sink rolls it back for another fetch. A batch never
 * acknowledged (the application died) is rolled back by the sink after its `timeout`. A lost
 * connection is opened again a second later, for as long as the receiver runs.
 */
export class FlumePollingReceiver extends Receiver<SparkFlumeEvent> {
  private connections: SinkConnection[] = [];
  /** Connections no fetcher uses, and fetchers waiting for one. */
  private free: SinkConnection[] = [];
  private waiting: ((c: SinkConnection) => void)[] = [];
  /** Batches between their arrival and their ack or nack. */
  private readonly inFlight = new Set<Promise<void>>();
  private run = 0;

  constructor(
    private readonly addresses: readonly FlumeAddress[],
    private readonly settings: PollingSettings,
    private readonly clock: Clock,
  ) {
    super();
  }

  override get preferredLocation(): string | undefined {
    return this.addresses[0]?.host;
  }

  onStart(): void {
    const run = ++this.run;
    loadServices().then(
      ({ sparkFlume }) => {
        if (run === this.run) this.startFetchers(sparkFlume, run);
      },
      (e: unknown) => {
        if (run === this.run) this.stop('Flume polling receiver cannot start', e);
      },
    );
  }

  /** Waits for the batches being stored to be acked, then closes the connections. */
  onStop(): Promise<void> {
    this.run++;
    const connections = this.connections;
    this.connections = [];
    this.free = [];
    this.waiting = [];
    const acked = Promise.allSettled([...this.inFlight]).then(() => undefined);
    return new Promise<void>((resolve) => {
      const done = (): void => {
        timer.cancel();
        for (const c of connections) c.close();
        resolve();
      };
      const timer = this.clock.schedule(this.clock.now() + STOP_WAIT_MS, done);
      void acked.then(done);
    });
  }

  private startFetchers(service: Service, run: number): void {
    this.connections = this.addresses.map((a) => new SinkConnection(a, service));
    this.free = [...this.connections];
    log.info(
      `Starting Flume Polling Receiver worker threads for ${this.connections.join(', ')}: ` +
        `${this.settings.parallelism} fetchers, batches of up to ${this.settings.maxBatchSize}`,
    );
    for (let i = 0; i < this.settings.parallelism; i++) {
      void this.fetchLoop(run).catch((e: unknown) => log.error('Flume fetcher failed', e));
    }
  }

  private async fetchLoop(run: number): Promise<void> {
    while (run === this.run) {
      const connection = await this.take();
      if (run !== this.run) return;
      let failed: boolean;
      try {
        failed = !(await this.fetchOnce(connection, run));
      } catch (e) {
        failed = true;
        if (run === this.run) {
          log.warn(`Error while receiving data from Flume: ${(e as Error).message}`);
        }
      }
      if (failed && run === this.run) await this.sleep(RETRY_DELAY_MS);
      this.give(connection, run);
    }
  }

  /** One batch: fetched, stored, acked. False after an error batch (the caller waits a little). */
  private async fetchOnce(connection: SinkConnection, run: number): Promise<boolean> {
    const batch = await connection.getEventBatch(this.settings.maxBatchSize);
    if (batch.errorMsg !== '') {
      log.warn(
        `Did not receive events from Flume agent due to error on the Flume agent: ${batch.errorMsg}`,
      );
      return false;
    }
    const seq = batch.sequenceNumber;
    if (run !== this.run) {
      // Stopped while the call waited: give the events back at once rather than at the timeout.
      await connection.nack(seq).catch(() => undefined);
      return true;
    }
    const handled = this.storeAndAck(connection, seq, batch.events.map(fromWire));
    this.inFlight.add(handled);
    try {
      await handled;
    } finally {
      this.inFlight.delete(handled);
    }
    return true;
  }

  private async storeAndAck(
    connection: SinkConnection,
    seq: string,
    events: SparkFlumeEvent[],
  ): Promise<void> {
    // An empty batch (the agent stopping) has nothing to store, and is acked all the same.
    if (events.length > 0) {
      try {
        await this.storeReliably(events);
      } catch (e) {
        log.warn(`Error while storing ${events.length} Flume events; sending nack for ${seq}`, e);
        await connection.nack(seq);
        return;
      }
    }
    await connection.ack(seq);
    log.debug(`Sent ack for sequence number: ${seq}`);
  }

  private take(): Promise<SinkConnection> {
    const c = this.free.shift();
    if (c !== undefined) return Promise.resolve(c);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private give(connection: SinkConnection, run: number): void {
    if (run !== this.run) return;
    const next = this.waiting.shift();
    if (next !== undefined) next(connection);
    else this.free.push(connection);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.clock.schedule(this.clock.now() + ms, resolve));
  }
}
