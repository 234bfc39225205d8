package dstream.servers;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.index.mapper.MapperExtrasPlugin;
import org.opensearch.index.reindex.ReindexPlugin;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.painless.PainlessPlugin;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * One OpenSearch 2.19 node in this JVM, from the jars of opensearch/pom.xml on the classpath:
 *
 *   java -cp "classes:libs/*" dstream.servers.OpenSearchNode HOME [-Ekey=value ...]
 *
 * HOME/config/opensearch.yml is read as a distribution reads it and -E settings override it, as
 * with bin/opensearch. There is no modules/ folder: the modules a distribution loads from it are
 * passed as classpath plugins (without Netty4Plugin the node has no HTTP at all). SIGTERM closes
 * the node, which flushes and releases the data directory's lock.
 */
public final class OpenSearchNode {
  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: OpenSearchNode HOME [-Ekey=value ...]");
      System.exit(2);
    }
    Path home = Paths.get(args[0]).toAbsolutePath();
    Map<String, String> overrides = new HashMap<>();
    for (int i = 1; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("-E") || !a.contains("=")) throw new IllegalArgumentException("not -Ekey=value: " + a);
      overrides.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
    }
    Settings input = Settings.builder().put("path.home", home.toString()).build();
    Environment env =
        InternalSettingsPreparer.prepareEnvironment(input, overrides, home.resolve("config"), () -> "node-1");
    List<Class<? extends Plugin>> modules = List.of(
        Netty4Plugin.class,
        CommonAnalysisPlugin.class,
        MapperExtrasPlugin.class,
        ReindexPlugin.class,
        PainlessPlugin.class);
    // Node's constructor that takes classpath plugins is protected: an anonymous subclass reaches
    // it, as OpenSearch's own test framework does.
    Node node = new Node(env, modules, true) {};

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        node.close();
        node.awaitClose(20, TimeUnit.SECONDS);
      } catch (Exception e) {
        e.printStackTrace();
      } finally {
        stopped.countDown();
      }
    }, "opensearch-shutdown"));
    node.start();
    // The node's threads are daemons: without this wait the JVM would exit right after start().
    stopped.await();
  }
}
