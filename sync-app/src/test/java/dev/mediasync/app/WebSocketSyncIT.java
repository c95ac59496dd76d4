package dev.mediasync.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Fan-out, acks, heartbeats and the welcome, over real sockets. */
class WebSocketSyncIT {
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
  void welcome_onConnect_carriesDeviceTimestampAndIntervals() {
    WsClient ws =
        WsClient.open(
            "ws://127.0.0.1:" + server.port() + "/ws?device_id=phone",
            server.token("u-welcome", null));
    JsonNode welcome = ws.next();
    assertThat(welcome.path("type").asText()).isEqualTo("welcome");
    assertThat(welcome.path("device_id").asText()).isEqualTo("phone");
    assertThat(welcome.path("timestamp").asText()).matches("[0-9]+");
    assertThat(welcome.path("heartbeat_seconds").asInt()).isEqualTo(30);
    assertThat(welcome.path("presence_timeout_seconds").asInt()).isEqualTo(60);
    ws.close();
  }

  @Test
  void restWrite_reachesEveryOtherDevice_butNotTheWriter() {
    try (WsClient tv = server.connect("u-fan", "tv");
        WsClient laptop = server.connect("u-fan", "laptop");
        WsClient phone = server.connect("u-fan", "phone")) {
      drainPresence(tv, laptop, phone);
      Http.Resp r =
          server
              .http()
              .send(
                  "POST",
                  "/api/v1/sync/watchlist",
                  server.token("u-fan", "phone"),
                  "{\"operation\":\"add\",\"content_id\":\"tmdb:550\"}",
                  java.util.Map.of("Content-Type", "application/json"));
      assertThat(r.status()).isEqualTo(200);
      for (WsClient other : new WsClient[] {tv, laptop}) {
        JsonNode m = other.expectType("watchlist_update");
        assertThat(m.path("operation").asText()).isEqualTo("add");
        assertThat(m.path("content_id").asText()).isEqualTo("tmdb:550");
        assertThat(m.path("device_id").asText()).isEqualTo("phone");
        assertThat(m.path("timestamp").asText()).isEqualTo(r.json().path("timestamp").asText());
      }
      phone.expectSilence(Duration.ofMillis(200));
    }
  }

  @Test
  void wsWrite_getsAckWithOpId_andOthersGetTheOp() {
    try (WsClient tv = server.connect("u-ack", "tv");
        WsClient phone = server.connect("u-ack", "phone")) {
      drainPresence(tv, phone);
      phone.send(
          "{\"type\":\"progress_update\",\"content_id\":\"tmdb:1\",\"position_seconds\":12.5,"
              + "\"duration_seconds\":100,\"state\":\"playing\",\"op_id\":\"op-1\"}");
      JsonNode ack = phone.expectType("ack");
      assertThat(ack.path("op_id").asText()).isEqualTo("op-1");
      assertThat(ack.path("applied").asBoolean()).isTrue();
      JsonNode op = tv.expectType("progress_update");
      assertThat(op.path("position_seconds").asDouble()).isEqualTo(12.5);
      assertThat(op.path("state").asText()).isEqualTo("playing");
      assertThat(op.path("timestamp").asText()).isEqualTo(ack.path("timestamp").asText());
    }
  }

  @Test
  void heartbeat_isAnsweredWithHeartbeatAck() {
    try (WsClient phone = server.connect("u-hb", "phone")) {
      phone.send("{\"type\":\"heartbeat\"}");
      JsonNode ack = phone.expectType("heartbeat_ack");
      assertThat(ack.path("timestamp").asText()).matches("[0-9]+");
    }
  }

  @Test
  void otherUsersOps_neverReachThisUsersDevices() {
    try (WsClient aliceTv = server.connect("u-alice", "tv");
        WsClient bobTv = server.connect("u-bob", "tv")) {
      server
          .http()
          .post(
              "/api/v1/sync/watchlist",
              server.token("u-bob", "phone"),
              "{\"operation\":\"add\",\"content_id\":\"bob:1\"}");
      bobTv.expectType("watchlist_update");
      aliceTv.expectSilence(Duration.ofMillis(200));
    }
  }

  static void drainPresence(WsClient... clients) {
    // Connect order produces device_online messages; let them arrive, then drop them.
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (WsClient c : clients) {
      c.drain();
    }
  }
}
