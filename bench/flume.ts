/**
 * Flume events per second through each way into dstream, side by side in one run, against a real
 * Flume 1.11 agent (the project's own, src/cli/flume, imported built from dist/) whose sequence
 * generator produces N events ("0".."N-1", no headers) into a memory channel:
 *
 *   - push: the agent's Avro sink (batch-size 100) sends to `FlumeUtils.createStream`, and to a
 *     bare avsc server (its loop: store, answer OK);
 *   - pull: `FlumeUtils.createPollingStream` (maxBatchSize 1000, one sink) polls Spark's SparkSink in
 *     the agent, beside a bare avsc client's getEventBatch → ack loop on one connection;
 *   - `-wal` variants: dstream with the receiver write-ahead log on.
 *
 * dstream's figure: events counted by `foreachRDD` (100 ms batches) from the end of the first batch
 * with events to the end of the batch that completes N, over the events in between. The bare
 * programs': first to last event received. Each run has a fresh agent; the order rotates every
 * round. The agent's source is part of every figure, as in bare avsc figures measured on a quiet machine (0.2–0.7 M events/s).
 *
 *   node bench/flume.ts [--events N] [--rounds N] [--only push,pull,...]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, createConnection, type Server } from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BENCH_WORK, ensureBuilt, machine, reportHeader } from './lib/machine.ts';
import { formatRate, spread } from './lib/stats.ts';

type AgentModule = typeof import('../src/cli/flume/agent.js');
type PortsModule = typeof import('../src/cli/services/ports.js');
type ProtocolsModule = typeof import('../src/sources/flume/protocols.js');

const dist = (path: string) => new URL(`../dist/${path}`, import.meta.url).href;

const MODES = ['push-bare', 'push', 'push-wal', 'pull-bare', 'pull', 'pull-wal'] as const;
type Mode = (typeof MODES)[number];

const PUSH_CONF = `a1.sources = r1
a1.channels = c1
a1.sinks = k1
a1.sources.r1.type = seq
a1.sources.r1.batchSize = 1000
a1.sources.r1.channels = c1
a1.channels.c1.type = memory
a1.channels.c1.capacity = 2000000
a1.channels.c1.transactionCapacity = 1000
a1.sinks.k1.type = avro
a1.sinks.k1.channel = c1
a1.sinks.k1.hostname = 127.0.0.1
a1.sinks.k1.batch-size = 100
`;
const PULL_CONF = `a1.sources = r1
a1.channels = c1
a1.sinks = spark
a1.sources.r1.type = seq
a1.sources.r1.batchSize = 1000
a1.sources.r1.channels = c1
a1.channels.c1.type = memory
a1.channels.c1.capacity = 2000000
a1.channels.c1.transactionCapacity = 1000
a1.sinks.spark.type = org.apache.spark.streaming.flume.sink.SparkSink
a1.sinks.spark.channel = c1
a1.sinks.spark.hostname = 127.0.0.1
a1.sinks.spark.timeout = 30
`;

async function runMode(mode: Mode, n: number, work: string): Promise<number> {
  const agents = (await import(dist('cli/flume/agent.js'))) as AgentModule;
  const { freePort } = (await import(dist('cli/services/ports.js'))) as PortsModule;
  const port = await freePort();
  const push = mode.startsWith('push');
  const confFile = join(work, `${push ? 'push' : 'pull'}.properties`);
  writeFileSync(confFile, push ? PUSH_CONF : PULL_CONF);
  const runDir = mkdtempSync(join(work, `${mode}-`));
  const overrides = {
    [push ? 'sinks.k1.port' : 'sinks.spark.port']: String(port),
    'sources.r1.totalEvents': String(n),
  };
  const startAgent = () => agents.startAgent({ runDir, confFile, name: 'a1', overrides });
  try {
    if (mode === 'push-bare') return await pushBare(port, n, startAgent);
    if (mode === 'pull-bare') {
      await startAgent();
      return await pullBare(port, n);
    }
    return await dstreamRun(mode, port, n, join(runDir, 'checkpoint'), startAgent);
  } finally {
    await agents.stopAgent(runDir);
    rmSync(runDir, { recursive: true, force: true });
  }
}

async function dstreamRun(
  mode: Mode,
  port: number,
  n: number,
  checkpoint: string,
  startAgent: () => Promise<unknown>,
): Promise<number> {
  const { StreamingContext, Milliseconds } = await import('dstream');
  const { FlumeUtils } = await import('dstream/flume');
  const wal = mode.endsWith('-wal');
  const ssc = new StreamingContext({
    master: 'local[1]',
    appName: `FlumeBench-${mode}`,
    batchDuration: Milliseconds(100),
    conf: {
      'spark.ui.enabled': 'false',
      'spark.streaming.receiver.writeAheadLog.enable': String(wal),
    },
  });
  if (wal) ssc.checkpoint(checkpoint);
  const stream = mode.startsWith('push')
    ? FlumeUtils.createStream(ssc, '127.0.0.1', port)
    : FlumeUtils.createPollingStream(ssc, [{ host: '127.0.0.1', port }]);
  let count = 0;
  let first = 0;
  let firstCount = 0;
  let done!: (rate: number) => void;
  const finished = new Promise<number>((resolve) => (done = resolve));
  stream.foreachRDD(async (rdd) => {
    const c = await rdd.count();
    if (c === 0) return;
    count += c;
    const now = performance.now();
    if (first === 0) {
      first = now;
      firstCount = count;
    }
    if (count >= n) done(((count - firstCount) / (now - first)) * 1000);
  });
  await ssc.start();
  try {
    await startAgent();
    return await finished;
  } finally {
    await ssc.stop();
  }
}

/** A bare avsc server: store (count) and answer OK. */
async function pushBare(
  port: number,
  n: number,
  startAgent: () => Promise<unknown>,
): Promise<number> {
  const { loadServices } = (await import(dist('sources/flume/protocols.js'))) as ProtocolsModule;
  const { avroSource } = await loadServices();
  let count = 0;
  let first = 0;
  let done!: (rate: number) => void;
  const finished = new Promise<number>((resolve) => (done = resolve));
  const avro = avroSource
    .createServer({ silent: true } as never)
    .onMessage('appendBatch', (req: { events: unknown[] }, cb: (e: null, s: string) => void) => {
      if (first === 0) first = performance.now();
      count += req.events.length;
      cb(null, 'OK');
      if (count >= n) done((count / (performance.now() - first)) * 1000);
    });
  const server: Server = createServer((socket) => {
    socket.setNoDelay(true);
    avro.createChannel(socket);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  try {
    await startAgent();
    return await finished;
  } finally {
    server.close();
    for (const c of avro.activeChannels()) c.destroy(true);
  }
}

/** A bare avsc client: getEventBatch(1000) → ack, one connection. */
async function pullBare(port: number, n: number): Promise<number> {
  const { loadServices } = (await import(dist('sources/flume/protocols.js'))) as ProtocolsModule;
  const { sparkFlume } = await loadServices();
  const socket = createConnection({ host: '127.0.0.1', port });
  socket.setNoDelay(true);
  await new Promise((resolve) => socket.once('connect', resolve));
  const client = sparkFlume.createClient({ buffering: true, timeout: 0 });
  const channel = client.createChannel(socket);
  const call = <T>(name: string, req: object) =>
    new Promise<T>((resolve, reject) =>
      client.emitMessage<T>(name, req, {}, (e, r) => (e ? reject(e as Error) : resolve(r as T))),
    );
  let count = 0;
  let first = 0;
  try {
    while (count < n) {
      const b = await call<{ errorMsg: string; sequenceNumber: string; events: unknown[] }>(
        'getEventBatch',
        { n: 1000 },
      );
      if (b.errorMsg !== '') continue;
      if (first === 0) first = performance.now();
      count += b.events.length;
      await call('ack', { sequenceNumber: b.sequenceNumber });
    }
    return (count / (performance.now() - first)) * 1000;
  } finally {
    channel.destroy(true);
    socket.destroy();
  }
}

export async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      events: { type: 'string', default: '1000000' },
      rounds: { type: 'string', default: '3' },
      only: { type: 'string' },
    },
  });
  // Before 'dstream' is first imported: its logger reads the level once.
  process.env.DSTREAM_LOG_LEVEL ??= 'WARN';
  const n = Number(values.events);
  const rounds = Number(values.rounds);
  const modes = values.only ? (values.only.split(',') as Mode[]) : [...MODES];
  ensureBuilt();
  const work = join(BENCH_WORK, 'flume');
  mkdirSync(work, { recursive: true });
  const start = machine();
  const rates = new Map<Mode, number[]>(modes.map((m) => [m, []]));
  for (let r = 0; r < rounds; r++) {
    const order = modes.map((_, i) => modes[(i + r) % modes.length]!);
    for (const mode of order) {
      const rate = await runMode(mode, n, work);
      rates.get(mode)!.push(rate);
      process.stderr.write(`[flume] round ${r + 1} ${mode}: ${formatRate(rate)} events/s\n`);
    }
  }
  const end = machine();
  const lines = [
    reportHeader(start, end),
    '',
    `${n.toLocaleString('en')} events per run, ${rounds} round(s); events/s, median (min–max):`,
    '',
    '| way | events/s | of bare avsc |',
    '|---|---|---|',
  ];
  for (const mode of modes) {
    const s = spread(rates.get(mode)!);
    const bare = rates.get(mode.startsWith('push') ? 'push-bare' : 'pull-bare');
    const ratio = bare ? `${((s.median / spread(bare).median) * 100).toFixed(0)} %` : '–';
    lines.push(
      `| ${mode} | ${formatRate(s.median)} (${formatRate(s.min)}–${formatRate(s.max)}) | ${ratio} |`,
    );
  }
  process.stdout.write(lines.join('\n') + '\n');
}

if (import.meta.main) await main(process.argv.slice(2));
