import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DStreamError } from '../errors.js';
import { Logger } from '../util/logging.js';

const log = new Logger('SparkUI');

/** What a route answers: a status, a content type and a body. */
export interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Answers a GET of `path`, or `undefined` for an unknown path (404). */
export type Handler = (
  path: string,
  query: URLSearchParams,
) => Answer | Promise<Answer | undefined> | undefined;

/**
 * Listens on `host`, at `port` or, when it is taken, the next free one of the following
 * `maxRetries` (Spark's `spark.port.maxRetries`, 16), as Spark's UI does; port 0 takes any free
 * port. Rejects with `DSTREAM_ERR_UI` when none is free.
 */
export async function listenOnFreePort(
  handler: Handler,
  host: string,
  port: number,
  maxRetries: number,
): Promise<Server> {
  for (let attempt = 0; ; attempt++) {
    const tryPort = port === 0 ? 0 : port + attempt;
    const server = createServer((req, res) => void serve(handler, req, res));
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(tryPort, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      return server;
    } catch (e) {
      const inUse = (e as NodeJS.ErrnoException).code === 'EADDRINUSE';
      if (!inUse || port === 0 || attempt >= maxRetries) {
        throw new DStreamError(
          'DSTREAM_ERR_UI',
          `Could not start the web UI on ${host}:${tryPort}${inUse ? ` (ports ${port} to ${tryPort} are all taken)` : ''}. Set spark.ui.port to a free port, or spark.ui.enabled=false.`,
          { cause: e },
        );
      }
      log.warn(
        `Service 'SparkUI' could not bind on port ${tryPort}. Attempting port ${tryPort + 1}.`,
      );
    }
  }
}

/** The URL of a listening server: `http://127.0.0.1:4040`. */
export function urlOf(server: Server): string {
  const { address, port } = server.address() as AddressInfo;
  return `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
}

/** Closes the server and the connections it holds open (keep-alive), so that stop is prompt. */
export async function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
}

async function serve(handler: Handler, req: IncomingMessage, res: ServerResponse): Promise<void> {
  // Read-only by design: nothing a visitor sends may change the application.
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return send(res, req, {
      status: 405,
      contentType: 'text/plain; charset=utf-8',
      body: `${req.method} is not allowed: the UI and its API only answer GET.\n`,
      headers: { Allow: 'GET, HEAD' },
    });
  }
  const url = new URL(req.url ?? '/', 'http://localhost');
  let answer: Answer | undefined;
  try {
    answer = await handler(url.pathname, url.searchParams);
  } catch (e) {
    log.warn(`Error answering ${url.pathname}`, e);
    answer = { status: 500, contentType: 'text/plain; charset=utf-8', body: 'Internal error\n' };
  }
  send(
    res,
    req,
    answer ?? {
      status: 404,
      contentType: 'text/plain; charset=utf-8',
      body: `Not found: ${url.pathname}\n`,
    },
  );
}

function send(res: ServerResponse, req: IncomingMessage, answer: Answer): void {
  res.writeHead(answer.status, {
    'Content-Type': answer.contentType,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...answer.headers,
  });
  res.end(req.method === 'HEAD' ? undefined : answer.body);
}
