package dev.mediasync.client;

import static dev.mediasync.client.Clients.assertMatchesServer;
import static dev.mediasync.client.Clients.awaitConverged;
import static dev.mediasync.client.Clients.started;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The service restarts (stop, then a new {@code SyncApp} on the same port and data directory) while
 * clients are connected and one keeps writing.
 */
class ServerRestartIT {
  private ServerFixture server;

  @BeforeEach
  void start() {
    server = ServerFixture.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** Holds with any store: reconnect, resend and live delivery do not need the old state. */
  @Test
  void restart_clientsReconnectByThemselves_andTheOutboxDrains() {
    RecordingListener tvEvents = new RecordingListener();
    RecordingListener phoneEvents = new RecordingListener();
    try (SyncClient tv = started(server.client("gina", "tv").build(), tvEvents);
        SyncClient phone = started(server.client("gina", "phone").build(), phoneEvents)) {
      tv.addToWatchlist("tmdb:550");
      awaitConverged(tv, phone);

      server.stop();
      Await.until(
          "both disconnected", () -> !Clients.isConnected(tv) && !Clients.isConnected(phone));
      tv.addToWatchlist("tmdb:603");
      assertThat(tv.pendingWrites()).hasSize(1);

      server.startAgain();

      Await.until("tv's outbox drained", () -> tv.pendingWrites().isEmpty());
      Await.until(
          "phone got the write made during the outage",
          () -> phone.state().watchlist().contains("tmdb:603"));
      assertThat(tvEvents.welcomes).hasSize(2);
      assertThat(phoneEvents.welcomes).hasSize(2);
      assertThat(server.state("gina").watchlist().contains("tmdb:603")).isTrue();
    }
  }

  /**
   * Needs a durable op store: with the in-memory store the restarted service has forgotten {@code
   * tmdb:550} (written before the restart), so the server's state lacks it while both clients still
   * show it; the service's default store is the durable SQLite one.
   */
  @Test
  void restart_durableStore_serverKeepsItsState_andClientsEqualIt() {
    try (SyncClient tv = started(server.client("hana", "tv").build(), new RecordingListener());
        SyncClient phone =
            started(server.client("hana", "phone").build(), new RecordingListener())) {
      tv.addToWatchlist("tmdb:550");
      phone.setPreference("autoplay", new dev.mediasync.protocol.RawJson("true"));
      awaitConverged(tv, phone);

      server.stop();
      Await.until(
          "both disconnected", () -> !Clients.isConnected(tv) && !Clients.isConnected(phone));
      tv.addToWatchlist("tmdb:603");
      server.startAgain();
      awaitConverged(tv, phone);

      assertThat(server.state("hana").watchlist().elements())
          .containsExactly("tmdb:550", "tmdb:603");
      assertMatchesServer(tv, server, "hana");
      assertMatchesServer(phone, server, "hana");
    }
  }
}
