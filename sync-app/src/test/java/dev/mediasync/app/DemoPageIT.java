package dev.mediasync.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mediasync.testkit.NodeTests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The demo page in headless Chromium: {@code src/test/browser/demo.test.mjs} (Playwright, driving
 * Debian's Chromium) starts the shaded jar in dev mode and opens two pages as two devices of one
 * user. Screenshots and the service log go to {@code target/browser-test/}.
 *
 * <p>Needs node, {@code npm ci} in {@code src/test/browser} and Chromium ({@code CHROMIUM_PATH},
 * default {@code /usr/bin/chromium}); {@code .ci/run} installs them. Missing ones fail under {@code
 * CI=true} and skip locally.
 */
class DemoPageIT {

  @Test
  void demoPageSyncsTwoDevicesInChromium() throws IOException, InterruptedException {
    Path jar = Path.of("target", "sync-app.jar").toAbsolutePath();
    assertThat(jar).as("the shaded jar (built in the package phase)").exists();
    Path dir = Path.of("src", "test", "browser").toAbsolutePath();
    Path chromium = Path.of(System.getenv().getOrDefault("CHROMIUM_PATH", "/usr/bin/chromium"));
    NodeTests.require(
        Files.isExecutable(chromium),
        "Chromium at " + chromium,
        "apt-get install -y chromium (or set CHROMIUM_PATH)");
    NodeTests.node();
    NodeTests.require(
        Files.exists(dir.resolve("node_modules/playwright-core/package.json")),
        "playwright-core in " + dir + "/node_modules",
        "run npm ci in " + dir);
    Path artifacts = Path.of("target", "browser-test").toAbsolutePath();
    NodeTests.run(
        dir,
        List.of("demo.test.mjs"),
        Map.of(
            "SYNC_APP_JAR", jar.toString(),
            "CHROMIUM_PATH", chromium.toString(),
            "ARTIFACTS_DIR", artifacts.toString(),
            "JAVA_BIN", Path.of(System.getProperty("java.home"), "bin", "java").toString()),
        artifacts.resolve("node-test.log"),
        600);
  }
}
