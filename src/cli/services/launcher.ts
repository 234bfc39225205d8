import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DStreamError, type ErrorCode } from '../../errors.js';
import { tail } from './maven.js';
import { runToEnd } from './jvm-process.js';

// A server Maven Central ships as library jars only (OpenSearch, Elasticsearch) needs a small Java
// main to start it. Its source is in the repository next to the POM and is compiled against the
// jars when they are fetched, into a folder named after the source's hash next to the libs
// folder: an edited launcher is compiled again, an unchanged one never.

/** A Java main compiled against a jar set. */
export interface Launcher {
  /** What it starts, for messages: `OpenSearch 2.19.6`. */
  readonly name: string;
  /** Its source file. */
  readonly source: string;
  readonly errorCode: ErrorCode;
}

/**
 * The folder of `launcher`'s compiled classes, compiled first when missing. `javacArgs` say where
 * the jars are (`-cp <libs>/*`, or `--module-path ...`).
 */
export async function ensureLauncher(
  launcher: Launcher,
  libsDir: string,
  javacArgs: readonly string[],
): Promise<string> {
  const hash = createHash('sha256').update(readFileSync(launcher.source)).digest('hex');
  const classes = join(dirname(libsDir), `launcher-${hash.slice(0, 12)}`);
  const done = join(classes, 'compiled');
  if (existsSync(done)) return classes;
  // Compiled into a temporary folder renamed into place, as the jars are fetched (maven.ts).
  const temp = `${classes}.javac-${process.pid}`;
  rmSync(temp, { recursive: true, force: true });
  const { code, output } = await runToEnd(
    'javac',
    ['-nowarn', '-d', temp, ...javacArgs, launcher.source],
    new DStreamError(
      launcher.errorCode,
      `javac not found on PATH: install a JDK 17 or newer (a JRE has no javac); it compiles the ` +
        `small launcher of ${launcher.name} once.`,
    ),
  );
  if (code !== 0) {
    rmSync(temp, { recursive: true, force: true });
    throw new DStreamError(
      launcher.errorCode,
      `javac could not compile ${launcher.source} against ${libsDir} (exit ${code}); remove ` +
        `${libsDir} to fetch the jars again. javac said:\n${tail(output, 20)}`,
    );
  }
  writeFileSync(join(temp, 'compiled'), '');
  try {
    renameSync(temp, classes);
  } catch (e) {
    // Another process compiled the same source first.
    rmSync(temp, { recursive: true, force: true });
    if (!existsSync(done)) throw e;
  }
  return classes;
}
