// The sink's only transport: node:http(s) with one keep-alive agent per server per process, so no
// client library. Elasticsearch and OpenSearch share the bulk, index and search REST API the sink
// uses, so one code path serves both (the official clients each refuse the other server:
// docs/architecture.md, Sinks: Elasticsearch). The agents are made on first use, on the driver
// (writes run there), and destroyed when a context stops; the next write makes a new one.
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { onNextContextStop } from '../../rdd/stop-hooks.js';

/** A request that did not get a 2xx answer, or no answer at all. */
export class RequestFailed extends Error {
  constructor(
    message: string,
    /** The HTTP status, absent when the server could not be reached. */
    readonly status: number | undefined,
    /** Whether trying again may help: no answer, 429 (too busy) or 5xx. */
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'RequestFailed';
  }
}

export interface Answer {
  readonly status: number;
  readonly body: string;
}

const agents = new Map<string, HttpAgent>();

function agentFor(url: URL): HttpAgent {
  let agent = agents.get(url.origin);
  if (agent === undefined) {
    const Agent = url.protocol === 'https:' ? HttpsAgent : HttpAgent;
    // No socket limit: the sink bounds its requests in flight itself (`inFlight`).
    agent = new Agent({ keepAlive: true });
    agents.set(url.origin, agent);
    const origin = url.origin;
    onNextContextStop(async () => closeAgent(origin));
  }
  return agent;
}

/** Destroys the kept-alive connections to `origin`, if any. */
export function closeAgent(origin: string): void {
  agents.get(origin)?.destroy();
  agents.delete(origin);
}

/**
 * Sends one request to `base` (the server's URL, with `user:password@` for basic authentication)
 * and reads the whole answer. Rejects with {@link RequestFailed} on no answer or a non-2xx one.
 */
export function send(
  base: URL,
  method: string,
  path: string,
  body: string | undefined,
  timeoutMs: number,
  contentType = 'application/json',
): Promise<Answer> {
  const target = new URL(path, base);
  const headers: Record<string, string | number> = { accept: 'application/json' };
  if (body !== undefined) {
    headers['content-type'] = contentType;
    headers['content-length'] = Buffer.byteLength(body);
  }
  if (base.username !== '') {
    const user = `${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}`;
    headers.authorization = `Basic ${Buffer.from(user).toString('base64')}`;
  }
  const request = base.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      target,
      { method, headers, agent: agentFor(base), timeout: timeoutMs },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (e) => reject(unreachable(method, target, e)));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const text = Buffer.concat(chunks).toString('utf8');
          if (status >= 200 && status < 300) resolve({ status, body: text });
          else reject(refused(method, target, status, text));
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (e) => reject(unreachable(method, target, e)));
    req.end(body);
  });
}

function unreachable(method: string, target: URL, e: Error): RequestFailed {
  const code = (e as NodeJS.ErrnoException).code;
  return new RequestFailed(
    `${method} ${target.origin}${target.pathname} got no answer: ${code ?? ''}${code ? ' ' : ''}${e.message}`,
    undefined,
    true,
  );
}

function refused(method: string, target: URL, status: number, body: string): RequestFailed {
  return new RequestFailed(
    `${method} ${target.origin}${target.pathname} answered ${status}: ${reasonOf(body)}`,
    status,
    status === 429 || status >= 500,
  );
}

/** `type: reason` of an error answer, or its first 300 characters. */
export function reasonOf(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: { type?: string; reason?: string } | string };
    const e = parsed.error;
    if (typeof e === 'string') return e;
    if (e?.type !== undefined) return `${e.type}: ${e.reason ?? ''}`;
  } catch {
    // not JSON: the text itself
  }
  return body.slice(0, 300);
}
