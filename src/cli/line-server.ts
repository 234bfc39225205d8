import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';

export interface LineServerEvents {
  /** A client connected; `clients` counts it. */
  onConnect?(remote: string, clients: number): void;
  /** A client went away; `clients` no longer counts it. */
  onDisconnect?(remote: string, clients: number): void;
}

/**
 * A TCP server that sends the same lines to every connected client, standing in for `nc -lk 9999`
 * in Spark's quick start: it keeps listening after a client leaves and serves several clients at
 * once (a socket receiver that restarts simply connects again).
 *
 * @example
 * ```ts
 * const server = new LineServer();
 * const port = await server.listen(9999, '127.0.0.1');
 * server.send('hello world');
 * await server.close();
 * ```
 */
export class LineServer {
  private readonly server: Server;
  private readonly clients = new Set<Socket>();

  constructor(private readonly events: LineServerEvents = {}) {
    this.server = createServer((socket) => this.accept(socket));
  }

  /**
   * Listens on `host:port` (port 0: any free port) and resolves with the port bound. Rejects with
   * Node's error (`EADDRINUSE`...) when the port cannot be bound.
   */
  listen(port: number, host = '127.0.0.1'): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (e: Error) => reject(e);
      this.server.once('error', onError);
      this.server.listen({ port, host, exclusive: true }, () => {
        this.server.off('error', onError);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  /** The clients connected now. */
  get clientCount(): number {
    return this.clients.size;
  }

  /** True when some client has more buffered than its socket wants: the caller should wait. */
  get congested(): boolean {
    for (const c of this.clients) if (c.writableNeedDrain) return true;
    return false;
  }

  /**
   * Sends `text` (one or more lines; a final newline is added when missing) to every client and
   * returns how many clients it went to.
   */
  send(text: string): number {
    if (this.clients.size === 0) return 0;
    const data = text.endsWith('\n') ? text : text + '\n';
    for (const c of this.clients) c.write(data);
    return this.clients.size;
  }

  /** Stops listening and closes every client connection (sending what is buffered first). */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const c of this.clients) c.end();
    // A client that never closes its side must not hold the process: cut it after a second.
    const cut = setTimeout(() => {
      for (const c of this.clients) c.destroy();
    }, 1000);
    cut.unref();
    await closed;
    clearTimeout(cut);
  }

  private accept(socket: Socket): void {
    const remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    this.clients.add(socket);
    socket.setNoDelay(true);
    // Clients only read; whatever they send is ignored, as nc's listener prints it nowhere useful.
    socket.resume();
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.clients.delete(socket);
      this.events.onDisconnect?.(remote, this.clients.size);
    });
    this.events.onConnect?.(remote, this.clients.size);
  }
}
