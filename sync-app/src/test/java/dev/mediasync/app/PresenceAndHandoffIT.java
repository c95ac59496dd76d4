package dev.mediasync.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Device presence (online, offline, timeout under a fake clock), the device list, and handoff. */
class PresenceAndHandoffIT {
  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void connect_sendsDeviceOnlineToOthers_andDisconnectSendsDeviceOffline() {
    try (WsClient phone = server.connect("p-online", "phone")) {
      WsClient tv = server.connect("p-online", "tv", "&name=Living%20room&type=tv");
      JsonNode online = phone.expectType("device_online");
      assertThat(online.path("device_id").asText()).isEqualTo("tv");
      assertThat(online.path("name").asText()).isEqualTo("Living room");
      tv.close();
      JsonNode offline = phone.expectType("device_offline");
      assertThat(offline.path("device_id").asText()).isEqualTo("tv");
      assertThat(offline.path("last_seen").asText()).isNotEmpty();
    }
  }

  @Test
  void devices_listsNameTypeCapabilitiesOnlineAndLastSeen() {
    try (WsClient tv = server.connect("p-list", "tv", "&name=TV&type=tv&capabilities=play,cast")) {
      WsClient tablet = server.connect("p-list", "tablet");
      tablet.close();
      tv.awaitType("device_offline");
      Http.Resp r = server.http().get("/api/v1/devices", server.token("p-list", null));
      assertThat(r.status()).isEqualTo(200);
      JsonNode devices = r.json().path("devices");
      assertThat(devices).hasSize(2);
      JsonNode tablet0 = devices.get(0);
      JsonNode tv0 = devices.get(1);
      assertThat(tablet0.path("device_id").asText()).isEqualTo("tablet");
      assertThat(tablet0.path("online").asBoolean()).isFalse();
      assertThat(tv0.path("device_id").asText()).isEqualTo("tv");
      assertThat(tv0.path("online").asBoolean()).isTrue();
      assertThat(tv0.path("name").asText()).isEqualTo("TV");
      assertThat(tv0.path("type").asText()).isEqualTo("tv");
      assertThat(tv0.path("capabilities").toString()).isEqualTo("[\"play\",\"cast\"]");
      assertThat(java.time.Instant.parse(tv0.path("last_seen").asText())).isNotNull();
    }
  }

  @Test
  void twoConnectionsOfOneDevice_areOneDevice_offlineOnlyWhenBothClose() {
    try (WsClient phone = server.connect("p-two", "phone")) {
      WsClient tv1 = server.connect("p-two", "tv");
      phone.expectType("device_online");
      WsClient tv2 = server.connect("p-two", "tv");
      phone.expectSilence(Duration.ofMillis(150));
      JsonNode devices = server.http().get("/api/v1/devices", server.token("p-two", null)).json();
      assertThat(devices.path("devices")).hasSize(2);
      tv1.close();
      phone.expectSilence(Duration.ofMillis(150));
      tv2.close();
      assertThat(phone.expectType("device_offline").path("device_id").asText()).isEqualTo("tv");
    }
  }

  @Test
  void silentDevice_isClosedAndReportedOffline_afterPresenceTimeout() {
    try (WsClient phone = server.connect("p-timeout", "phone");
        WsClient tv = server.connect("p-timeout", "tv")) {
      phone.expectType("device_online");
      // 59 s of silence: still online. Keep the phone alive by a heartbeat.
      server.clock().advance(Duration.ofSeconds(59));
      phone.send("{\"type\":\"heartbeat\"}");
      phone.expectType("heartbeat_ack");
      tv.expectSilence(Duration.ofMillis(100));
      assertThat(tv.isClosed()).isFalse();
      // Past 60 s without a frame from the TV: closed with 4001 and offline for the others.
      server.clock().advance(Duration.ofSeconds(2));
      assertThat(tv.awaitClose()).isEqualTo(4001);
      JsonNode offline = phone.expectType("device_offline");
      assertThat(offline.path("device_id").asText()).isEqualTo("tv");
      assertThat(offline.path("reason").asText()).isEqualTo("timeout");
      assertThat(phone.isClosed()).isFalse();
    }
  }

  @Test
  void handoff_sendsPlayAtCurrentPositionToTarget_andPauseToSource() {
    try (WsClient phone = server.connect("p-handoff", "phone");
        WsClient tv = server.connect("p-handoff", "tv")) {
      phone.expectType("device_online");
      server
          .http()
          .post(
              "/api/v1/sync/progress",
              server.token("p-handoff", "phone"),
              "{\"content_id\":\"tmdb:550\",\"position_seconds\":3245,\"duration_seconds\":8217,\"state\":\"playing\"}");
      tv.expectType("progress_update");
      Http.Resp r =
          server
              .http()
              .post(
                  "/api/v1/devices/handoff",
                  server.token("p-handoff", "phone"),
                  "{\"target_device_id\":\"tv\",\"content_id\":\"tmdb:550\"}");
      assertThat(r.status()).isEqualTo(202);
      String handoffId = r.json().path("handoff_id").asText();
      assertThat(handoffId).isNotEmpty();
      JsonNode play = tv.expectType("device_command");
      assertThat(play.path("command").asText()).isEqualTo("play");
      assertThat(play.path("target_device_id").asText()).isEqualTo("tv");
      assertThat(play.path("content_id").asText()).isEqualTo("tmdb:550");
      assertThat(play.path("position_seconds").asDouble()).isEqualTo(3245);
      assertThat(play.path("source_device_id").asText()).isEqualTo("phone");
      assertThat(play.path("handoff_id").asText()).isEqualTo(handoffId);
      JsonNode pause = phone.expectType("device_command");
      assertThat(pause.path("command").asText()).isEqualTo("pause");
      assertThat(pause.path("content_id").asText()).isEqualTo("tmdb:550");

      tv.send(
          "{\"type\":\"handoff_ack\",\"handoff_id\":\""
              + handoffId
              + "\",\"status\":\"accepted\"}");
      JsonNode result = phone.expectType("handoff_result");
      assertThat(result.path("handoff_id").asText()).isEqualTo(handoffId);
      assertThat(result.path("target_device_id").asText()).isEqualTo("tv");
      assertThat(result.path("status").asText()).isEqualTo("accepted");
    }
  }

  @Test
  void handoff_unknownTarget_is404_offlineTarget_is409() {
    String token = server.token("p-handoff-err", "phone");
    Http.Resp unknown =
        server
            .http()
            .post(
                "/api/v1/devices/handoff",
                token,
                "{\"target_device_id\":\"nope\",\"content_id\":\"c1\"}");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.errorCode()).isEqualTo("not_found");
    try (WsClient phone = server.connect("p-handoff-err", "phone")) {
      server.connect("p-handoff-err", "tv").close();
      phone.awaitType("device_offline");
      Http.Resp offline =
          server
              .http()
              .post(
                  "/api/v1/devices/handoff",
                  token,
                  "{\"target_device_id\":\"tv\",\"content_id\":\"c1\"}");
      assertThat(offline.status()).isEqualTo(409);
      assertThat(offline.errorCode()).isEqualTo("device_offline");
    }
  }
}
