package dev.mediasync.app;

import dev.mediasync.engine.EngineOptions;
import dev.mediasync.engine.port.OpStore;
import dev.mediasync.server.auth.JwtSettings;
import dev.mediasync.server.auth.TokenIssuer;
import dev.mediasync.testkit.FakeClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * A real service on a free port with its own data directory and a {@link FakeClock}, for end-to-end
 * tests. Close it to stop the service and delete its data.
 *
 * <pre>{@code
 * try (TestServer server = TestServer.start()) {
 *   WsClient tv = server.connect("alice", "tv");
 *   server.http().post("/api/v1/sync/watchlist", server.token("alice", "phone"), "{...}");
 * }
 * }</pre>
 */
public final class TestServer implements AutoCloseable {
  static final byte[] SECRET = "test-secret-test-secret-test-secret-0123".getBytes();

  private final Path dataDir;
  private final boolean ownsDataDir;
  private final FakeClock clock;
  private final Map<String, String> env;
  private final UnaryOperator<EngineOptions> tuning;
  private final OpStore sharedStore;
  private final io.opentelemetry.api.OpenTelemetry openTelemetry;
  private SyncApp app;

  private TestServer(
      Path dataDir,
      boolean ownsDataDir,
      FakeClock clock,
      Map<String, String> env,
      UnaryOperator<EngineOptions> tuning,
      OpStore sharedStore,
      io.opentelemetry.api.OpenTelemetry openTelemetry) {
    this.openTelemetry = openTelemetry;
    this.dataDir = dataDir;
    this.ownsDataDir = ownsDataDir;
    this.clock = clock;
    this.env = env;
    this.tuning = tuning;
    this.sharedStore = sharedStore;
  }

  public static TestServer start() {
    return builder().start();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Options for a test server. */
  public static final class Builder {
    private final Map<String, String> env = new HashMap<>();
    private UnaryOperator<EngineOptions> tuning = UnaryOperator.identity();
    private Path dataDir;
    private FakeClock clock;
    private OpStore store;

    /**
     * Uses {@code shared} as the op store (several nodes in one JVM); the server won't close it.
     */
    public Builder store(OpStore shared) {
      this.store = shared;
      return this;
    }

    private io.opentelemetry.api.OpenTelemetry openTelemetry;

    /** Tracing through this SDK (e.g. with an in-memory exporter) instead of the environment. */
    public Builder openTelemetry(io.opentelemetry.api.OpenTelemetry otel) {
      this.openTelemetry = otel;
      return this;
    }

    public Builder env(String name, String value) {
      env.put(name, value);
      return this;
    }

    public Builder tuning(UnaryOperator<EngineOptions> t) {
      this.tuning = t;
      return this;
    }

    public Builder dataDir(Path dir) {
      this.dataDir = dir;
      return this;
    }

    public Builder clock(FakeClock c) {
      this.clock = c;
      return this;
    }

    public TestServer start() {
      try {
        Path dir = dataDir != null ? dataDir : Files.createTempDirectory("sync-it-");
        TestServer server =
            new TestServer(
                dir,
                dataDir == null,
                clock != null ? clock : new FakeClock(),
                env,
                tuning,
                store,
                openTelemetry);
        server.boot();
        return server;
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private void boot() {
    Map<String, String> e = new HashMap<>(env);
    e.put("SYNC_HOST", "127.0.0.1");
    e.putIfAbsent("SYNC_PORT", "0");
    e.put("SYNC_DATA_DIR", dataDir.toString());
    // The fake clock stands still, so token buckets never refill: tests that are not about rate
    // limits get limits they cannot reach; RateLimitIT sets its own.
    e.putIfAbsent("SYNC_RATE_LIMIT_DEVICE_BURST", "1000000");
    e.putIfAbsent("SYNC_RATE_LIMIT_USER_BURST", "1000000");
    e.putIfAbsent("SYNC_RATE_LIMIT_CONNECT_PER_IP_PER_SECOND", "1000000");
    AppConfig config = AppConfig.fromEnvironment(e);
    SyncApp.Wiring wiring =
        new SyncApp.Wiring(clock, clock.asJavaClock(), Duration.ofMillis(20), tuning)
            .withOpenTelemetry(openTelemetry);
    if (sharedStore != null) {
      wiring = wiring.withStore(sharedStore);
    }
    app =
        await(
            SyncApp.start(config, JwtSettings.hs256(SECRET), wiring)
                .toCompletionStage()
                .toCompletableFuture());
  }

  /** Stops and starts the service again on the same data directory (a new port). */
  public void restart() {
    await(app.stop().toCompletionStage().toCompletableFuture());
    boot();
  }

  public int port() {
    return app.port();
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port();
  }

  public FakeClock clock() {
    return clock;
  }

  public SyncApp app() {
    return app;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** A token for {@code userId}; with {@code deviceId} null the token names no device. */
  public String token(String userId, String deviceId) {
    return TokenIssuer.hs256(SECRET)
        .withClock(clock.asJavaClock())
        .issue(userId, deviceId, Duration.ofHours(1));
  }

  /** A token granting {@code scopes} (as the {@code scope} claim). */
  public String token(String userId, String deviceId, java.util.Set<String> scopes) {
    return TokenIssuer.hs256(SECRET)
        .withClock(clock.asJavaClock())
        .issue(userId, deviceId, Duration.ofHours(1), scopes);
  }

  public Http http() {
    return new Http(baseUrl());
  }

  /** Connects a device by WebSocket and waits for its welcome. */
  public WsClient connect(String userId, String deviceId) {
    return connect(userId, deviceId, "");
  }

  /** Connects with extra query parameters, e.g. {@code "&since=123&name=TV"}. */
  public WsClient connect(String userId, String deviceId, String extraQuery) {
    WsClient ws =
        WsClient.open(
            "ws://127.0.0.1:" + port() + "/ws?device_id=" + deviceId + extraQuery,
            token(userId, null));
    ws.expectType("welcome");
    return ws;
  }

  @Override
  public void close() {
    try {
      if (app != null) {
        await(app.stop().toCompletionStage().toCompletableFuture());
      }
    } finally {
      if (ownsDataDir) {
        deleteRecursively(dataDir);
      }
    }
  }

  static <T> T await(java.util.concurrent.CompletableFuture<T> f) {
    try {
      return f.get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e.getCause() != null ? e.getCause() : e);
    }
  }

  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: a temp dir left behind is harmless
    }
  }
}
