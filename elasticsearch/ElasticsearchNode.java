package dstream.servers;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

import org.elasticsearch.common.logging.LogConfigurator;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.node.InternalSettingsPreparer;
import org.elasticsearch.node.Node;
import org.elasticsearch.plugins.PluginsLoader;

/**
 * One Elasticsearch 8.19 node in this JVM, from the jars of elasticsearch/pom.xml:
 *
 *   java --module-path lib --add-modules ALL-MODULE-PATH -cp classes \
 *     dstream.servers.ElasticsearchNode HOME [-Ekey=value ...]
 *
 * The server jars are on the module path (plugins load as module layers that require
 * org.elasticsearch.server); HOME/modules/transport-netty4 holds the HTTP module as a bundle: its
 * jar and the netty jars (which must not be on the module path as well). Its
 * plugin-descriptor.properties is inside its jar; this class copies it out on first start.
 */
public final class ElasticsearchNode {
  public static void main(String[] args) throws Exception {
    Path home = Paths.get(args[0]).toAbsolutePath();
    Map<String, String> overrides = new HashMap<>();
    for (int i = 1; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("-E") || !a.contains("=")) throw new IllegalArgumentException("not -Ekey=value: " + a);
      overrides.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
    }
    // First of all: Elasticsearch's logging facade is null until configured (an NPE otherwise).
    LogConfigurator.configureESLogging();
    Settings input = Settings.builder().put("path.home", home.toString()).build();
    Environment env =
        InternalSettingsPreparer.prepareEnvironment(input, overrides, home.resolve("config"), () -> "node-1");
    LogConfigurator.configureWithoutConfig(env.settings());
    extractDescriptors(env.modulesDir());
    var modules = PluginsLoader.loadModulesBundles(env.modulesDir());
    var plugins = PluginsLoader.loadPluginsBundles(env.pluginsDir());
    // withServerExports must be true: false fails loading a modular plugin with an
    // UnsupportedOperationException in ModuleQualifiedExportsService.
    var loader = PluginsLoader.createPluginsLoader(modules, plugins, Map.of(), true);
    Node node = new Node(env, loader);

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
    }, "elasticsearch-shutdown"));
    node.start();
    // The node's threads are daemons: without this wait the JVM would exit right after start().
    stopped.await();
  }

  /** Copies each module's descriptor out of its jar (META-INF/es-plugins/NAME/) when missing. */
  private static void extractDescriptors(Path modulesDir) throws IOException {
    try (Stream<Path> dirs = Files.list(modulesDir)) {
      for (Path dir : (Iterable<Path>) dirs::iterator) {
        Path descriptor = dir.resolve("plugin-descriptor.properties");
        if (Files.exists(descriptor)) continue;
        String entry = "META-INF/es-plugins/" + dir.getFileName() + "/plugin-descriptor.properties";
        try (Stream<Path> jars = Files.list(dir)) {
          for (Path jar : (Iterable<Path>) jars::iterator) {
            if (!jar.toString().endsWith(".jar")) continue;
            try (ZipFile zip = new ZipFile(jar.toFile())) {
              var found = zip.getEntry(entry);
              if (found == null) continue;
              Path temp = dir.resolve("plugin-descriptor.properties.tmp");
              try (InputStream in = zip.getInputStream(found)) {
                Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
              }
              Files.move(temp, descriptor, StandardCopyOption.ATOMIC_MOVE);
            }
          }
        }
      }
    }
  }
}
