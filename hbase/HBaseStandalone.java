package dstream.hbase;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hbase.HBaseConfiguration;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.ConnectionFactory;
import org.apache.hadoop.hbase.master.HMaster;
import org.apache.hadoop.hbase.rest.RESTServer;

/**
 * The HBase of `dstream hbase start`: standalone HBase (HMaster, one RegionServer and a ZooKeeper,
 * which `HMaster.main("start")` runs in this JVM when hbase.cluster.distributed=false) plus the REST
 * gateway, in ONE JVM. `dstream hbase start` compiles this file with javac next to the jars.
 *
 *   java ... -cp "RUN_DIR/conf:CLASSES:LIBS/*" dstream.hbase.HBaseStandalone
 *
 * The REST gateway opens its port only once the master has finished initializing, so "the REST port
 * accepts connections" means ready. SIGTERM runs HBase's shutdown hooks (regions closed, memstores
 * flushed) and the JVM exits.
 */
public final class HBaseStandalone {
  public static void main(String[] args) throws Exception {
    long t0 = System.nanoTime();
    // HMaster.main blocks until the master stops: its own thread.
    Thread master = new Thread(() -> {
      try {
        HMaster.main(new String[] { "start" });
      } catch (Throwable e) {
        e.printStackTrace();
        System.exit(1);
      }
    }, "dstream-hbase-master");
    master.start();

    // listNamespaceDescriptors() succeeds only once the master has initialized. A client with the
    // default backoff (up to 10 s between retries) would see that seconds late: few, short retries
    // in a loop of our own instead.
    Configuration probe = HBaseConfiguration.create();
    probe.setInt("hbase.client.retries.number", 2);
    probe.setLong("hbase.client.pause", 100);
    probe.setInt("hbase.client.operation.timeout", 3000);
    probe.setInt("zookeeper.recovery.retry", 0);
    for (;;) {
      try (Connection c = ConnectionFactory.createConnection(probe); Admin admin = c.getAdmin()) {
        admin.listNamespaceDescriptors();
        break;
      } catch (java.io.IOException e) {
        if (!master.isAlive()) throw new IllegalStateException("HMaster exited during start-up", e);
        Thread.sleep(250);
      }
    }
    // Binds hbase.rest.host:hbase.rest.port (hbase-site.xml) and returns once Jetty runs.
    new RESTServer(HBaseConfiguration.create()).run();
    System.out.printf("dstream-hbase: ready in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    master.join();
  }
}
