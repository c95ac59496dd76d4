package dev.mediasync.app;

import dev.mediasync.testkit.ReusablePorts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The service as a separate JVM ({@code dev.mediasync.app.Main} on the test classpath), for tests
 * that must kill or signal a real process.
 */
final class ServiceProcess implements AutoCloseable {
  static final String SECRET = new String(TestServer.SECRET, StandardCharsets.UTF_8);

  private final Process process;
  private final int port;
  private final StringBuffer output = new StringBuffer();

  private ServiceProcess(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  static ServiceProcess start(Path dataDir) throws IOException {
    return start(dataDir, java.util.Map.of());
  }

  /** Starts with {@code extraEnv} on top of the defaults (e.g. a shared database and Redis). */
  static ServiceProcess start(Path dataDir, java.util.Map<String, String> extraEnv)
      throws IOException {
    int port = ReusablePorts.free();
    ProcessBuilder pb =
        new ProcessBuilder(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName()));
    pb.environment().put("SYNC_HOST", "127.0.0.1");
    pb.environment().put("SYNC_PORT", Integer.toString(port));
    pb.environment().put("SYNC_DATA_DIR", dataDir.toString());
    pb.environment().put("SYNC_JWT_SECRET", SECRET);
    // Load tests of durability, not of the rate limits.
    pb.environment().put("SYNC_RATE_LIMIT_DEVICE_PER_SECOND", "0");
    pb.environment().put("SYNC_RATE_LIMIT_USER_PER_SECOND", "0");
    pb.environment().putAll(extraEnv);
    pb.redirectErrorStream(true);
    ServiceProcess sp = new ServiceProcess(pb.start(), port);
    sp.awaitListening();
    return sp;
  }

  private void awaitListening() throws IOException {
    CompletableFuture<Void> up = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  output.append(line).append('\n');
                  if (line.contains("sync service listening")) {
                    up.complete(null);
                  }
                }
              } catch (IOException e) {
                // process ended
              }
              up.completeExceptionally(new IOException("service exited:\n" + output));
            },
            "service-output");
    reader.setDaemon(true);
    reader.start();
    try {
      up.get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      process.destroyForcibly();
      throw new IOException("service did not start:\n" + output, e);
    }
  }

  int port() {
    return port;
  }

  Http http() {
    return new Http("http://127.0.0.1:" + port);
  }

  String output() {
    return output.toString();
  }

  /** SIGTERM, then the exit code. */
  int terminate() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("service did not exit after SIGTERM:\n" + output);
    }
    return process.exitValue();
  }

  /** SIGKILL: no shutdown code runs. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
