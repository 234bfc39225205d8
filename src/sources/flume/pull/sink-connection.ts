import { createConnection, type Socket } from 'node:net';
import type { Service } from 'avsc';
import { DStreamError } from '../../../errors.js';
import type { FlumeAddress } from '../flume-utils.js';
import { packetTransport } from '../netty-frames.js';
import type { EventBatch } from '../protocols.js';

interface Open {
  readonly socket: Socket;
  readonly client: Service.Client;
  readonly channel: Service.ClientChannel;
}

/**
 * One connection to a SparkSink, as Spark's `FlumeConnection` (a `NettyTransceiver` and a
 * `SparkFlumeProtocol` client), opened again after it was lost. One call at a time: the SparkSink
 * serves a connection's calls one after another on a shared thread, and a `getEventBatch` waiting
 * for events there holds back an `ack` behind it past the sink's timeout (NOTES.md §3, pitfall 1).
 */
export class SinkConnection {
  private open: Promise<Open> | undefined;

  constructor(
    readonly address: FlumeAddress,
    private readonly service: Service,
  ) {}

  toString(): string {
    return `${this.address.host}:${this.address.port}`;
  }

  /** `getEventBatch(n)`: blocks in the sink until the channel has at least one event. */
  getEventBatch(n: number): Promise<EventBatch> {
    return this.call<EventBatch>('getEventBatch', { n });
  }

  ack(sequenceNumber: string): Promise<void> {
    return this.call<null>('ack', { sequenceNumber }).then(() => undefined);
  }

  nack(sequenceNumber: string): Promise<void> {
    return this.call<null>('nack', { sequenceNumber }).then(() => undefined);
  }

  /** Closes the connection; a call waiting for its answer fails. */
  close(): void {
    const open = this.open;
    this.open = undefined;
    void open?.then(
      (o) => {
        o.channel.destroy(true);
        o.socket.destroy();
      },
      () => undefined,
    );
  }

  private async call<T>(name: string, request: object): Promise<T> {
    const { client } = await (this.open ??= this.connect());
    return new Promise<T>((resolve, reject) => {
      client.emitMessage<T>(name, request, {}, (error, answer) => {
        if (error !== null && error !== undefined) reject(this.callError(name, error));
        else resolve(answer as T);
      });
    });
  }

  private callError(name: string, error: unknown): Error {
    // Gone: the next call connects again.
    this.close();
    const message = error instanceof Error ? error.message : JSON.stringify(error);
    return new DStreamError(
      'DSTREAM_ERR_FLUME_PROTOCOL',
      `SparkFlumeProtocol ${name} to the SparkSink at ${this.toString()} failed: ${message}`,
      { cause: error },
    );
  }

  private connect(): Promise<Open> {
    const opening = new Promise<Open>((resolve, reject) => {
      const socket = createConnection({ host: this.address.host, port: this.address.port });
      // One packet per answer, without Nagle's delay (16 k against 1.1 k events/s at n = 100).
      socket.setNoDelay(true);
      socket.once('error', (e) => {
        reject(
          new DStreamError(
            'DSTREAM_ERR_FLUME_PROTOCOL',
            `Cannot connect to the SparkSink at ${this.toString()} (${e.message}): is the Flume ` +
              'agent running, with the SparkSink on that host and port?',
            { cause: e },
          ),
        );
      });
      socket.once('connect', () => {
        socket.on('error', () => undefined); // 'close' follows and fails what waits
        // No timeout: getEventBatch waits in the sink for as long as the channel is empty.
        const client = this.service.createClient({ buffering: true, timeout: 0 });
        const transport = packetTransport(socket, false, () => undefined);
        const channel = client.createChannel(transport, { objectMode: true });
        // A socket closed under avsc does not fail the calls waiting on it; the channel does.
        socket.on('close', () => {
          channel.destroy(true);
          if (this.open === opening) this.open = undefined;
        });
        resolve({ socket, client, channel });
      });
    });
    opening.catch(() => {
      if (this.open === opening) this.open = undefined;
    });
    return opening;
  }
}
