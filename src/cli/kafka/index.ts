import { Command } from 'commander';
import { consumeCommand } from './consume.js';
import { startCommand, statusCommand, stopCommand } from './lifecycle.js';
import { produceCommand } from './produce.js';
import { topicsCommand } from './topics.js';

/** `dstream kafka`: a development broker and the console tools of Kafka's bin/ folder. */
export function kafkaCommand(): Command {
  return new Command('kafka')
    .summary('run a development Kafka broker; create topics, produce and consume lines')
    .description(
      'A single-node Apache Kafka broker for development and tests (start, stop, status), and ' +
        'the console tools of the course: topics (kafka-topics.sh), produce ' +
        '(kafka-console-producer.sh) and consume (kafka-console-consumer.sh).',
    )
    .addCommand(startCommand())
    .addCommand(stopCommand())
    .addCommand(statusCommand())
    .addCommand(topicsCommand())
    .addCommand(produceCommand())
    .addCommand(consumeCommand())
    .addHelpText(
      'after',
      "\nThe seed's data preparation with dstream alone:\n" +
        '  dstream kafka start\n' +
        '  dstream kafka topics --create --topic orders --partitions 3\n' +
        '  dstream orders --kafka 127.0.0.1:9092 --topic orders --rate 100\n' +
        '  dstream kafka consume --topic orders --from-beginning',
    );
}
