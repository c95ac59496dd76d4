package dev.mediasync.client;

import static dev.mediasync.client.Clients.assertMatchesServer;
import static dev.mediasync.client.Clients.awaitConverged;
import static dev.mediasync.client.Clients.started;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mediasync.core.Tag;
import dev.mediasync.protocol.PlaybackState;
import dev.mediasync.protocol.RawJson;
import dev.mediasync.testkit.TcpProxy;
import java.io.IOException;
import java.net.URI;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Devices that lose the network: the outbox, conflict resolution, and lost acks. */
class OfflineIT {
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
  void offlineWritesOnTwoDevices_conflict_thenConvergeWithTheServer() throws IOException {
    try (TcpProxy tvNet = TcpProxy.start("127.0.0.1", server.port());
        TcpProxy phoneNet = TcpProxy.start("127.0.0.1", server.port());
        SyncClient tv =
            started(server.client(baseUrl(tvNet), "erin", "tv").build(), new RecordingListener());
        SyncClient phone =
            started(
                server.client(baseUrl(phoneNet), "erin", "phone").build(),
                new RecordingListener())) {
      tv.addToWatchlist("tmdb:550");
      phone.updateProgress("tmdb:550", 10, 7200, PlaybackState.PLAYING);
      awaitConverged(tv, phone);

      tvNet.cut();
      phoneNet.cut();
      Await.until("both offline", () -> !Clients.isConnected(tv) && !Clients.isConnected(phone));

      tv.removeFromWatchlist("tmdb:550");
      tv.updateProgress("tmdb:550", 100, 7200, PlaybackState.PAUSED);
      tv.setPreference("theme", new RawJson("\"dark\""));
      phone.addToWatchlist("tmdb:550"); // concurrent with the tv's remove: must survive it
      phone.addToWatchlist("tmdb:603");
      phone.updateProgress("tmdb:550", 200, 7200, PlaybackState.PLAYING);
      phone.setPreference("theme", new RawJson("\"light\""));
      assertThat(tv.state().watchlist().contains("tmdb:550")).isFalse();
      assertThat(tv.pendingWrites()).hasSize(3);
      assertThat(phone.pendingWrites()).hasSize(4);

      tvNet.resume();
      phoneNet.resume();
      awaitConverged(tv, phone);

      assertThat(tv.state().watchlist().elements())
          .as("add wins over the concurrent remove")
          .containsExactly("tmdb:550", "tmdb:603");
      assertThat(tv.state().progress().get("tmdb:550").value().positionSeconds())
          .isIn(100.0, 200.0);
      assertMatchesServer(tv, server, "erin");
      assertMatchesServer(phone, server, "erin");
    }
  }

  @Test
  void lostAck_resentWithTheSameOpId_isDuplicate_andAppliedOnce() throws IOException {
    RecordingListener events = new RecordingListener();
    try (TcpProxy net = TcpProxy.start("127.0.0.1", server.port());
        SyncClient phone = started(server.client(baseUrl(net), "frank", "phone").build(), events)) {
      net.swallowDownstream(true);
      String opId = phone.addToWatchlist("tmdb:550");
      Await.until(
          "the server applied the add", () -> server.state("frank").watchlist().size() == 1);
      assertThat(phone.pendingWrites()).as("the ack was lost").hasSize(1);

      net.swallowDownstream(false);
      net.cut(); // the connection that lost the ack; the client reconnects
      net.resume();
      Await.until("the resend is acknowledged", () -> phone.pendingWrites().isEmpty());

      assertThat(events.welcomes).hasSize(2);
      assertThat(events.acks)
          .singleElement()
          .satisfies(
              a -> {
                assertThat(a.opId()).isEqualTo(opId);
                assertThat(a.duplicate()).isTrue();
              });
      assertThat(server.loggedOps("frank")).as("one op in the log").isEqualTo(1);
      Tag serverTag = server.state("frank").watchlist().tags("tmdb:550").first();
      assertThat(phone.state().watchlist().tags("tmdb:550")).containsExactly(serverTag);
      assertMatchesServer(phone, server, "frank");
    }
  }

  /** The service as a device behind {@code net} reaches it. */
  private static URI baseUrl(TcpProxy net) {
    return URI.create("http://127.0.0.1:" + net.port());
  }
}
