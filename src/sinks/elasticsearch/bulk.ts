// One `_bulk` request of the sink: its NDJSON body, built as one string, and what its answer says
// of each document. The bulk API answers 200 even when documents failed: `errors` says whether any
// did, and then each item its status.

/** A document the server refused for what it is (a mapping, a type): trying again cannot help. */
export class DocumentRejectedError extends Error {
  constructor(
    /** The index the document was written to. */
    readonly index: string,
    /** The document's id. */
    readonly id: string,
    /** The field the server names, when it names one. */
    readonly field: string | undefined,
    /** The server's error type: `mapper_parsing_exception`, `strict_dynamic_mapping_exception`. */
    readonly type: string,
    /** The server's explanation. */
    readonly reason: string,
  ) {
    super(
      `index ${index} rejected the document with id '${id}'${field === undefined ? '' : ` at field '${field}'`}: ${type}: ${reason}`,
    );
    this.name = 'DocumentRejectedError';
  }
}

/** The action line of every document of one write, less its id: `{"index":{"_id":` + id + this. */
export function actionSuffix(version: number): string {
  // external_gte: a batch run again writes its documents again at the same version; an older
  // batch's documents conflict (409) with a newer one's and are left alone.
  return `,"version":${version},"version_type":"external_gte"}}\n`;
}

export const ACTION_PREFIX = '{"index":{"_id":';

/** A request's documents: its body and, for messages and retries, their ids in order. */
export interface BulkChunk {
  body: string;
  ids: string[];
}

/** What the items of an answer came to. */
export interface ItemOutcome {
  written: number;
  /** Conflicts: a version at or above this write's was there (a newer batch's), left alone. */
  skipped: number;
  /** The documents to send again (429, 5xx), as a chunk. */
  retry: BulkChunk | undefined;
  /** Their statuses, for the message. */
  retryStatuses: number[];
}

interface BulkItem {
  index?: {
    status: number;
    error?: { type?: string; reason?: string; caused_by?: { reason?: string } };
  };
}

/** The `filter_path` that keeps a bulk answer to what {@link readItems} reads. */
export const BULK_FILTER = 'errors,items.*.status,items.*.error';

/** True when an answer says that every document was written (the usual case: nothing to parse). */
export function allWritten(answer: string): boolean {
  return answer.startsWith('{"errors":false');
}

/**
 * Reads each item of an answer with errors. Throws {@link DocumentRejectedError} for the first
 * document refused for what it is (a 4xx other than 409 and 429).
 */
export function readItems(index: string, chunk: BulkChunk, answer: string): ItemOutcome {
  const { items } = JSON.parse(answer) as { items: BulkItem[] };
  const outcome: ItemOutcome = { written: 0, skipped: 0, retry: undefined, retryStatuses: [] };
  let lines: string[] | undefined;
  items.forEach((item, i) => {
    const result = item.index;
    const status = result?.status ?? 0;
    if (status >= 200 && status < 300) outcome.written++;
    else if (status === 409) outcome.skipped++;
    else if (status === 429 || status >= 500) {
      // JSON.stringify never writes a raw newline: document i is lines 2i and 2i + 1.
      lines ??= chunk.body.split('\n');
      outcome.retry ??= { body: '', ids: [] };
      outcome.retry.body += `${lines[2 * i]}\n${lines[2 * i + 1]}\n`;
      outcome.retry.ids.push(chunk.ids[i]!);
      outcome.retryStatuses.push(status);
    } else {
      const error = result?.error ?? {};
      const reason = [error.reason, error.caused_by?.reason].filter(Boolean).join(': ');
      throw new DocumentRejectedError(
        index,
        chunk.ids[i] ?? '?',
        fieldOf(reason),
        error.type ?? `status ${status}`,
        reason,
      );
    }
  });
  return outcome;
}

/**
 * The field a rejection names: `failed to parse field [price] of type [long]` (mapping),
 * `dynamic introduction of [extra] within [_doc] is not allowed` (strict mapping).
 */
function fieldOf(reason: string): string | undefined {
  const m = /field \[([^\]]+)\]|introduction of \[([^\]]+)\]/.exec(reason);
  return m?.[1] ?? m?.[2];
}
