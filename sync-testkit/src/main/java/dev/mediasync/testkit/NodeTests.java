package dev.mediasync.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs JavaScript tests ({@code node --test}) from JUnit, so {@code mvn verify} covers the browser
 * client and the demo page.
 *
 * <p>A missing tool (node, Chromium, {@code node_modules}) fails the test under {@code CI=true} (CI
 * installs them; a skip there would hide a broken setup) and skips it elsewhere, with a message
 * that says what to install.
 */
public final class NodeTests {
  private NodeTests() {}

  /** True when running in CI ({@code CI=true}), where missing tools are failures, not skips. */
  public static boolean inCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  /** Fails under CI, else skips the calling test, when {@code present} is false. */
  public static void require(boolean present, String what, String howToInstall) {
    if (present) {
      return;
    }
    String message = what + " is missing: " + howToInstall;
    if (inCi()) {
      Assertions.fail(message + " (CI=true: this test must run, not skip)");
    }
    Assumptions.abort(message + " (skipped outside CI)");
  }

  /** The first executable named {@code name} on the PATH. */
  public static Optional<Path> onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** The node executable, or a skip/fail per {@link #require}. */
  public static Path node() {
    Optional<Path> node = onPath("node");
    require(node.isPresent(), "node (Node.js 20+)", "apt-get install -y nodejs");
    return node.get();
  }

  /**
   * Runs {@code node --test <files>} in {@code dir} with extra {@code env}, copying its output to
   * {@code log} and to stdout, and asserts exit code 0 within {@code timeoutSeconds}.
   */
  public static void run(
      Path dir, List<String> files, Map<String, String> env, Path log, long timeoutSeconds)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(node().toString());
    command.add("--test");
    command.add("--test-reporter=spec");
    command.addAll(files);
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    pb.environment().putAll(env);
    pb.redirectErrorStream(true);
    Files.createDirectories(log.getParent());
    long started = System.nanoTime();
    Process process = pb.start();
    Thread pump = new Thread(() -> copy(process.getInputStream(), log), "node-test-output");
    pump.setDaemon(true);
    pump.start();
    boolean finished = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
    if (!finished) {
      // node's children (the service, Chromium) first, or they outlive the test run.
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    pump.join(TimeUnit.SECONDS.toMillis(10));
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
    String output = Files.readString(log);
    assertThat(finished)
        .as("node --test %s did not finish within %d s; output:%n%s", files, timeoutSeconds, output)
        .isTrue();
    assertThat(process.exitValue())
        .as("node --test %s failed after %d s (log: %s); output:%n%s", files, seconds, log, output)
        .isZero();
    System.out.printf("node --test %s passed in %d s (log: %s)%n", files, seconds, log);
  }

  private static void copy(InputStream in, Path log) {
    try (in;
        OutputStream out = Files.newOutputStream(log)) {
      byte[] buf = new byte[8192];
      int n;
      while ((n = in.read(buf)) > 0) {
        out.write(buf, 0, n);
        out.flush();
        System.out.write(buf, 0, n);
      }
      System.out.flush();
    } catch (IOException e) {
      // the process ended; what was read is in the log
    }
  }
}
