import { createServer, type Server, type Socket } from 'node:net';
import type { Service } from 'avsc';
import { Receiver } from '../../../receiver/index.js';
import { Logger } from '../../../util/logging.js';
import { packetTransport } from '../netty-frames.js';
import { loadServices, type WireEvent } from '../protocols.js';
import { fromWire, type SparkFlumeEvent } from '../spark-flume-event.js';

const log = new Logger('FlumeReceiver');

type Status = 'OK' | 'FAILED';
type Answer = (error: null, status: Status) => void;

/**
 * The receiver of `FlumeUtils.createStream`, as Spark's `FlumeReceiver`: an Avro source, a server
 * of Flume's `AvroSourceProtocol` on `host:port` that Flume Avro sinks connect to. A call
 * (`appendBatch`, or `append` of one event) is answered only once its events are stored:
 *
 * - with `spark.streaming.receiver.writeAheadLog.enable`, the events of a call are one block,
 *   answered `OK` once the block is in the write-ahead log (`FAILED` if it could not be written:
 *   the sink rolls back its transaction and sends the events again);
 * - without it, each event goes into the current block as Spark's receiver stores them, and the
 *   call is answered at once, or, while the rate limit holds records back, once they drain: the
 *   sink then waits, and Flume's channel holds what the stream cannot take yet.
 *
 * A connection that sends a malformed frame restarts the receiver with an error that says so.
 */
export class FlumeReceiver extends Receiver<SparkFlumeEvent> {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  /** Calls stored and held back by the rate limit, answered in `onDrain`. */
  private held: Answer[] = [];
  private run = 0;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly reliable: boolean,
  ) {
    super();
  }

  override get preferredLocation(): string {
    return this.host;
  }

  onStart(): void {
    const run = ++this.run;
    loadServices().then(
      ({ avroSource }) => {
        if (run === this.run) this.listen(avroSource, run);
      },
      (e: unknown) => {
        if (run === this.run) this.stop('Flume receiver cannot start', e);
      },
    );
  }

  onStop(): Promise<void> {
    this.run++;
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    // Stored but not answered: the sink times out and sends these events again.
    this.held = [];
    if (server === undefined) return Promise.resolve();
    return new Promise<void>((done) => server.close(() => done()));
  }

  override onDrain(): void {
    const held = this.held;
    this.held = [];
    for (const answer of held) answer(null, 'OK');
  }

  private listen(service: Service, run: number): void {
    const avro = service
      .createServer({ silent: true } as Partial<Service.ServerOptions>)
      // onMessage hands over the request record (onAppend would spread its fields).
      .onMessage('append', (request: { event: WireEvent }, answer: Answer) => {
        this.receive([request.event], answer, run);
      })
      .onMessage('appendBatch', (request: { events: WireEvent[] }, answer: Answer) => {
        this.receive(request.events, answer, run);
      });
    const server = createServer((socket) => {
      if (run !== this.run) {
        socket.destroy();
        return;
      }
      // Each answer must leave at once: with Nagle's algorithm on, every one waits for the sink's
      // delayed ACK (~40 ms), which held the verified push path to 2,200 events/s.
      socket.setNoDelay(true);
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', (e) => log.debug(`Flume connection error: ${e.message}`));
      const channel = avro.createChannel(
        packetTransport(socket, true, (error) => {
          if (run === this.run) this.restart(error.message, error);
        }),
        { objectMode: true },
      );
      channel.on('error', (e: unknown) => {
        socket.destroy();
        if (run === this.run) this.restart('Error in a Flume Avro RPC connection', e);
      });
    });
    this.server = server;
    server.on('error', (e) => {
      if (run === this.run)
        this.restart(`Error binding Flume receiver to ${this.host}:${this.port}`, e);
    });
    server.listen(this.port, this.host, () => {
      log.info(`Flume receiver started on ${this.host}:${this.port}`);
    });
  }

  private receive(events: WireEvent[], answer: Answer, run: number): void {
    if (run !== this.run || this.isStopped()) {
      answer(null, 'FAILED');
      return;
    }
    if (this.reliable) {
      const block = new Array<SparkFlumeEvent>(events.length);
      for (let i = 0; i < events.length; i++) block[i] = fromWire(events[i]!);
      this.storeReliably(block).then(
        () => answer(null, 'OK'),
        (e: unknown) => {
          log.warn(`Could not store ${events.length} Flume events; answering FAILED`, e);
          answer(null, 'FAILED');
        },
      );
      return;
    }
    for (let i = 0; i < events.length; i++) this.storeRecord(fromWire(events[i]!));
    if (this.isBackpressured()) this.held.push(answer);
    else answer(null, 'OK');
  }
}
