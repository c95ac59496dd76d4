package dev.mediasync.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Token buckets per device and per user, the abuse close, and the connection cap, under the fake
 * clock: a bucket refills only when the test moves the clock.
 */
class RateLimitIT {
  static TestServer server;

  @BeforeAll
  static void start() {
    server =
        TestServer.builder()
            .env("SYNC_RATE_LIMIT_DEVICE_PER_SECOND", "1")
            .env("SYNC_RATE_LIMIT_DEVICE_BURST", "3")
            .env("SYNC_RATE_LIMIT_USER_PER_SECOND", "1")
            .env("SYNC_RATE_LIMIT_USER_BURST", "5")
            .env("SYNC_MAX_CONNECTIONS_PER_USER", "2")
            .env("SYNC_RATE_LIMIT_ABUSE_FACTOR", "2")
            .start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void restBurst_pastDeviceBurst_is429WithRetryAfter_andRefillsWhenClockMoves() {
    String token = server.token("rl-rest", "phone");
    for (int i = 0; i < 3; i++) {
      assertThat(server.http().get("/api/v1/sync/watchlist", token).status()).isEqualTo(200);
    }
    Http.Resp refused = server.http().get("/api/v1/sync/watchlist", token);
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.errorCode()).isEqualTo("rate_limited");
    assertThat(refused.header("Retry-After")).isEqualTo("1");

    server.clock().advance(Duration.ofSeconds(1));
    assertThat(server.http().get("/api/v1/sync/watchlist", token).status()).isEqualTo(200);
    assertThat(server.http().get("/api/v1/sync/watchlist", token).status()).isEqualTo(429);
    assertThat(Scrape.of(server).value("sync_rate_limited_total", "scope", "device"))
        .isGreaterThanOrEqualTo(2);
  }

  @Test
  void userBucket_isSharedByTheUsersDevices() {
    int ok = 0;
    for (String device : new String[] {"a", "b", "c"}) {
      for (int i = 0; i < 3; i++) {
        if (server.http().get("/api/v1/sync/watchlist", server.token("rl-user", device)).status()
            == 200) {
          ok++;
        }
      }
    }
    assertThat(ok).isEqualTo(5); // the user's burst, though each device alone had 3
    Http.Resp r = server.http().get("/api/v1/sync/watchlist", server.token("rl-user", "d"));
    assertThat(r.status()).isEqualTo(429);
    assertThat(Long.parseLong(r.header("Retry-After"))).isGreaterThanOrEqualTo(1);
  }

  @Test
  void serviceToken_isNotLimited() {
    String service = server.token("rl-service", null, java.util.Set.of("notifications:write"));
    for (int i = 0; i < 8; i++) {
      Http.Resp r =
          server
              .http()
              .post(
                  "/api/v1/notifications",
                  service,
                  "{\"user_id\":\"rl-target-" + i + "\",\"kind\":\"k\",\"title\":\"t\"}");
      assertThat(r.status()).isEqualTo(201);
    }
  }

  @Test
  void wsBurst_refusedWriteGetsRateLimitedError_socketStaysOpen_andRefills() {
    try (WsClient ws = server.connect("rl-ws", "tv")) {
      for (int i = 0; i < 3; i++) {
        ws.send(progress("w" + i));
        assertThat(ws.expectType("ack").path("op_id").asText()).isEqualTo("w" + i);
      }
      ws.send(progress("w3"));
      JsonNode error = ws.expectType("error");
      assertThat(error.path("code").asText()).isEqualTo("rate_limited");
      assertThat(error.path("op_id").asText()).isEqualTo("w3");

      ws.send("{\"type\":\"heartbeat\"}"); // heartbeats are never limited
      ws.expectType("heartbeat_ack");
      assertThat(ws.isClosed()).isFalse();

      server.clock().advance(Duration.ofSeconds(1));
      ws.send(progress("w4"));
      assertThat(ws.expectType("ack").path("op_id").asText()).isEqualTo("w4");
    }
  }

  @Test
  void wsFlood_farPastTheLimit_closesWith4003() {
    try (WsClient ws = server.connect("rl-abuse", "tv")) {
      // burst 3 admitted, then abuse factor 2 x burst 3 = 6 refusals in a row close the socket.
      // send() waits for each frame to leave: the JDK client refuses a send while one is pending,
      // which under load dropped frames here and left the socket open.
      for (int i = 0; i < 9; i++) {
        ws.send(progress("f" + i));
      }
      assertThat(ws.awaitClose()).isEqualTo(4003);
    }
  }

  @Test
  void connectionCap_thirdSocketOfAUser_is429BeforeTheUpgrade() throws Exception {
    try (WsClient one = server.connect("rl-conn", "tv");
        WsClient two = server.connect("rl-conn", "phone")) {
      RawUpgrade.RawResp third =
          RawUpgrade.upgrade(
              server.port(), "/ws?device_id=laptop", "Bearer " + server.token("rl-conn", null));
      assertThat(third.status()).isEqualTo(429);
      assertThat(third.body()).contains("rate_limited");
      assertThat(third.header("Retry-After")).isNotNull();
      assertThat(one.isClosed()).isFalse();
      two.close();
      // The freed slot is usable again once the server has seen the close.
      long deadline = System.nanoTime() + WsClient.WAIT.toNanos();
      WsClient again = null;
      while (again == null && System.nanoTime() < deadline) {
        try {
          again = server.connect("rl-conn", "laptop");
        } catch (IllegalStateException e) {
          Thread.sleep(50);
        }
      }
      assertThat(again).isNotNull();
      again.close();
    }
  }

  private static String progress(String opId) {
    return "{\"type\":\"progress_update\",\"content_id\":\"tmdb:9\",\"position_seconds\":1,"
        + "\"duration_seconds\":10,\"state\":\"playing\",\"op_id\":\""
        + opId
        + "\"}";
  }
}
