// A TCP proxy to a store that a test can stall: while stalled, what clients send is held back (not
// lost), so a write a client starts cannot reach the store — the way to catch an application in
// the middle of a write without pausing the whole store for the other tests of the run.
import { connect, createServer, type Socket } from 'node:net';

export interface StallProxy {
  /** `127.0.0.1:<port>`, to put in the client's URL in place of the store's address. */
  readonly address: string;
  /** Holds back what clients send from now on. */
  stall(): void;
  /** Forwards what was held back, and everything after. */
  resume(): void;
  close(): Promise<void>;
}

interface Connection {
  readonly client: Socket;
  readonly upstream: Socket;
  readonly held: Buffer[];
}

export async function stallProxy(
  targetPort: number,
  targetHost = '127.0.0.1',
): Promise<StallProxy> {
  let stalled = false;
  const connections = new Set<Connection>();
  const server = createServer((client) => {
    const connection: Connection = { client, upstream: connect(targetPort, targetHost), held: [] };
    connections.add(connection);
    client.on('data', (chunk) => {
      if (stalled) connection.held.push(chunk);
      else connection.upstream.write(chunk);
    });
    connection.upstream.pipe(client);
    // A client that dies while stalled takes what it sent with it, as a killed process would.
    const end = () => {
      connections.delete(connection);
      client.destroy();
      connection.upstream.destroy();
    };
    client.on('close', end).on('error', end);
    connection.upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  return {
    address: `127.0.0.1:${port}`,
    stall: () => void (stalled = true),
    resume() {
      stalled = false;
      for (const { upstream, held } of connections) {
        for (const chunk of held.splice(0)) upstream.write(chunk);
      }
    },
    async close() {
      for (const { client, upstream } of connections) {
        client.destroy();
        upstream.destroy();
      }
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
