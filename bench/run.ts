/**
 * `npm run bench -- [command] [flags]`: the one entry of dstream's benchmarks (bench/README.md).
 *
 *   (none) | wordcount   WordCount beside Spark Streaming and a raw loop (--quick: under 2 minutes)
 *   state                mapWithState per-batch time with 100 K, 1 M, 10 M keys in state; bytes per key
 *   state-size           the web UI's state report (keys, approximate bytes): µs per batch
 *   recovery             restart (getOrCreate) to the first completed new batch, 1 M keys of state
 *   profile              dstream's WordCount under --cpu-prof, top self-time functions
 *   latency              socket WordCount, 100 ms batches, 100,000 lines/s: p50/p99 total delay
 *   overload             10x overload with and without backpressure: RSS, scheduling delay
 *   kafka                WordCount from Kafka topics of 2 and 4 partitions: dstream's direct stream
 *                        local[2]/local[1], Spark's kafka-0-10 direct stream, a bare consumer loop
 *   sinks                rows per second into PostgreSQL, MySQL, Redis, HBase and OpenSearch through
 *                        each sink, beside the store's client on its own best bulk path
 *   sql-load             rows per second into DuckDB through dstream/sql's createDataFrame,
 *                        beside DuckDB's appender fed value by value
 *   ui                   the web UI's cost: WordCount with the UI off, on and watched; the pages'
 *                        server and Chromium load times with 1000 retained batches
 *   sql                  SQL over 1 M-order batches in foreachRDD (createDataFrame, temp view,
 *                        GROUP BY, collect): dstream on DuckDB beside Spark SQL 3.5, per-batch time
 *   flume                Flume events per second through the push and the polling stream (and with
 *                        the write-ahead log) beside a bare avsc server and client, real agent
 *   scale-out            examples/kafka-order-total-db.ts as 1, 2 and 3 processes of one consumer
 *                        group: orders/s, and the survivors' takeover after a SIGKILL or a SIGINT
 *   check                the data generator's checksums, TypeScript and Java, against the table
 *   spark fetch|build    gather Spark's jars with Maven / compile the Java driver (done on demand)
 *
 * Each benchmark is a script of its own with an exported `main(argv)`; adding one is a line in
 * COMMANDS below.
 */
import { generateBatches, KNOWN_CHECKSUMS } from './lib/word-data.ts';
import { ensureClasses, ensureJars, ensureSpark, javaChecksum } from './spark/spark.ts';

type Command = (argv: readonly string[]) => Promise<void>;

const COMMANDS: Record<string, { run: Command; help: string }> = {
  wordcount: {
    run: async (argv) => (await import('./wordcount.ts')).main(argv),
    help: 'WordCount: dstream local[1]/local[2], raw loop, Spark Streaming local[2] [--quick]',
  },
  state: {
    run: async (argv) => (await import('./state.ts')).main(argv),
    help: 'mapWithState per-batch time at 100K/1M/10M keys in state, B/key [--quick] [--keys]',
  },
  'state-size': {
    run: async (argv) => (await import('./state-size.ts')).main(argv),
    help: "cost of the web UI's state report (keys, approximate bytes) per batch, 100K/1M keys",
  },
  recovery: {
    run: async (argv) => (await import('./recovery.ts')).main(argv),
    help: 'restart (getOrCreate) to the first completed new batch with 1M keys of state',
  },
  profile: {
    run: async (argv) => (await import('./profile.ts')).main(argv),
    help: "dstream's WordCount under --cpu-prof: top self-time functions of the measured batches",
  },
  latency: {
    run: async (argv) => (await import('./latency.ts')).main(argv),
    help: 'socket latency: 100 ms batches, 100,000 lines/s over TCP, p50/p99 total delay',
  },
  overload: {
    run: async (argv) => (await import('./overload.ts')).main(argv),
    help: 'backpressure on and off under 10x overload: RSS and scheduling delay over time',
  },
  kafka: {
    run: async (argv) => (await import('./kafka.ts')).main(argv),
    help: "Kafka WordCount: direct stream local[2]/local[1], Spark's direct stream, bare loop [--quick]",
  },
  sinks: {
    run: async (argv) => (await import('./sinks.ts')).main(argv),
    help: "rows/s into each store through its sink beside its client's best bulk path [--rows]",
  },
  'sql-load': {
    run: async (argv) => (await import('./sql-load.ts')).main(argv),
    help: 'rows/s into DuckDB through dstream/sql createDataFrame beside the bare appender [--rows]',
  },
  ui: {
    run: async (argv) => (await import('./ui.ts')).main(argv),
    help: 'web UI cost: WordCount with the UI off/on/watched; page load with 1000 batches [--quick]',
  },
  flume: {
    run: async (argv) => (await import('./flume.ts')).main(argv),
    help: 'Flume events/s: push and polling streams (and -wal) beside bare avsc [--events N]',
  },
  sql: {
    run: async (argv) => (await import('./sql.ts')).main(argv),
    help: 'SQL per 1M-order batch in foreachRDD: dstream on DuckDB beside Spark SQL 3.5 [--rounds]',
  },
  'scale-out': {
    run: async (argv) => (await import('./scale-out.ts')).main(argv),
    help: 'Kafka scale-out: orders/s with 1, 2, 3 processes of one group; takeover after SIGKILL/SIGINT',
  },
  check: { run: check, help: 'data generator checksums (TypeScript and Java) against the table' },
  spark: { run: spark, help: 'spark fetch | spark build: Maven jars / javac (done on demand)' },
};

async function check(): Promise<void> {
  ensureSpark();
  let failures = 0;
  for (const [batches, lines, want] of KNOWN_CHECKSUMS) {
    const ts = generateBatches(batches, lines).fnv1a;
    const java = javaChecksum(batches, lines);
    const ok = ts === want && java === want;
    if (!ok) failures++;
    process.stdout.write(
      `${String(batches).padStart(3)} × ${String(lines).padStart(9)}: expected ${want}, ` +
        `TypeScript ${ts}, Java ${java}  ${ok ? 'ok' : 'MISMATCH'}\n`,
    );
  }
  if (failures > 0) throw new Error(`${failures} checksum(s) differ`);
}

async function spark(argv: readonly string[]): Promise<void> {
  const what = argv[0];
  if (what === 'fetch') ensureJars(argv.includes('--force'));
  else if (what === 'build') ensureClasses(argv.includes('--force'));
  else throw new Error('usage: npm run bench -- spark fetch|build [--force]');
}

function usage(): string {
  return [
    'usage: npm run bench -- [command] [flags]',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.help}`),
    'with no command: wordcount',
  ].join('\n');
}

const argv = process.argv.slice(2);
const first = argv[0];
if (first === 'help' || first === '--help' || first === '-h') {
  process.stdout.write(usage() + '\n');
} else {
  const named = first !== undefined && !first.startsWith('-');
  const command = COMMANDS[named ? first : 'wordcount'];
  if (!command) {
    process.stderr.write(`unknown command ${first}\n${usage()}\n`);
    process.exitCode = 2;
  } else {
    await command.run(named ? argv.slice(1) : argv);
  }
}
