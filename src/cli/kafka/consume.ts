import { Command, InvalidArgumentError } from 'commander';
import { consume, parseBootstrap } from '../../sources/kafka/client/index.js';
import { note, onInterrupt } from '../options.js';

// `dstream kafka consume`: kafka-console-consumer.sh. Prints each record's value on a line, until
// Ctrl-C or --max-messages. Like the console consumer it reads in a group (a fresh one unless
// --group), from the group's committed offsets, else from the end or, with --from-beginning,
// the start.

interface ConsumeCliOptions {
  bootstrapServer: string;
  topic: string;
  fromBeginning?: boolean;
  maxMessages?: number;
  group?: string;
  printKey?: boolean;
  printPartition?: boolean;
}

function parseCount(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('Not a whole number ≥ 1.');
  return n;
}

export function consumeCommand(): Command {
  return new Command('consume')
    .summary('print the records of a topic, one value per line (as kafka-console-consumer.sh)')
    .requiredOption('--bootstrap-server <servers>', 'host:port of the broker(s)', '127.0.0.1:9092')
    .requiredOption('--topic <name>', 'the topic')
    .option('--from-beginning', 'start at the earliest offset when the group has none committed')
    .option('--max-messages <n>', 'exit after this many records', parseCount)
    .option('--group <id>', 'the consumer group (its offsets are committed on exit)')
    .option('--print-partition', 'start each line with Partition:<n><TAB>')
    .option('--print-key', 'print key<TAB>value')
    .addHelpText(
      'after',
      '\nExample:\n  dstream kafka consume --topic orders --from-beginning --max-messages 10',
    )
    .action((o: ConsumeCliOptions) => consumeToStdout(o));
}

async function consumeToStdout(o: ConsumeCliOptions): Promise<void> {
  // The console consumer's own naming for its throw-away group.
  const groupId = o.group ?? `console-consumer-${Math.floor(Math.random() * 100_000)}`;
  let count = 0;
  let finish!: (error?: Error) => void;
  const finished = new Promise<void>((resolve, reject) => {
    finish = (error) => (error === undefined ? resolve() : reject(error));
  });
  const consumer = await consume(parseBootstrap(o.bootstrapServer), {
    topics: [o.topic],
    groupId,
    reset: o.fromBeginning ? 'earliest' : 'latest',
    onMessage: (m) => {
      if (o.maxMessages !== undefined && count >= o.maxMessages) return;
      count++;
      // The order of kafka-console-consumer.sh's print.partition and print.key properties.
      const partition = o.printPartition ? `Partition:${m.partition}\t` : '';
      const key = o.printKey ? `${m.key ?? 'null'}\t` : '';
      process.stdout.write(`${partition}${key}${m.value}\n`);
      if (count === o.maxMessages) finish();
    },
    onError: (e) => finish(e),
  });
  onInterrupt('kafka consume', async () => finish());
  try {
    await finished;
    // Only a named group is worth its offsets: a fresh one is never read again.
    if (o.group !== undefined) await consumer.commit();
  } finally {
    await consumer.close();
  }
  note('kafka consume', `Processed a total of ${count} messages`);
}
