package dev.mediasync.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mediasync.broker.redis.RedisTestKeys;
import dev.mediasync.testkit.RedisAvailable;
import dev.mediasync.testkit.TcpProxy;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two nodes ({@link SyncApp} instances on two ports) sharing the machine's Redis and PostgreSQL (a
 * schema of their own per run): the production setup for several nodes. Devices of one user are
 * spread over both nodes.
 */
class MultiNodeIT {
  static final String RUN = "mn-" + UUID.randomUUID().toString().substring(0, 8);
  static final String PG_URL = "postgresql://postgres@127.0.0.1:5432/test";
  static final String PG_JDBC = "jdbc:postgresql://127.0.0.1:5432/test";
  static final String SCHEMA =
      "sync_mn_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  static TestServer node1;
  static TestServer node2;

  @BeforeAll
  static void start() {
    String url = RedisAvailable.require();
    requirePostgres();
    node1 = node(url);
    node2 = node(url);
  }

  @AfterAll
  static void stop() throws Exception {
    if (node1 != null) {
      node1.close();
    }
    if (node2 != null) {
      node2.close();
    }
    deletePresenceKeys(RedisAvailable.url(), RUN);
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(PG_JDBC, "postgres", "")) {
      c.createStatement().execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
    }
  }

  /** A node on the shared PostgreSQL schema and the Redis at {@code redisUrl}. */
  static TestServer node(String redisUrl) {
    return TestServer.builder()
        .env("SYNC_REDIS_URL", redisUrl)
        .env("SYNC_DATABASE_URL", PG_URL)
        .env("SYNC_DATABASE_SCHEMA", SCHEMA)
        .start();
  }

  /** Under CI=true a missing PostgreSQL fails the test; elsewhere it skips with a message. */
  static void requirePostgres() {
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(PG_JDBC, "postgres", "")) {
      // reachable
    } catch (java.sql.SQLException e) {
      String message = "PostgreSQL not reachable at " + PG_URL + ": " + e.getMessage();
      if ("true".equals(System.getenv("CI"))) {
        org.junit.jupiter.api.Assertions.fail(message, e);
      }
      org.junit.jupiter.api.Assumptions.abort(message + " (start PostgreSQL to run this test)");
    }
  }

  static String user(String base) {
    return RUN + "-" + base;
  }

  @Test
  void writeOnNode1_reachesTvOnNode2() {
    String u = user("w");
    try (WsClient tv = node2.connect(u, "tv")) {
      awaitLive(tv, node1, u);
      WsClient phone = node1.connect(u, "phone");
      tv.awaitType("device_online");
      Http.Resp r =
          node1
              .http()
              .post(
                  "/api/v1/sync/watchlist",
                  node1.token(u, "phone"),
                  "{\"operation\":\"add\",\"content_id\":\"tmdb:550\"}");
      assertThat(r.status()).isEqualTo(200);
      JsonNode op = tv.awaitType("watchlist_update");
      assertThat(op.path("content_id").asText()).isEqualTo("tmdb:550");
      assertThat(op.path("device_id").asText()).isEqualTo("phone");
      assertThat(op.path("timestamp").asText()).isEqualTo(r.json().path("timestamp").asText());
      phone.expectSilence(Duration.ofMillis(200)); // the writer does not get its own op
      phone.close();
    }
  }

  @Test
  void presence_isSharedAcrossNodes() {
    String u = user("p");
    try (WsClient phone = node1.connect(u, "phone")) {
      awaitLive(phone, node2, u);
      WsClient tv = node2.connect(u, "tv", "&name=Living%20room&type=tv");
      JsonNode online = phone.awaitType("device_online");
      assertThat(online.path("device_id").asText()).isEqualTo("tv");
      assertThat(online.path("name").asText()).isEqualTo("Living room");

      JsonNode devices = node1.http().get("/api/v1/devices", node1.token(u, null)).json();
      assertThat(devices.path("devices")).hasSize(2);
      JsonNode tv0 = devices.path("devices").get(1);
      assertThat(tv0.path("device_id").asText()).isEqualTo("tv");
      assertThat(tv0.path("online").asBoolean()).isTrue();
      assertThat(tv0.path("type").asText()).isEqualTo("tv");

      tv.close();
      assertThat(phone.awaitType("device_offline").path("device_id").asText()).isEqualTo("tv");
      JsonNode after = node1.http().get("/api/v1/devices", node1.token(u, null)).json();
      assertThat(after.path("devices").get(1).path("online").asBoolean()).isFalse();
    }
  }

  @Test
  void handoff_fromDeviceOnNode1_toDeviceOnNode2() {
    String u = user("h");
    try (WsClient phone = node1.connect(u, "phone")) {
      awaitLive(phone, node2, u);
      WsClient tv = node2.connect(u, "tv");
      phone.awaitType("device_online");
      awaitLive(tv, node1, u);
      node1
          .http()
          .post(
              "/api/v1/sync/progress",
              node1.token(u, "phone"),
              "{\"content_id\":\"tmdb:550\",\"position_seconds\":3245,\"duration_seconds\":8217,"
                  + "\"state\":\"playing\"}");
      tv.awaitType("progress_update");
      Http.Resp r =
          node1
              .http()
              .post(
                  "/api/v1/devices/handoff",
                  node1.token(u, "phone"),
                  "{\"target_device_id\":\"tv\",\"content_id\":\"tmdb:550\"}");
      assertThat(r.status()).isEqualTo(202);
      String handoffId = r.json().path("handoff_id").asText();
      JsonNode play = tv.awaitType("device_command");
      assertThat(play.path("command").asText()).isEqualTo("play");
      assertThat(play.path("position_seconds").asDouble()).isEqualTo(3245);
      assertThat(play.path("handoff_id").asText()).isEqualTo(handoffId);
      JsonNode pause = phone.awaitType("device_command");
      assertThat(pause.path("command").asText()).isEqualTo("pause");

      tv.send(
          "{\"type\":\"handoff_ack\",\"handoff_id\":\""
              + handoffId
              + "\",\"status\":\"accepted\"}");
      JsonNode result = phone.awaitType("handoff_result");
      assertThat(result.path("handoff_id").asText()).isEqualTo(handoffId);
      assertThat(result.path("status").asText()).isEqualTo("accepted");
      tv.close();
    }
  }

  @Test
  void reconnectingToTheOtherNode_withSince_catchesUpWithoutGapOrDuplicate() {
    String u = user("c");
    String token = node1.token(u, "phone");
    String since;
    try (WsClient tv = node2.connect(u, "tv")) {
      awaitLive(tv, node1, u);
      post(node1, token, "c-0");
      since = tv.awaitType("watchlist_update").path("timestamp").asText();
    }
    List<String> missed = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      missed.add(post(i % 2 == 0 ? node1 : node2, token, "c-" + i));
    }
    try (WsClient tv = node1.connect(u, "tv", "&since=" + since)) {
      for (String expected : missed) {
        assertThat(tv.awaitType("watchlist_update").path("content_id").asText())
            .isEqualTo(expected);
      }
      post(node2, token, "c-live");
      assertThat(tv.awaitType("watchlist_update").path("content_id").asText()).isEqualTo("c-live");
      tv.expectSilence(Duration.ofMillis(200));
    }
  }

  @Test
  void concurrentWritesOnBothNodes_convergeToTheSameStateOnBoth() throws Exception {
    String u = user("lww");
    int perNode = 40;
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    List<AssertionError> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (TestServer node : List.of(node1, node2)) {
      String device = node == node1 ? "phone" : "tv";
      String token = node.token(u, device);
      Thread t =
          new Thread(
              () -> {
                try {
                  go.await();
                  for (int i = 0; i < perNode; i++) {
                    String item = "m" + (i % 4);
                    String op = i % 3 == 2 ? "remove" : "add";
                    ok(
                        node.http()
                            .post(
                                "/api/v1/sync/watchlist",
                                token,
                                "{\"operation\":\"" + op + "\",\"content_id\":\"" + item + "\"}"));
                    ok(
                        node.http()
                            .post(
                                "/api/v1/sync/progress",
                                token,
                                "{\"content_id\":\"film\",\"position_seconds\":"
                                    + i
                                    + ",\"duration_seconds\":100,\"state\":\"playing\"}"));
                    ok(
                        node.http()
                            .put(
                                "/api/v1/sync/preferences/lang",
                                token,
                                "{\"value\":\"" + device + "-" + i + "\"}"));
                  }
                } catch (AssertionError e) {
                  errors.add(e);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      t.start();
      threads.add(t);
    }
    go.countDown();
    for (Thread t : threads) {
      t.join(60_000);
    }
    assertThat(errors).isEmpty();

    for (String path :
        List.of("/api/v1/sync/watchlist", "/api/v1/sync/progress", "/api/v1/sync/preferences")) {
      waitFor(
          () ->
              node1
                  .http()
                  .get(path, node1.token(u, null))
                  .body()
                  .equals(node2.http().get(path, node2.token(u, null)).body()),
          "GET " + path + " equal on both nodes");
    }
    // And equal to a fresh replay of the shared log: no node kept a divergent replica.
    String wl1 = node1.http().get("/api/v1/sync/watchlist", node1.token(u, null)).body();
    String pr1 = node1.http().get("/api/v1/sync/progress", node1.token(u, null)).body();
    try (TestServer fresh = node(RedisAvailable.url())) {
      assertThat(fresh.http().get("/api/v1/sync/watchlist", fresh.token(u, null)).body())
          .isEqualTo(wl1);
      assertThat(fresh.http().get("/api/v1/sync/progress", fresh.token(u, null)).body())
          .isEqualTo(pr1);
    }
  }

  @Test
  void redisDown_writesStillDurable_readiness503_thenDeliveryResumes_andReconnectCatchesUp() {
    String u = user("down");
    try (TcpProxy proxy = TcpProxy.start(RedisAvailable.host(), RedisAvailable.port());
        TestServer a = proxied(proxy);
        TestServer b = proxied(proxy)) {
      String token = a.token(u, "phone");
      WsClient tv = b.connect(u, "tv");
      awaitLive(tv, a, u);
      String before = post(a, token, "before");
      assertThat(tv.awaitType("watchlist_update").path("content_id").asText()).isEqualTo(before);
      String since = tvTimestampOfLast(a, u);

      proxy.cut();
      waitFor(() -> a.http().get("/health/ready", null).status() == 503, "node 1 not ready");
      Http.Resp ready = a.http().get("/health/ready", null);
      assertThat(ready.json().path("checks").path("broker").asText()).isEqualTo("down");
      assertThat(ready.json().path("checks").path("store").asText()).isEqualTo("ok");
      String during = post(a, token, "during"); // 200: durable though not delivered
      assertThat(
              b.http()
                  .get("/api/v1/sync/watchlist", b.token(u, null))
                  .json()
                  .path("items")
                  .toString())
          .contains("during"); // node 2 reads it from the shared store (its replica was dropped)

      proxy.resume();
      waitFor(() -> a.http().get("/health/ready", null).status() == 200, "node 1 ready again");
      waitFor(() -> b.http().get("/health/ready", null).status() == 200, "node 2 ready again");
      // Live delivery to the TV on node 2 resumes (its subscription was restored).
      String afterOp = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      boolean delivered = false;
      while (!delivered && System.nanoTime() < deadline) {
        afterOp = post(a, token, "after-" + System.nanoTime());
        for (String m : drainFor(tv, Duration.ofMillis(300))) {
          delivered |= m.contains(afterOp);
        }
      }
      assertThat(delivered).as("live delivery after Redis came back").isTrue();
      tv.close();
      // The op written while Redis was down reaches the TV when it reconnects with since=.
      try (WsClient again = b.connect(u, "tv", "&since=" + since)) {
        assertThat(again.awaitType("watchlist_update").path("content_id").asText())
            .isEqualTo("during");
      }
    }
  }

  // ---------------------------------------------------------------- helpers

  /**
   * Waits until {@code ws}'s session receives live traffic from the other node: the welcome is sent
   * before the node's Redis SUBSCRIBE is confirmed (one round trip), and a device connecting
   * without {@code since=} is not sent what is published in between (see the report's known gaps).
   * Probes with a preference write through {@code via}, then drops the probe messages.
   */
  private static void awaitLive(WsClient ws, TestServer via, String u) {
    String token = via.token(u, "probe");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      ok(via.http().put("/api/v1/sync/preferences/probe", token, "{\"value\":1}"));
      for (String m : drainFor(ws, Duration.ofMillis(100))) {
        if (m.contains("preference_update")) {
          drainFor(ws, Duration.ofMillis(100));
          return;
        }
      }
    }
    throw new AssertionError("session never went live");
  }

  private static TestServer proxied(TcpProxy proxy) {
    return node("redis://127.0.0.1:" + proxy.port());
  }

  /** The timestamp of the newest op in the user's log, as a device that saw it would send. */
  private static String tvTimestampOfLast(TestServer node, String u) {
    return node.http()
        .get("/api/v1/sync/watchlist", node.token(u, null))
        .json()
        .path("timestamp")
        .asText();
  }

  private static List<String> drainFor(WsClient ws, Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return ws.drain();
  }

  /** Adds {@code contentId} to the watchlist through {@code node}; returns the content id. */
  private static String post(TestServer node, String token, String contentId) {
    ok(
        node.http()
            .post(
                "/api/v1/sync/watchlist",
                token,
                "{\"operation\":\"add\",\"content_id\":\"" + contentId + "\"}"));
    return contentId;
  }

  private static void ok(Http.Resp r) {
    assertThat(r.status()).as("%s", r).isEqualTo(200);
  }

  private static void waitFor(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 10 s: " + what);
      }
      try {
        Thread.sleep(25);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /** Deletes the presence keys of this run's users (never anyone else's). */
  private static void deletePresenceKeys(String url, String run) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      RedisTestKeys.deleteAll(vertx, url, "presence:{" + run + "-");
    } finally {
      vertx.close();
    }
  }
}
