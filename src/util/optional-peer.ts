// An integration's client library is an optional peer dependency: only its subpath imports it, on
// first use, so `dstream` without that integration never needs it installed. Missing, it is a
// clear error that says what to install; the next use tries again (it may have been installed
// since).
import { DStreamError, messageOf, type ErrorCode } from '../errors.js';

/**
 * A loader of the client library: `load` runs once, on the first call; a failure becomes `code`
 * (a sink's `DSTREAM_ERR_SINK_CLIENT_MISSING` unless told) naming the package and
 * `npm install <install>`.
 */
export function optionalPeer<T>(
  subpath: string,
  install: { readonly name: string; readonly spec: string },
  load: () => Promise<T>,
  code: ErrorCode = 'DSTREAM_ERR_SINK_CLIENT_MISSING',
): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () =>
    (loaded ??= load().catch((e: unknown) => {
      loaded = undefined;
      throw new DStreamError(
        code,
        `${subpath} needs the optional package ${install.name}: npm install ${install.spec} (${messageOf(e)})`,
        { cause: e },
      );
    }));
}
