package dev.mediasync.client;

import static dev.mediasync.client.Clients.assertMatchesServer;
import static dev.mediasync.client.Clients.awaitConverged;
import static dev.mediasync.client.Clients.started;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mediasync.protocol.PlaybackState;
import dev.mediasync.protocol.RawJson;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Live sync between SDK clients through the real service. */
class SyncClientIT {
  private ServerFixture server;

  @BeforeEach
  void start() {
    server = ServerFixture.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void twoClients_seeEachOthersWrites_andEqualTheServer() {
    RecordingListener tvEvents = new RecordingListener();
    RecordingListener phoneEvents = new RecordingListener();
    try (SyncClient tv = started(server.client("alice", "tv").build(), tvEvents);
        SyncClient phone = started(server.client("alice", "phone").build(), phoneEvents)) {
      String addId = tv.addToWatchlist("tmdb:550");
      assertThat(tv.state().watchlist().contains("tmdb:550")).as("optimistic").isTrue();
      phone.updateProgress("tmdb:550", 120, 7200, PlaybackState.PLAYING);
      tv.setPreference("subtitles", new RawJson("{ \"lang\" : \"de\" }"));

      awaitConverged(tv, phone);

      assertThat(phone.state().watchlist().contains("tmdb:550")).isTrue();
      assertThat(tv.state().progress().get("tmdb:550").value().positionSeconds()).isEqualTo(120);
      assertThat(phone.state().preferences().get("subtitles").value().json())
          .isEqualTo("{\"lang\":\"de\"}");
      assertThat(tvEvents.acks).anySatisfy(a -> assertThat(a.opId()).isEqualTo(addId));
      assertThat(phoneEvents.ops).hasSize(2); // the tv's two writes; its own come back as acks
      assertMatchesServer(tv, server, "alice");
      assertThat(server.state("alice").watchlist()).isEqualTo(tv.state().watchlist());
    }
  }

  @Test
  void newDevice_catchesUpFromTheLog() {
    try (SyncClient tv = started(server.client("bob", "tv").build(), new RecordingListener())) {
      tv.addToWatchlist("tmdb:1");
      tv.addToWatchlist("tmdb:2");
      tv.removeFromWatchlist("tmdb:1");
      awaitConverged(tv);
      try (SyncClient tablet =
          started(server.client("bob", "tablet").build(), new RecordingListener())) {
        Await.until("tablet caught up", () -> tablet.state().equals(tv.state()));
        assertThat(tablet.state().watchlist().elements()).containsExactly("tmdb:2");
      }
    }
  }

  @Test
  void heartbeat_isSentEveryInterval_andAnswered() {
    RecordingListener events = new RecordingListener();
    try (SyncClient tv =
        started(server.client("carol", "tv").heartbeat(Duration.ofMillis(150)).build(), events)) {
      Await.until("three heartbeat acks", () -> events.heartbeatAcks.size() >= 3);
      assertThat(tv.connectionState()).isEqualTo(ConnectionState.CONNECTED);
      assertThat(events.welcomes).hasSize(1); // answered heartbeats keep the one socket alive
    }
  }

  @Test
  void close_isCleanAndFinal() {
    RecordingListener phoneEvents = new RecordingListener();
    try (SyncClient phone = started(server.client("dave", "phone").build(), phoneEvents)) {
      SyncClient tv = started(server.client("dave", "tv").build(), new RecordingListener());
      tv.close();
      assertThat(tv.connectionState()).isEqualTo(ConnectionState.CLOSED);
      Await.until("phone hears the tv went offline", () -> !phoneEvents.offline.isEmpty());
      assertThat(phoneEvents.offline.get(0).deviceId()).isEqualTo("tv");
      assertThat(phoneEvents.offline.get(0).reason()).isEqualTo("disconnected");
      tv.addToWatchlist("tmdb:9"); // still recorded locally; never sent
      assertThat(tv.pendingWrites()).hasSize(1);
    }
  }
}
