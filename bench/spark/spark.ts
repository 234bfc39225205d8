/**
 * The Spark Streaming anchor's plumbing: gather the Spark jars with Maven, compile the driver with
 * javac, and build the `java` command line that runs it (Java 17 flags, loopback only). Everything
 * it writes goes under bench/.work/spark (gitignored); Maven caches the jars in ~/.m2.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SPARK_DIR = dirname(fileURLToPath(import.meta.url));
export const WORK_DIR = join(SPARK_DIR, '..', '.work', 'spark');
const LIBS = join(WORK_DIR, 'libs');
const CLASSES = join(WORK_DIR, 'classes');
const POM = join(SPARK_DIR, 'pom.xml');
const SOURCES = join(SPARK_DIR, 'src');
const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1';

function log(message: string): void {
  process.stderr.write(`[spark] ${message}\n`);
}

function digest(...parts: string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex');
}

function readStamp(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8').trim() : undefined;
}

function javaSources(): string[] {
  return readdirSync(SOURCES)
    .filter((f) => f.endsWith('.java'))
    .sort()
    .map((f) => join(SOURCES, f));
}

/**
 * Gathers Spark's runtime jars into bench/.work/spark/libs unless they are there for this very
 * pom.xml. About 177 MiB in 117 jars; seconds when ~/.m2 has them, a download otherwise.
 */
export function ensureJars(force = false): void {
  const stampFile = join(WORK_DIR, 'libs.stamp');
  const want = digest(readFileSync(POM, 'utf8'));
  if (!force && existsSync(LIBS) && readStamp(stampFile) === want) return;
  log('gathering the Spark jars with Maven (about 177 MiB; kept in ~/.m2 for later runs)...');
  const t0 = performance.now();
  rmSync(LIBS, { recursive: true, force: true });
  mkdirSync(WORK_DIR, { recursive: true });
  execFileSync(
    'mvn',
    [
      '-B',
      '-q',
      '-f',
      POM,
      `${DEPENDENCY_PLUGIN}:copy-dependencies`,
      '-DincludeScope=runtime',
      // An absolute path: a relative one would resolve against the POM's folder.
      `-DoutputDirectory=${LIBS}`,
    ],
    // Maven's output goes to stderr: stdout carries results only.
    { stdio: ['ignore', 2, 2] },
  );
  const jars = readdirSync(LIBS).filter((f) => f.endsWith('.jar'));
  writeFileSync(stampFile, want + '\n');
  log(`${jars.length} jars in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

/** Compiles the driver into bench/.work/spark/classes unless its sources are unchanged. */
export function ensureClasses(force = false): void {
  const stampFile = join(WORK_DIR, 'classes.stamp');
  const sources = javaSources();
  const want = digest(
    readStamp(join(WORK_DIR, 'libs.stamp')) ?? '',
    ...sources.map((f) => readFileSync(f, 'utf8')),
  );
  if (!force && existsSync(CLASSES) && readStamp(stampFile) === want) return;
  log('compiling the driver with javac...');
  rmSync(CLASSES, { recursive: true, force: true });
  mkdirSync(CLASSES, { recursive: true });
  execFileSync('javac', ['-cp', join(LIBS, '*'), '-d', CLASSES, ...sources], {
    stdio: ['ignore', 2, 2],
  });
  writeFileSync(stampFile, want + '\n');
}

/** Jars and classes, fetched and compiled if needed. */
export function ensureSpark(): void {
  ensureJars();
  ensureClasses();
}

export interface SparkRun {
  master: string;
  partitions: number;
  linesPerBatch: number;
  warmup: number;
  measured: number;
  intervalMs: number;
  /** JVM heap, as `-Xmx` takes it (`6g`). */
  heap: string;
}

/** A command that runs a Java driver of this folder, and the environment it needs. */
export interface JavaCommand {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

function javaDriver(mainClass: string, heap: string, args: readonly string[]): JavaCommand {
  return {
    command: 'java',
    args: [
      `@${join(SPARK_DIR, 'java17.args')}`,
      `-Xmx${heap}`,
      `-Dlog4j2.configurationFile=${join(SPARK_DIR, 'log4j2.properties')}`,
      '-cp',
      `${CLASSES}:${join(LIBS, '*')}`,
      mainClass,
      ...args,
    ],
    // Without it Spark resolves the host name to the machine's external address (and says so),
    // even with spark.driver.host and bindAddress set to 127.0.0.1.
    env: { ...process.env, SPARK_LOCAL_IP: '127.0.0.1' },
  };
}

/** The command that runs the WordCount driver. */
export function sparkCommand(run: SparkRun): JavaCommand {
  return javaDriver('SparkWordCount', run.heap, [
    run.master,
    String(run.partitions),
    String(run.linesPerBatch),
    String(run.warmup),
    String(run.measured),
    String(run.intervalMs),
  ]);
}

export interface SparkKafkaRun {
  master: string;
  bootstrap: string;
  topic: string;
  groupId: string;
  intervalMs: number;
  maxRatePerPartition: number;
  /** The topic's records (the sum of its end offsets): the driver stops once it has read them. */
  totalRecords: number;
  heap: string;
}

/** The command that runs the Kafka direct-stream driver (bench/kafka.ts). */
export function sparkKafkaCommand(run: SparkKafkaRun): JavaCommand {
  return javaDriver('SparkKafkaWordCount', run.heap, [
    run.master,
    run.bootstrap,
    run.topic,
    run.groupId,
    String(run.intervalMs),
    String(run.maxRatePerPartition),
    String(run.totalRecords),
  ]);
}

/** The Java generator's checksum of `batches` × `linesPerBatch` lines (needs ensureClasses). */
export function javaChecksum(batches: number, linesPerBatch: number): string {
  const out = execFileSync(
    'java',
    ['-cp', CLASSES, 'WordData', String(batches), String(linesPerBatch)],
    { encoding: 'utf8' },
  );
  return (JSON.parse(out.trim()) as { fnv1a: string }).fnv1a;
}

/** `java -version`'s first line, for the results. */
export function javaVersion(): string {
  const r = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (r.error) return 'java: not found';
  return (r.stderr || r.stdout).split('\n')[0] ?? '';
}

export interface SparkSqlRun {
  master: string;
  partitions: number;
  orders: number;
  warmup: number;
  measured: number;
  intervalMs: number;
  heap: string;
}

/** The command that runs the SQL driver (bench/sql.ts): Spark SQL in foreachRDD. */
export function sparkSqlCommand(run: SparkSqlRun): JavaCommand {
  return javaDriver('SparkSqlBench', run.heap, [
    run.master,
    String(run.partitions),
    String(run.orders),
    String(run.warmup),
    String(run.measured),
    String(run.intervalMs),
  ]);
}
