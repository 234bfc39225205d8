import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { DStreamError, type ErrorCode } from '../../errors.js';

// The servers dstream runs (Kafka, HBase, OpenSearch) come from Maven Central through `mvn`, each
// named by a consumer-only POM in the repository, not from tarballs: Maven caches the jars in
// ~/.m2, so a second fetch (another clone, a cleared cache) copies files and downloads nothing,
// and CI needs only Java and Maven.

/** The repository root (or the installed package's): src/cli/services and dist/cli/services are 3 below. */
export const packageRoot = join(import.meta.dirname, '..', '..', '..');

/** A set of jars one POM names. */
export interface JarSet {
  /** What the jars are, for messages: `Kafka 4.1.1`. */
  readonly name: string;
  /** The consumer-only POM that names them. */
  readonly pom: string;
  /** A jar that is there only once a fetch completed: `kafka_2.13-4.1.1.jar`. */
  readonly marker: string;
  /** The error code of a failed fetch. */
  readonly errorCode: ErrorCode;
  /** What a user without Maven can do instead. */
  readonly withoutMaven: string;
}

/**
 * Where a jar set is copied: `$<envVar>` if set, else `<folder>/libs` in the user's cache
 * ($XDG_CACHE_HOME or ~/.cache), shared by every clone and by the test suite.
 */
export function cachedLibsDir(envVar: string, folder: string): string {
  const fromEnv = process.env[envVar];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cache, 'dstream', folder, 'libs');
}

/** True when `libsDir` holds a complete fetch of `jars` (the folder appears only once all are in). */
export function hasJars(jars: JarSet, libsDir: string): boolean {
  return existsSync(join(libsDir, jars.marker));
}

/**
 * Copies `jars` into `libsDir` with Maven unless they are there already. Returns whether it
 * fetched. The jars go to a temporary folder renamed into place, so an interrupted or concurrent
 * fetch never leaves a half-filled libs folder that would look complete.
 */
export async function ensureJars(
  jars: JarSet,
  libsDir: string,
  progress: (message: string) => void,
): Promise<boolean> {
  if (hasJars(jars, libsDir)) return false;
  progress(`Fetching ${jars.name} with Maven (first run only)…`);
  mkdirSync(dirname(libsDir), { recursive: true });
  const temp = `${libsDir}.fetch-${process.pid}`;
  rmSync(temp, { recursive: true, force: true });
  const started = performance.now();
  const output = await runMaven(jars, [
    '-B',
    '-q',
    '-Dstyle.color=never',
    '-f',
    jars.pom,
    'org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies',
    '-DincludeScope=runtime',
    // Absolute: a relative output directory is resolved against the POM's folder.
    `-DoutputDirectory=${temp}`,
  ]);
  if (!hasJars(jars, temp)) {
    rmSync(temp, { recursive: true, force: true });
    throw new DStreamError(
      jars.errorCode,
      `Maven did not fetch ${jars.marker} (is Maven Central reachable, or ~/.m2/settings.xml's ` +
        `mirror?). Maven said:\n${tail(output, 30)}`,
    );
  }
  try {
    renameSync(temp, libsDir);
  } catch (e) {
    // Another process finished the same fetch first: its folder is as good as ours.
    rmSync(temp, { recursive: true, force: true });
    if (!hasJars(jars, libsDir)) throw e;
  }
  const count = readdirSync(libsDir).length;
  progress(
    `fetched ${count} jars into ${libsDir} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return true;
}

function runMaven(jars: JarSet, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('mvn', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.on('error', (e: NodeJS.ErrnoException) => {
      reject(
        e.code === 'ENOENT'
          ? new DStreamError(
              jars.errorCode,
              `mvn not found on PATH: install Maven 3 (it fetches the ${jars.name} jars once, ` +
                `into ~/.m2), or ${jars.withoutMaven}`,
            )
          : e,
      );
    });
    // Maven 3.8 writes colour resets even with -B; they only clutter an error message.
    // eslint-disable-next-line no-control-regex
    child.on('close', () => resolve(output.replace(/\x1b\[[0-9;]*m/g, '')));
  });
}

/** The last `n` lines of `text`. */
export function tail(text: string, n: number): string {
  return text.trimEnd().split('\n').slice(-n).join('\n');
}
