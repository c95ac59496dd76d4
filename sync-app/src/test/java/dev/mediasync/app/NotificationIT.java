package dev.mediasync.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code POST /api/v1/notifications}: live delivery, delivery after reconnect, auth, expiry. */
class NotificationIT {
  static TestServer server;
  static String service;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    service = server.token("notifier", null, Set.of("notifications:write"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void notification_toOnlineDevice_isDeliveredLive_andNotAgainOnReconnect() {
    try (WsClient tv = server.connect("n-live", "tv")) {
      Http.Resp r =
          send(
              service,
              "{\"user_id\":\"n-live\",\"kind\":\"new_episode\",\"title\":\"New episode\","
                  + "\"body\":{\"content_id\":\"tmdb:1399\",\"season\":8}}");
      assertThat(r.status()).isEqualTo(201);
      JsonNode m = tv.awaitType("notification");
      assertThat(m.path("notification_id").asText())
          .isEqualTo(r.json().path("notification_id").asText());
      assertThat(m.path("kind").asText()).isEqualTo("new_episode");
      assertThat(m.path("title").asText()).isEqualTo("New episode");
      assertThat(m.path("body").path("season").asInt()).isEqualTo(8);
      assertThat(m.path("created_at").asText()).endsWith("Z");
    }
    try (WsClient tv = server.connect("n-live", "tv")) {
      tv.expectSilence(Duration.ofMillis(300));
    }
  }

  @Test
  void notification_toOfflineDevice_arrivesAfterWelcomeOnConnect_once() {
    Http.Resp r = send(service, "{\"user_id\":\"n-off\",\"kind\":\"promo\",\"title\":\"Offer\"}");
    assertThat(r.status()).isEqualTo(201);
    try (WsClient phone = server.connect("n-off", "phone")) {
      JsonNode m = phone.expectType("notification");
      assertThat(m.path("notification_id").asText())
          .isEqualTo(r.json().path("notification_id").asText());
      assertThat(m.has("body")).isFalse();
    }
    try (WsClient phone = server.connect("n-off", "phone")) {
      phone.expectSilence(Duration.ofMillis(300));
    }
    // Read marks are per device: another device still gets it.
    try (WsClient tablet = server.connect("n-off", "tablet")) {
      assertThat(tablet.expectType("notification").path("kind").asText()).isEqualTo("promo");
    }
  }

  @Test
  void unreadNotification_survivesARestart() {
    try (TestServer own = TestServer.start()) {
      String token = own.token("notifier", null, Set.of("notifications:write"));
      Http.Resp r =
          own.http()
              .post(
                  "/api/v1/notifications",
                  token,
                  "{\"user_id\":\"n-restart\",\"kind\":\"k\",\"title\":\"kept\"}");
      assertThat(r.status()).isEqualTo(201);
      own.restart();
      try (WsClient tv = own.connect("n-restart", "tv")) {
        JsonNode m = tv.expectType("notification");
        assertThat(m.path("notification_id").asText())
            .isEqualTo(r.json().path("notification_id").asText());
        assertThat(m.path("title").asText()).isEqualTo("kept");
      }
    }
  }

  @Test
  void roleService_mayAlsoSend() {
    String role = server.token("backend", null, Set.of("service"));
    assertThat(send(role, "{\"user_id\":\"n-role\",\"kind\":\"k\",\"title\":\"t\"}").status())
        .isEqualTo(201);
  }

  @Test
  void userToken_isForbidden() {
    Http.Resp r =
        send(
            server.token("n-user", "phone"),
            "{\"user_id\":\"n-user\",\"kind\":\"k\",\"title\":\"t\"}");
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.errorCode()).isEqualTo("forbidden");
  }

  @Test
  void badBodies_are400_andStoreNothing() {
    String[] bodies = {
      "not json",
      "[]",
      "{\"kind\":\"k\",\"title\":\"t\"}",
      "{\"user_id\":\"bad id!\",\"kind\":\"k\",\"title\":\"t\"}",
      "{\"user_id\":\"n-bad\",\"kind\":\"\",\"title\":\"t\"}",
      "{\"user_id\":\"n-bad\",\"kind\":\"k\"}",
      "{\"user_id\":\"n-bad\",\"kind\":\"k\",\"title\":\"\"}",
      "{\"user_id\":\"n-bad\",\"kind\":\"k\",\"title\":7}",
      "{\"user_id\":\"n-bad\",\"kind\":\"k\",\"title\":\"" + "x".repeat(257) + "\"}",
      "{\"user_id\":\"n-bad\",\"kind\":\"k\",\"title\":\"t\",\"ttl_seconds\":0}",
      "{\"user_id\":\"n-bad\",\"kind\":\"k\",\"title\":\"t\",\"ttl_seconds\":\"60\"}",
      "{\"user_id\":\"n-bad\",\"kind\":\"k\",\"title\":\"t\",\"ttl_seconds\":1.5}",
      "{\"user_id\":\"n-bad\",\"kind\":\"k\",\"title\":\"t\",\"ttl_seconds\":99999999}",
      "{\"user_id\":\"n-bad\",\"kind\":\"k\",\"title\":\"t\",\"body\":\""
          + "x".repeat(17_000)
          + "\"}",
    };
    for (String body : bodies) {
      Http.Resp r = send(service, body);
      assertThat(r.status()).as(body).isEqualTo(400);
      assertThat(r.errorCode()).as(body).isIn("invalid_json", "invalid_field");
    }
    Http.Resp list = server.http().get("/api/v1/notifications", server.token("n-bad", null));
    assertThat(list.json().path("notifications").size()).isZero();
  }

  @Test
  void expiredNotification_isNeitherDeliveredNorListed() {
    String body = "{\"user_id\":\"n-exp\",\"kind\":\"k\",\"title\":\"t\",\"ttl_seconds\":60}";
    assertThat(send(service, body).status()).isEqualTo(201);
    String user = server.token("n-exp", null);
    assertThat(server.http().get("/api/v1/notifications", user).json().path("notifications").size())
        .isEqualTo(1);
    server.clock().advance(Duration.ofSeconds(61));
    assertThat(server.http().get("/api/v1/notifications", user).json().path("notifications").size())
        .isZero();
    try (WsClient tv = server.connect("n-exp", "tv")) {
      tv.expectSilence(Duration.ofMillis(300));
    }
  }

  @Test
  void list_forADevice_showsItsUnread() {
    assertThat(
            send(service, "{\"user_id\":\"n-list\",\"kind\":\"k\",\"title\":\"hello\"}").status())
        .isEqualTo(201);
    Http.Resp r = server.http().get("/api/v1/notifications", server.token("n-list", "phone"));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().path("notifications").get(0).path("title").asText()).isEqualTo("hello");
    assertThat(r.json().path("notifications").get(0).path("type").asText())
        .isEqualTo("notification");
  }

  private static Http.Resp send(String token, String body) {
    return server.http().post("/api/v1/notifications", token, body);
  }
}
