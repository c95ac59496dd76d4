package dev.mediasync.client;

import dev.mediasync.app.AppConfig;
import dev.mediasync.app.SyncApp;
import dev.mediasync.core.HybridTimestamp;
import dev.mediasync.protocol.UserState;
import dev.mediasync.server.auth.JwtSettings;
import dev.mediasync.server.auth.TokenIssuer;
import dev.mediasync.testkit.ReusablePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The real service ({@link SyncApp}, the same composition root as production) on a loopback port
 * with its own data directory, for the SDK's end-to-end tests. {@link #stop} and {@link
 * #startAgain} restart it on the same port and data directory, as a deploy would.
 *
 * <p>Started directly rather than through sync-app's test {@code TestServer}: that class lives in
 * another module's test sources, and this needs a restart on the same port, which it does not do.
 */
final class ServerFixture implements AutoCloseable {
  private static final byte[] SECRET =
      "sdk-test-secret-sdk-test-secret-0123456789".getBytes(StandardCharsets.UTF_8);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final Path dataDir;
  private int port;
  private SyncApp app;

  private ServerFixture(Path dataDir) {
    this.dataDir = dataDir;
  }

  static ServerFixture start() {
    try {
      ServerFixture f = new ServerFixture(Files.createTempDirectory("sync-sdk-it-"));
      f.boot(ReusablePorts.free());
      return f;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private void boot(int wantedPort) {
    AppConfig config =
        AppConfig.fromEnvironment(
            Map.of(
                "SYNC_HOST", "127.0.0.1",
                "SYNC_PORT", Integer.toString(wantedPort),
                "SYNC_DATA_DIR", dataDir.toString(),
                // SDK tests send bursts; the rate limits have their own tests (RateLimitIT).
                "SYNC_RATE_LIMIT_DEVICE_PER_SECOND", "0",
                "SYNC_RATE_LIMIT_USER_PER_SECOND", "0",
                "SYNC_RATE_LIMIT_CONNECT_PER_IP_PER_SECOND", "0"));
    app = await(SyncApp.start(config, JwtSettings.hs256(SECRET), SyncApp.Wiring.production()));
    port = app.port();
  }

  /**
   * Stops the service gracefully (sockets get 1001); the port is free until {@link #startAgain}.
   */
  void stop() {
    await(app.stop());
    app = null;
  }

  /** Starts a new service process-equivalent on the same port and data directory. */
  void startAgain() {
    boot(port);
  }

  int port() {
    return port;
  }

  URI baseUrl() {
    return URI.create("http://127.0.0.1:" + port);
  }

  String token(String userId) {
    return TokenIssuer.hs256(SECRET).issue(userId, null, Duration.ofHours(1));
  }

  /** A client for {@code userId} on {@code deviceId}, quick to reconnect. */
  SyncClientOptions.Builder client(String userId, String deviceId) {
    return client(baseUrl(), userId, deviceId);
  }

  SyncClientOptions.Builder client(URI via, String userId, String deviceId) {
    return SyncClientOptions.builder(via, deviceId, () -> token(userId))
        .backoff(Duration.ofMillis(50), Duration.ofMillis(400));
  }

  /** {@code GET path} as {@code userId}; the body of a 200. */
  String get(String userId, String path) {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(baseUrl() + path))
                  .header("Authorization", "Bearer " + token(userId))
                  .header("X-Device-Id", "test-reader")
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new AssertionError("GET " + path + " -> " + r.statusCode() + " " + r.body());
      }
      return r.body();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The user's acknowledged state, straight from the engine. */
  UserState state(String userId) {
    return await(app.engine().sync().state(userId));
  }

  /** How many ops the user's log holds. */
  int loggedOps(String userId) {
    return await(app.engine().store().since(userId, HybridTimestamp.ZERO, 100_000)).ops().size();
  }

  @Override
  public void close() {
    try {
      if (app != null) {
        stop();
      }
    } finally {
      try (Stream<Path> walk = Files.walk(dataDir)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // best effort: a temp dir left behind is harmless
      }
    }
  }

  private static <T> T await(io.vertx.core.Future<T> f) {
    CompletableFuture<T> c = f.toCompletionStage().toCompletableFuture();
    try {
      return c.get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e.getCause() != null ? e.getCause() : e);
    }
  }
}
