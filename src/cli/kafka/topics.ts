import { Command, InvalidArgumentError } from 'commander';
import {
  createTopic,
  describeTopics,
  listTopics,
  parseBootstrap,
} from '../../sources/kafka/client/index.js';

// `dstream kafka topics`: kafka-topics.sh's --create, --list and --describe, with its flag names.

interface TopicsOptions {
  bootstrapServer: string;
  create?: boolean;
  list?: boolean;
  describe?: boolean;
  topic?: string;
  partitions: number;
  replicationFactor: number;
}

function parseCount(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('Not a whole number ≥ 1.');
  return n;
}

export function topicsCommand(): Command {
  return new Command('topics')
    .summary('create, list or describe topics (as kafka-topics.sh)')
    .requiredOption('--bootstrap-server <servers>', 'host:port of the broker(s)', '127.0.0.1:9092')
    .option('--create', 'create --topic')
    .option('--list', 'list the topics')
    .option('--describe', 'describe --topic, or every topic')
    .option('--topic <name>', 'the topic')
    .option('--partitions <n>', 'with --create: the number of partitions', parseCount, 1)
    .option('--replication-factor <n>', 'with --create: replicas per partition', parseCount, 1)
    .addHelpText(
      'after',
      "\nExamples (the seed's data preparation):\n" +
        '  dstream kafka topics --create --topic orders --partitions 3\n' +
        '  dstream kafka topics --list\n' +
        '  dstream kafka topics --describe --topic orders',
    )
    .action(async function (this: Command, o: TopicsOptions) {
      const actions = [o.create, o.list, o.describe].filter(Boolean).length;
      if (actions !== 1) this.error('error: give exactly one of --create, --list, --describe');
      const bootstrap = parseBootstrap(o.bootstrapServer);
      if (o.create) {
        if (o.topic === undefined) this.error('error: --create needs --topic');
        await createTopic(bootstrap, o.topic, o.partitions, o.replicationFactor);
        process.stdout.write(`Created topic ${o.topic}.\n`);
      } else if (o.list) {
        for (const t of await listTopics(bootstrap)) process.stdout.write(`${t}\n`);
      } else {
        const names = o.topic !== undefined ? [o.topic] : await listTopics(bootstrap);
        // kafka-topics.sh --describe's layout: a line per topic, a tab-indented line per partition.
        for (const t of await describeTopics(bootstrap, names)) {
          const rf = t.partitions[0]?.replicas.length ?? 0;
          process.stdout.write(
            `Topic: ${t.name}\tTopicId: ${t.id}\tPartitionCount: ${t.partitions.length}\t` +
              `ReplicationFactor: ${rf}\n`,
          );
          for (const p of t.partitions) {
            process.stdout.write(
              `\tTopic: ${t.name}\tPartition: ${p.partition}\tLeader: ${p.leader}\t` +
                `Replicas: ${p.replicas.join(',')}\tIsr: ${p.isr.join(',')}\n`,
            );
          }
        }
      }
    });
}
