import { createConnection, type Socket } from 'node:net';
import type { Logger } from '../../util/logging.js';

/** What a socket receiver does with its connection's data and end. */
export interface ConnectionHandlers {
  data(chunk: Buffer, socket: Socket): void;
  end(): void;
}

/** The receiver a connection belongs to: it restarts on errors. */
interface Restartable {
  restart(message: string, error?: unknown): void;
}

/**
 * Connects a socket receiver to `host:port`, as Spark's receivers do on start: logs the attempt
 * and the connection; a refused connection restarts the receiver with `Error connecting to
 * host:port`, a later error with `Error receiving data`. Events of a socket the receiver has
 * replaced (`current()` is another one after a restart) are ignored.
 */
export function connectReceiver(
  receiver: Restartable,
  log: Logger,
  host: string,
  port: number,
  current: () => Socket | undefined,
  handlers: ConnectionHandlers,
): Socket {
  log.info(`Connecting to ${host}:${port}`);
  let connected = false;
  const socket = createConnection({ host, port });
  socket.on('connect', () => {
    connected = true;
    log.info(`Connected to ${host}:${port}`);
  });
  socket.on('data', (chunk: Buffer) => {
    if (current() === socket) handlers.data(chunk, socket);
  });
  socket.on('end', () => {
    if (current() === socket) handlers.end();
  });
  socket.on('error', (error) => {
    if (current() !== socket) return;
    if (connected) log.warn('Error receiving data', error);
    receiver.restart(
      connected ? 'Error receiving data' : `Error connecting to ${host}:${port}`,
      error,
    );
  });
  return socket;
}

/** Closes a receiver's socket, if it has one, as its `onStop` does. */
export function closeReceiverSocket(
  socket: Socket | undefined,
  log: Logger,
  host: string,
  port: number,
): void {
  if (socket === undefined) return;
  socket.destroy();
  log.info(`Closed socket to ${host}:${port}`);
}
