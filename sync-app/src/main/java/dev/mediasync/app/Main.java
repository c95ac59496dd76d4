package dev.mediasync.app;

import dev.mediasync.server.auth.JwtSettings;
import dev.mediasync.server.auth.TokenIssuer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code java -jar sync-app.jar}: reads the environment, starts the service, stops on SIGTERM. */
public final class Main {
  private static final Logger log = LoggerFactory.getLogger(Main.class);
  static final String DEV_USER = "dev-user";

  private Main() {}

  public static void main(String[] args) throws InterruptedException {
    Map<String, String> env = System.getenv();
    AppConfig config;
    JwtSettings jwt;
    try {
      config = AppConfig.fromEnvironment(env);
      jwt =
          env.containsKey(JwtSettings.ENV_SECRET) || env.containsKey(JwtSettings.ENV_PUBLIC_KEY)
              ? JwtSettings.fromEnvironment(env)
              : JwtSettings.generateDevSecret();
    } catch (RuntimeException e) {
      System.err.println("configuration error: " + e.getMessage());
      System.exit(2);
      return;
    }
    SyncApp app;
    try {
      app =
          SyncApp.start(config, jwt, SyncApp.Wiring.production())
              .toCompletionStage()
              .toCompletableFuture()
              .get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      System.err.println("start-up failed: " + cause.getMessage());
      System.exit(1);
      return;
    }
    log.info("sync service listening on {}:{}", config.host(), app.port());
    if (jwt.isDevSecret()) {
      printDevToken(jwt, app.port());
    }
    CountDownLatch stopped = new CountDownLatch(1);
    // SIGTERM (and Ctrl-C) drain and exit 0: a shutdown hook alone would exit 143.
    sun.misc.SignalHandler drain =
        signal -> {
          log.info("{}: draining connections and in-flight writes", signal.getName());
          try {
            app.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
          } catch (Exception e) {
            log.warn("stop did not finish cleanly: {}", e.toString());
          }
          stopped.countDown();
        };
    sun.misc.Signal.handle(new sun.misc.Signal("TERM"), drain);
    sun.misc.Signal.handle(new sun.misc.Signal("INT"), drain);
    stopped.await();
    log.info("stopped");
    System.exit(0);
  }

  private static void printDevToken(JwtSettings jwt, int port) {
    String token = TokenIssuer.forSettings(jwt).issue(DEV_USER, null, Duration.ofDays(1));
    System.out.println();
    System.out.println("No SYNC_JWT_SECRET set: using a random secret for this run (dev mode).");
    System.out.println("Dev token for user '" + DEV_USER + "' (valid 24 h):");
    System.out.println("  " + token);
    System.out.println("Try:");
    System.out.println(
        "  curl -X POST http://localhost:"
            + port
            + "/api/v1/sync/watchlist -H 'Content-Type: application/json' -H 'Authorization: Bearer "
            + token
            + "' -d '{\"operation\":\"add\",\"content_id\":\"tmdb:550\"}'");
    System.out.println("Demo page (two windows = two devices): http://localhost:" + port + "/demo");
    System.out.println();
  }
}
