package dev.mediasync.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mediasync.protocol.JsonCodec;

/** Assertions shared by the end-to-end tests. */
final class Clients {
  private static final JsonCodec CODEC = new JsonCodec();

  private Clients() {}

  static SyncClient started(SyncClientOptions options, RecordingListener events) {
    SyncClient c = new SyncClient(options);
    c.addListener(events);
    c.connect();
    Await.until(options.deviceId() + " connected", () -> isConnected(c));
    return c;
  }

  static boolean isConnected(SyncClient c) {
    return c.connectionState() == ConnectionState.CONNECTED;
  }

  /** Waits until no client has pending writes and all show the same state. */
  static void awaitConverged(SyncClient... clients) {
    Await.until(
        "clients to drain their outboxes and agree",
        () -> {
          for (SyncClient c : clients) {
            if (!c.pendingWrites().isEmpty() || !c.state().equals(clients[0].state())) {
              return false;
            }
          }
          return true;
        });
  }

  /**
   * The client's state, rendered by the server's own read views, equals what the server's REST
   * reads answer: watchlist (with its timestamp), progress and preferences.
   */
  static void assertMatchesServer(SyncClient client, ServerFixture server, String userId) {
    assertThat(server.get(userId, "/api/v1/sync/watchlist"))
        .isEqualTo(CODEC.encodeWatchlist(client.state()));
    assertThat(server.get(userId, "/api/v1/sync/progress"))
        .isEqualTo(CODEC.encodeProgress(client.state(), null));
    assertThat(server.get(userId, "/api/v1/sync/preferences"))
        .isEqualTo(CODEC.encodePreferences(client.state()));
  }
}
