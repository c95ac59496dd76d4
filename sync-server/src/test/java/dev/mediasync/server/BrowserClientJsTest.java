package dev.mediasync.server;

import dev.mediasync.testkit.NodeTests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The browser client's unit tests ({@code src/test/js/*.test.mjs}: codec against the golden
 * vectors, CRDT rules, HLC, SyncClient against a fake socket) under {@code node --test}. They need
 * only Node.js, no npm packages.
 */
class BrowserClientJsTest {

  @Test
  void nodeUnitTestsPass() throws IOException, InterruptedException {
    Path dir = Path.of("src", "test", "js").toAbsolutePath();
    List<String> files;
    try (Stream<Path> list = Files.list(dir)) {
      files =
          list.map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".test.mjs"))
              .sorted()
              .toList();
    }
    NodeTests.run(dir, files, Map.of(), Path.of("target", "node-test.log").toAbsolutePath(), 300);
  }
}
