// `dstream kafka ...` and `dstream orders --kafka`, run as a user runs them, against the real
// broker test/kafka-setup.ts starts for the run.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../src/cli/kafka/broker.js';
import { OrderGenerator } from '../src/cli/orders.js';
import { expectBuilt, startCli } from './support/cli.js';
import { bootstrap, broker, skipKafka } from './support/kafka-broker.js';

interface Run {
  code: number | string;
  stdout: string;
  stderr: string;
}

/** Runs `dstream ...args` to its end, with `input` on its stdin. */
async function dstream(args: string[], input?: string): Promise<Run> {
  const cli = startCli(args, { stdin: input === undefined ? 'ignore' : 'pipe' });
  if (input !== undefined) cli.child.stdin!.end(input);
  const code = await cli.exited;
  return { code, stdout: cli.stdout(), stderr: cli.stderr() };
}

/** `dstream` with the test broker's --bootstrap-server; fails the test if it fails. */
async function ok(args: string[], input?: string): Promise<string> {
  const r = await dstream(args, input);
  expect(r.code, `dstream ${args.join(' ')}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

const topicName = (what: string) => `${what}-${randomUUID().slice(0, 8)}`;

const tempDirs: string[] = [];
const servers: Server[] = [];
afterEach(async () => {
  for (const d of tempDirs.splice(0)) rmSync(d, { recursive: true, force: true });
  for (const s of servers.splice(0)) await new Promise((done) => s.close(done));
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dstream-kafka-cli-'));
  tempDirs.push(dir);
  return dir;
}

beforeAll(() => expectBuilt());

describe.skipIf(skipKafka)(
  `dstream kafka against a broker${skipKafka ? ` (skipped: ${broker.reason})` : ''}`,
  () => {
    it('creates a topic of 3 partitions, lists it and describes it as kafka-topics.sh does', async () => {
      const b = ['--bootstrap-server', bootstrap()];
      const topic = topicName('topics');
      expect(
        await ok(['kafka', 'topics', ...b, '--create', '--topic', topic, '--partitions', '3']),
      ).toBe(`Created topic ${topic}.\n`);
      expect((await ok(['kafka', 'topics', ...b, '--list'])).split('\n')).toContain(topic);
      const lines = (await ok(['kafka', 'topics', ...b, '--describe', '--topic', topic]))
        .trimEnd()
        .split('\n');
      expect(lines[0]).toMatch(
        new RegExp(`^Topic: ${topic}\\tTopicId: \\S+\\tPartitionCount: 3\\tReplicationFactor: 1$`),
      );
      expect(lines.slice(1)).toEqual(
        [0, 1, 2].map((p) => `\tTopic: ${topic}\tPartition: ${p}\tLeader: 1\tReplicas: 1\tIsr: 1`),
      );
      // A second create is refused, as Kafka refuses it.
      const again = await dstream(['kafka', 'topics', ...b, '--create', '--topic', topic]);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain(`Topic '${topic}' already exists.`);
      // One broker cannot hold 2 replicas: the broker's reason, in kafka-topics.sh's wording.
      const replicated = await dstream(
        ['kafka', 'topics', ...b, '--create', '--topic', topicName('rf2')].concat([
          '--replication-factor',
          '2',
        ]),
      );
      expect(replicated.code).toBe(1);
      expect(replicated.stderr).toContain(
        'Error while executing topic command : Unable to replicate the partition 2 time(s)',
      );
    });

    it('gives back the lines produced from stdin, in order within each partition', async () => {
      const b = ['--bootstrap-server', bootstrap()];
      const topic = topicName('lines');
      await ok(['kafka', 'topics', ...b, '--create', '--topic', topic, '--partitions', '3']);
      const sent = Array.from({ length: 30 }, (_, i) => `line ${String(i).padStart(2, '0')}`);
      await ok(['kafka', 'produce', ...b, '--topic', topic], sent.join('\n') + '\n');
      const out = await ok([
        'kafka',
        'consume',
        ...b,
        '--topic',
        topic,
        '--from-beginning',
        '--max-messages',
        '30',
        '--print-partition',
      ]);
      const byPartition = new Map<string, string[]>();
      for (const line of out.trimEnd().split('\n')) {
        const [partition, value] = line.split('\t') as [string, string];
        byPartition.set(partition, [...(byPartition.get(partition) ?? []), value]);
      }
      // Records without a key go round-robin: every partition gets some, each in the sent order.
      expect([...byPartition.keys()].sort()).toEqual(['Partition:0', 'Partition:1', 'Partition:2']);
      for (const values of byPartition.values()) expect(values).toEqual([...values].sort());
      expect([...byPartition.values()].flat().sort()).toEqual(sent);
    });

    it('sends keyed lines with --key-separator; one key keeps one partition, in order', async () => {
      const b = ['--bootstrap-server', bootstrap()];
      const topic = topicName('keyed');
      await ok(['kafka', 'topics', ...b, '--create', '--topic', topic, '--partitions', '3']);
      const input = Array.from({ length: 12 }, (_, i) => `province-${i % 2}:${i}`).join('\n');
      await ok(['kafka', 'produce', ...b, '--topic', topic, '--key-separator', ':'], input);
      const out = await ok(
        ['kafka', 'consume', ...b, '--topic', topic, '--from-beginning'].concat([
          '--max-messages',
          '12',
          '--print-partition',
          '--print-key',
        ]),
      );
      const lines = out.trimEnd().split('\n');
      for (const key of ['province-0', 'province-1']) {
        const fields = lines.map((l) => l.split('\t')).filter((f) => f[1] === key);
        expect(new Set(fields.map((f) => f[0])).size).toBe(1);
        const values = fields.map((f) => f[2]);
        const expected = [...Array(12).keys()].filter((i) => `province-${i % 2}` === key);
        expect(values).toEqual(expected.map(String));
      }
      // A line without the separator is refused with the console producer's message.
      const bad = await dstream(
        ['kafka', 'produce', ...b, '--topic', topic, '--key-separator', ':'],
        'no separator here\n',
      );
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain("No key separator found on line number 1: 'no separator here'");
    });

    it('dstream orders --kafka sends the order lines of the seed to the topic', async () => {
      const b = ['--bootstrap-server', bootstrap()];
      const topic = topicName('orders');
      await ok(['kafka', 'topics', ...b, '--create', '--topic', topic, '--partitions', '3']);
      await ok(
        ['orders', '--kafka', bootstrap(), '--topic', topic, '--seed', '7'].concat([
          '--count',
          '60',
          '--rate',
          '1000',
        ]),
      );
      const out = await ok([
        'kafka',
        'consume',
        ...b,
        '--topic',
        topic,
        '--from-beginning',
        '--max-messages',
        '60',
      ]);
      const generator = new OrderGenerator({ seed: 7 });
      const expected = Array.from({ length: 60 }, () => generator.next());
      expect(out.trimEnd().split('\n').sort()).toEqual(expected.sort());
    });

    it('starts, reports and stops a broker of its own run directory', async () => {
      const runDir = tempDir();
      const [port, controllerPort] = [await freePort(), await freePort()];
      const where = ['--run-dir', runDir];
      const ports = ['--port', String(port), '--controller-port', String(controllerPort)];
      try {
        expect(await ok(['kafka', 'start', ...ports, ...where])).toBe(`127.0.0.1:${port}\n`);
        const status = await dstream(['kafka', 'status', ...where]);
        expect(status.code).toBe(0);
        expect(status.stdout).toMatch(new RegExp(`^running, pid \\d+, port ${port} `));
        expect(
          await ok(['kafka', 'topics', '--bootstrap-server', `127.0.0.1:${port}`, '--list']),
        ).toBe('');
      } finally {
        await dstream(['kafka', 'stop', ...where]);
      }
      const after = await dstream(['kafka', 'status', ...where]);
      expect(after.code).toBe(1);
      expect(after.stdout).toMatch(/^not running/);
      // Stopped means gone: nothing accepts on its port any more.
      const listed = await dstream([
        'kafka',
        'topics',
        '--bootstrap-server',
        `127.0.0.1:${port}`,
        '--list',
      ]);
      expect(listed.stderr).toContain('No Kafka broker reachable');
    });

    it('says the test broker is running, with its pid and port', async () => {
      const status = await ok(['kafka', 'status', '--run-dir', broker.runDir!]);
      expect(status).toBe(
        `running, pid ${/pid (\d+)/.exec(status)![1]}, port ` +
          `${bootstrap().split(':')[1]} (${bootstrap()})\n`,
      );
    });
  },
);

describe('dstream kafka without a broker', () => {
  it('kafka status on a run directory with no broker says it is not running', async () => {
    const dir = tempDir();
    const r = await dstream(['kafka', 'status', '--run-dir', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(`not running (${dir})\n`);
  });

  it('refuses to start on a port another process holds, and says so', async () => {
    const server = createServer();
    servers.push(server);
    const port = await freePort();
    await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
    const r = await dstream(
      ['kafka', 'start', '--port', String(port)].concat([
        '--controller-port',
        String(await freePort()),
        '--run-dir',
        tempDir(),
      ]),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `DSTREAM_ERR_KAFKA_BROKER_START: 127.0.0.1:${port} is already in use by another process`,
    );
  });

  it('a client command with no broker at the address says to start one', async () => {
    const port = await freePort();
    const r = await dstream(
      ['kafka', 'consume', '--bootstrap-server', `127.0.0.1:${port}`].concat([
        '--topic',
        'anything',
      ]),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `DSTREAM_ERR_KAFKA_UNREACHABLE: No Kafka broker reachable at 127.0.0.1:${port}: ` +
        'start one with `dstream kafka start`',
    );
  });
});
