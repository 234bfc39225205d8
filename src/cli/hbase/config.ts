import { join } from 'node:path';

// The configuration files of the standalone HBase, written into its run directory at each start.
// Its conf/ folder goes first on the JVM's classpath, where HBaseConfiguration.create() finds
// hbase-site.xml (hbase-default.xml comes from hbase-common's jar).

/** The ports HBase binds, all on 127.0.0.1. */
export interface HBasePorts {
  /** The REST gateway: what clients and the sink use. */
  readonly rest: number;
  readonly zookeeper: number;
  readonly master: number;
  readonly regionServer: number;
}

/** hbase-site.xml of a standalone HBase (master, region server, ZooKeeper in one JVM) on loopback. */
export function hbaseSite(runDir: string, ports: HBasePorts): string {
  const properties: [string, string | number][] = [
    // Standalone: HMaster starts a ZooKeeper and one region server in its own JVM.
    ['hbase.cluster.distributed', 'false'],
    ['hbase.rootdir', `file://${join(runDir, 'root')}`],
    ['hbase.tmp.dir', join(runDir, 'tmp')],
    ['hbase.zookeeper.property.dataDir', join(runDir, 'zk')],
    // The local file system has no hflush: without this the master aborts at start-up
    // (StreamLacksCapabilityException).
    ['hbase.unsafe.stream.capability.enforce', 'false'],
    ['hbase.zookeeper.quorum', '127.0.0.1'],
    ['hbase.zookeeper.property.clientPort', ports.zookeeper],
    ['hbase.master.hostname', '127.0.0.1'],
    ['hbase.unsafe.regionserver.hostname', '127.0.0.1'],
    ['hbase.master.port', ports.master],
    ['hbase.regionserver.port', ports.regionServer],
    ['hbase.master.ipc.address', '127.0.0.1'],
    ['hbase.regionserver.ipc.address', '127.0.0.1'],
    // No web UIs: they would bind 0.0.0.0:16010, 16030 and 8085.
    ['hbase.master.info.port', -1],
    ['hbase.regionserver.info.port', -1],
    ['hbase.rest.info.port', -1],
    // Ready in about 9 s instead of 22: stop waiting for more region servers once the only one
    // checked in (default: 4.5 s more), and let it report every second (default 3 s).
    ['hbase.master.wait.on.regionservers.maxtostart', 1],
    ['hbase.regionserver.msginterval', 1000],
    // Stopped in seconds instead of 20+: in one JVM ZooKeeper may stop before the region server
    // has deleted its znodes, and each call would be retried with the default backoff.
    ['zookeeper.recovery.retry', 1],
    ['zookeeper.recovery.retry.intervalmill', 100],
    ['hbase.rest.host', '127.0.0.1'],
    ['hbase.rest.port', ports.rest],
  ];
  return [
    '<?xml version="1.0"?>',
    '<!-- Written by `dstream hbase start` at each start; edits are lost. -->',
    '<configuration>',
    ...properties.map(([k, v]) => `  <property><name>${k}</name><value>${v}</value></property>`),
    '</configuration>',
    '',
  ].join('\n');
}

/** The REST port written in a run directory's hbase-site.xml. */
export function restPortIn(site: string): number {
  return Number(/<name>hbase\.rest\.port<\/name><value>(\d+)</.exec(site)?.[1]);
}

/** Quiet logging: WARN and up, plus the lines that mark start and stop. */
export function log4jConfig(): string {
  return [
    'status = warn',
    // HBase's own shutdown hooks log while the JVM stops: keep log4j alive for them.
    'shutdownHook = disable',
    'appender.console.type = Console',
    'appender.console.name = STDOUT',
    'appender.console.layout.type = PatternLayout',
    'appender.console.layout.pattern = %d{ISO8601} %-5p [%t] %c{2}: %m%n',
    'rootLogger.level = WARN',
    'rootLogger.appenderRef.stdout.ref = STDOUT',
    'logger.master.name = org.apache.hadoop.hbase.master.HMaster',
    'logger.master.level = INFO',
    'logger.rest.name = org.apache.hadoop.hbase.rest.RESTServer',
    'logger.rest.level = INFO',
    // Noise at every start: no native Hadoop library, no metrics2 configuration, no znode file,
    // and the launcher's own probe of the master while it starts ("Retrieve cluster id failed").
    ...quiet('NativeCodeLoader', 'org.apache.hadoop.util.NativeCodeLoader'),
    ...quiet('MetricsConfig', 'org.apache.hadoop.metrics2.impl.MetricsConfig'),
    ...quiet('ZNodeClearer', 'org.apache.hadoop.hbase.ZNodeClearer'),
    ...quiet('ConnectionImplementation', 'org.apache.hadoop.hbase.client.ConnectionImplementation'),
    ...quiet('ZKConnectionRegistry', 'org.apache.hadoop.hbase.client.ZKConnectionRegistry'),
    '',
  ].join('\n');
}

function quiet(id: string, logger: string): string[] {
  return [`logger.${id}.name = ${logger}`, `logger.${id}.level = ERROR`];
}

/**
 * What HBase needs on Java 17+ (bin/hbase's add_jdk11_jvm_flags): without them the REST server's
 * JAXB fails with InaccessibleObjectException and its port never opens.
 */
export const JAVA17_FLAGS: readonly string[] = [
  '-Dorg.apache.hbase.thirdparty.io.netty.tryReflectionSetAccessible=true',
  '--add-modules=jdk.unsupported',
  ...[
    'java.io',
    'java.nio',
    'sun.nio.ch',
    'java.lang',
    'jdk.internal.ref',
    'java.lang.reflect',
    'java.util',
    'java.util.concurrent',
  ].map((p) => `--add-opens=java.base/${p}=ALL-UNNAMED`),
  ...[
    'java.base/jdk.internal.misc',
    'java.security.jgss/sun.security.krb5',
    'java.base/sun.net.dns',
    'java.base/sun.net.util',
  ].map((p) => `--add-exports=${p}=ALL-UNNAMED`),
];
