import { createInterface } from 'node:readline';
import { Command } from 'commander';
import { DStreamError } from '../../errors.js';
import {
  openProducer,
  parseBootstrap,
  type StringRecord,
} from '../../sources/kafka/client/index.js';
import { note } from '../options.js';

// `dstream kafka produce`: kafka-console-producer.sh. One record per stdin line; with
// --key-separator, the text before the first separator is the key (parse.key=true).

interface ProduceOptions {
  bootstrapServer: string;
  topic: string;
  brokerList?: string;
  keySeparator?: string;
}

/** Lines are sent in batches of this many, or every FLUSH_MS when fewer are typed. */
const BATCH = 1000;
const FLUSH_MS = 50;

export function produceCommand(): Command {
  return new Command('produce')
    .summary('send stdin lines to a topic, one record per line (as kafka-console-producer.sh)')
    .requiredOption('--bootstrap-server <servers>', 'host:port of the broker(s)', '127.0.0.1:9092')
    .option('--broker-list <servers>', 'the name of --bootstrap-server before Kafka 4.0 (the seed)')
    .requiredOption('--topic <name>', 'the topic')
    .option('--key-separator <text>', 'split each line into key and value at this text')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  dstream kafka produce --topic words                 # type lines, Ctrl-D ends\n' +
        '  dstream orders --seed 7 --count 1000 | dstream kafka produce --topic orders',
    )
    .action((o: ProduceOptions) => produce(o));
}

async function produce(o: ProduceOptions): Promise<void> {
  const producer = await openProducer(
    parseBootstrap(o.brokerList ?? o.bootstrapServer),
    'dstream-console-producer',
  );
  let pending: StringRecord[] = [];
  let sending: Promise<void> = Promise.resolve();
  let failure: Error | undefined;
  let sent = 0;
  const flush = (): Promise<void> => {
    if (pending.length === 0) return sending;
    const batch = pending;
    pending = [];
    sending = sending
      .then(() => producer.send(o.topic, batch))
      .then(
        () => void (sent += batch.length),
        (e: unknown) => void (failure ??= e instanceof Error ? e : new Error(String(e))),
      );
    return sending;
  };
  const timer = setInterval(() => void flush(), FLUSH_MS);
  let lineNumber = 0;
  try {
    for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
      lineNumber++;
      pending.push(toRecord(line, lineNumber, o.keySeparator));
      if (pending.length >= BATCH) await flush();
      if (failure !== undefined) break;
    }
    await flush();
    if (failure !== undefined) throw failure;
  } finally {
    clearInterval(timer);
    await producer.close();
  }
  note('kafka produce', `${sent} records to ${o.topic}`);
}

function toRecord(line: string, lineNumber: number, separator: string | undefined): StringRecord {
  if (separator === undefined) return { value: line };
  const at = line.indexOf(separator);
  if (at < 0) {
    // kafka-console-producer.sh's message for the same line.
    throw new DStreamError(
      'DSTREAM_ERR_KAFKA_INPUT',
      `No key separator found on line number ${lineNumber}: '${line}'`,
    );
  }
  return { key: line.slice(0, at), value: line.slice(at + separator.length) };
}
