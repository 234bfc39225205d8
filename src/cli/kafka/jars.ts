import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { DStreamError } from '../../errors.js';

// The Kafka broker's jars come from Maven Central through `mvn` (kafka/pom.xml names them), not a
// tarball: Maven caches them in ~/.m2, so a second fetch (another clone, a cleared cache) copies
// files and downloads nothing, and CI needs only Java and Maven.

export const KAFKA_VERSION = '4.1.1';

/** The repository root (or the installed package's): src/cli/kafka and dist/cli/kafka are 3 below. */
const packageRoot = join(import.meta.dirname, '..', '..', '..');

/** The consumer-only POM that names the broker's jars. */
export const kafkaPom = join(packageRoot, 'kafka', 'pom.xml');

/**
 * Where the broker's jars are copied: $DSTREAM_KAFKA_LIBS, else a per-version folder of the user's
 * cache ($XDG_CACHE_HOME or ~/.cache), shared by every clone and by the test suite.
 */
export function defaultLibsDir(): string {
  const fromEnv = process.env.DSTREAM_KAFKA_LIBS;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cache, 'dstream', `kafka-${KAFKA_VERSION}`, 'libs');
}

/** True when `libsDir` holds a complete fetch (the folder appears only once all jars are in). */
export function hasKafkaJars(libsDir: string): boolean {
  return existsSync(join(libsDir, `kafka_2.13-${KAFKA_VERSION}.jar`));
}

/**
 * Copies the broker's jars into `libsDir` with Maven unless they are there already. Returns
 * whether it fetched. The jars go to a temporary folder renamed into place, so an interrupted or
 * concurrent fetch never leaves a half-filled libs folder that would look complete.
 */
export async function ensureKafkaJars(
  libsDir: string,
  progress: (message: string) => void,
): Promise<boolean> {
  if (hasKafkaJars(libsDir)) return false;
  progress(`Fetching Kafka ${KAFKA_VERSION} with Maven (first run only)…`);
  mkdirSync(dirname(libsDir), { recursive: true });
  const temp = `${libsDir}.fetch-${process.pid}`;
  rmSync(temp, { recursive: true, force: true });
  const started = performance.now();
  const output = await runMaven([
    '-B',
    '-q',
    '-Dstyle.color=never',
    '-f',
    kafkaPom,
    'org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies',
    '-DincludeScope=runtime',
    // Absolute: a relative output directory is resolved against the POM's folder.
    `-DoutputDirectory=${temp}`,
  ]);
  if (!hasKafkaJars(temp)) {
    rmSync(temp, { recursive: true, force: true });
    throw new DStreamError(
      'DSTREAM_ERR_KAFKA_SETUP',
      `Maven did not fetch kafka_2.13-${KAFKA_VERSION}.jar (is Maven Central reachable, or ` +
        `~/.m2/settings.xml's mirror?). Maven said:\n${tail(output, 30)}`,
    );
  }
  try {
    renameSync(temp, libsDir);
  } catch (e) {
    // Another process finished the same fetch first: its folder is as good as ours.
    rmSync(temp, { recursive: true, force: true });
    if (!hasKafkaJars(libsDir)) throw e;
  }
  const jars = readdirSync(libsDir).length;
  progress(
    `fetched ${jars} jars into ${libsDir} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return true;
}

function runMaven(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('mvn', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.on('error', (e: NodeJS.ErrnoException) => {
      reject(
        e.code === 'ENOENT'
          ? new DStreamError(
              'DSTREAM_ERR_KAFKA_SETUP',
              'mvn not found on PATH: install Maven 3 (it fetches the Kafka broker jars once, ' +
                `into ~/.m2), or put the jars of kafka_2.13 ${KAFKA_VERSION} in ` +
                '$DSTREAM_KAFKA_LIBS yourself.',
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
