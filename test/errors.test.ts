// Every error code is documented for users, in the same order, with the same description.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { DStreamError, ErrorCodes } from 'dstream';

async function documentedCodes(): Promise<[string, string][]> {
  const text = await readFile(new URL('../docs/errors.md', import.meta.url), 'utf8');
  const rows: [string, string][] = [];
  for (const line of text.split('\n')) {
    const m = /^\|\s*`(DSTREAM_ERR_[A-Z0-9_]+)`\s*\|\s*(.*?)\s*\|\s*$/.exec(line);
    if (m) rows.push([m[1]!, m[2]!]);
  }
  return rows;
}

describe('error codes', () => {
  it('docs/errors.md lists every code of ErrorCodes, in the same order, and no other', async () => {
    const documented = await documentedCodes();
    expect(documented.map(([code]) => code)).toEqual(Object.keys(ErrorCodes));
  });

  it('docs/errors.md describes each code as ErrorCodes does', async () => {
    expect(await documentedCodes()).toEqual(Object.entries(ErrorCodes));
  });

  it('codes follow the DSTREAM_ERR_ form', () => {
    for (const code of Object.keys(ErrorCodes)) expect(code).toMatch(/^DSTREAM_ERR_[A-Z0-9_]+$/);
  });

  it('a DStreamError carries its code, cause and batch time', () => {
    const cause = new Error('user');
    const e = new DStreamError('DSTREAM_ERR_BATCH_FAILED', 'failed', { cause });
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('DStreamError');
    expect(e.code).toBe('DSTREAM_ERR_BATCH_FAILED');
    expect(e.cause).toBe(cause);
    expect(e.batchTime).toBeUndefined();
  });
});
