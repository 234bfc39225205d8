// The REST gateway of HBase through Node's fetch: no client library. Node keeps the connections
// alive in its own pool (idle sockets do not keep a process alive), so a process makes them once.
// This file turns the gateway's answers into errors that say whether trying again may help.
import { messageOf } from '../../errors.js';

const JSON_HEADERS = { 'Content-Type': 'application/json', Accept: 'application/json' };

/** A request the gateway failed or did not answer; `retryable` says whether trying again may help. */
export class HBaseRequestError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'HBaseRequestError';
  }
}

/** Whether a failed request may succeed when tried again (for `withRetries`). */
export const isRetryable = (e: unknown): boolean =>
  !(e instanceof HBaseRequestError) || e.retryable;

/**
 * Sends one request. A refused or lost connection and a 5xx answer are retryable (a gateway or
 * region server restarting); a 4xx is about the request (no such table or column family) and is not.
 */
export async function request(
  base: string,
  method: 'GET' | 'PUT' | 'POST' | 'DELETE',
  path: string,
  body?: string,
): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(`${base}${path}`, { method, headers: JSON_HEADERS, body });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new HBaseRequestError(
      `no answer from the HBase REST gateway at ${base} (${cause?.code ?? cause?.message ?? messageOf(e)}): start HBase (dstream hbase start), or check the url`,
      true,
    );
  }
  return res;
}

/** The error of an answer that is not 2xx, with HBase's own reason (its exception's first line). */
export async function answerError(res: Response, what: string): Promise<HBaseRequestError> {
  const reason = hbaseReason(await res.text().catch(() => ''));
  return new HBaseRequestError(
    `HBase answered ${res.status} ${res.statusText} to ${what}${reason ? `: ${reason}` : ''}`,
    res.status >= 500 || res.status === 429,
    res.status,
  );
}

/**
 * The gateway answers errors as `Not found\n<exception class>: <class>: <message>\n\tat ...`: keep
 * the exception's name and message, without the region's and the table's descriptions.
 */
export function hbaseReason(text: string): string {
  const line = text.split('\n').find((l) => /Exception|Error/.test(l)) ?? text.split('\n')[0]!;
  const m = /([\w.]*\.)?(\w+(?:Exception|Error)): (?:[\w.]+: )?(.*)$/.exec(line.trim());
  const reason = m ? `${m[2]}: ${m[3]}` : line.trim();
  return reason
    .replace(/ in region \S+/, '')
    .replace(/, \{.*$/, '')
    .slice(0, 300);
}

export const unb64 = (s: string): string => Buffer.from(s, 'base64').toString('utf8');

/** A CellSet as the gateway returns it. */
export interface CellSetJson {
  Row?: { key: string; Cell?: { column: string; timestamp?: number; $?: string }[] }[];
}
