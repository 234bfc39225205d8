import { join } from 'node:path';

// The broker's configuration files, written into its run directory at each start.

/** server.properties of a single-node KRaft broker (broker and controller) on 127.0.0.1 only. */
export function brokerConfig(runDir: string, port: number, controllerPort: number): string {
  return [
    '# Written by `dstream kafka start` at each start; edits are lost.',
    'process.roles=broker,controller',
    'node.id=1',
    // A dynamic quorum (formatted with --standalone); static controller.quorum.voters would make
    // StorageTool refuse --standalone.
    `controller.quorum.bootstrap.servers=127.0.0.1:${controllerPort}`,
    // 127.0.0.1, never localhost: Node may resolve localhost to ::1, and the broker is IPv4 only.
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    'inter.broker.listener.name=PLAINTEXT',
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    `log.dirs=${join(runDir, 'data')}`,
    'num.partitions=1',
    'num.recovery.threads.per.data.dir=1',
    // One broker: every internal topic has one replica.
    'offsets.topic.replication.factor=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    // Development speed: no 3 s wait for more members before a group's first rebalance, and
    // internal topics of 1 partition instead of 50.
    'group.initial.rebalance.delay.ms=0',
    'offsets.topic.num.partitions=1',
    'transaction.state.log.num.partitions=1',
    '',
  ].join('\n');
}

/** Quiet logging: WARN and up, plus the line that says the broker started. */
export function log4jConfig(): string {
  return [
    'status = warn',
    // Without this every SIGTERM logs "Unable to register Log4j shutdown hook because JVM is
    // shutting down"; Kafka's own shutdown hook keeps log4j alive.
    'shutdownHook = disable',
    'appender.console.type = Console',
    'appender.console.name = STDOUT',
    'appender.console.layout.type = PatternLayout',
    'appender.console.layout.pattern = [%d] %p %m (%c)%n',
    'rootLogger.level = WARN',
    'rootLogger.appenderRef.stdout.ref = STDOUT',
    'logger.started.name = kafka.server.KafkaRaftServer',
    'logger.started.level = INFO',
    '',
  ].join('\n');
}
