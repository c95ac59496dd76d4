package dev.mediasync.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mediasync.testkit.pubnub.FakePubNub;
import dev.mediasync.testkit.pubnub.FakePubNub.Published;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The service with PUBNUB_* set, against a local fake of PubNub's REST API. */
class PubNubIT {
  private FakePubNub fake;

  @BeforeEach
  void startFake() {
    fake = FakePubNub.start(Duration.ofSeconds(2));
  }

  @AfterEach
  void stopFake() {
    fake.close();
  }

  private TestServer.Builder withPubNub() {
    return TestServer.builder()
        .env("PUBNUB_PUBLISH_KEY", FakePubNub.PUBLISH_KEY)
        .env("PUBNUB_SUBSCRIBE_KEY", FakePubNub.SUBSCRIBE_KEY)
        .env("PUBNUB_ORIGIN", fake.origin())
        .env("PUBNUB_SECURE", "false");
  }

  private static Http.Resp addToWatchlist(
      TestServer server, String user, String device, String id) {
    return server
        .http()
        .post(
            "/api/v1/sync/watchlist",
            server.token(user, device),
            "{\"operation\":\"add\",\"content_id\":\"" + id + "\"}");
  }

  @Test
  void aRestWriteIsPublishedOnTheUsersSyncChannelInTheWebSocketShape() throws Exception {
    try (TestServer server = withPubNub().start();
        WsClient tv = server.connect("alice", "tv")) {
      Http.Resp r = addToWatchlist(server, "alice", "phone", "tmdb:550");
      assertThat(r.status()).isEqualTo(200);

      List<Published> got = fake.awaitPublishes("user.alice.sync", 1, Duration.ofSeconds(1));
      JsonNode onPubNub = Http.JSON.readTree(got.get(0).message());
      JsonNode onSocket = tv.awaitType("watchlist_update");
      assertThat(onPubNub).isEqualTo(onSocket);
      assertThat(onPubNub.path("type").asText()).isEqualTo("watchlist_update");
      assertThat(onPubNub.path("content_id").asText()).isEqualTo("tmdb:550");
      assertThat(onPubNub.path("device_id").asText()).isEqualTo("phone");
      // routing travels in meta, not in the message
      JsonNode meta = Http.JSON.readTree(got.get(0).meta());
      assertThat(meta.path("user").asText()).isEqualTo("alice");
      assertThat(meta.path("route").asText()).isEqualTo("all_except");
      assertThat(meta.path("device_id").asText()).isEqualTo("phone");
      assertThat(meta.path("op_timestamp").asText()).isEqualTo(onSocket.path("timestamp").asText());
      // presence goes on the devices channel
      assertThat(fake.awaitPublishes("user.alice.devices", 1, Duration.ofSeconds(5)))
          .extracting(p -> Http.JSON.readTree(p.message()).path("type").asText())
          .contains("device_online");
    }
  }

  @Test
  void twoNodesSharingOnlyPubNubAndTheStoreDeliverEachOthersOps() throws Exception {
    Path shared = Files.createTempDirectory("sync-pubnub-2n-");
    try (TestServer a = withPubNub().dataDir(shared).start();
        TestServer b = withPubNub().dataDir(shared).start();
        WsClient aliceTvOnB = b.connect("alice", "tv");
        WsClient bobTvOnA = a.connect("bob", "tv")) {
      assertThat(addToWatchlist(a, "alice", "phone", "tmdb:1").status()).isEqualTo(200);
      JsonNode m = aliceTvOnB.awaitType("watchlist_update");
      assertThat(m.path("content_id").asText()).isEqualTo("tmdb:1");
      assertThat(m.path("device_id").asText()).isEqualTo("phone");

      assertThat(addToWatchlist(b, "bob", "phone", "tmdb:2").status()).isEqualTo(200);
      JsonNode n = bobTvOnA.awaitType("watchlist_update");
      assertThat(n.path("content_id").asText()).isEqualTo("tmdb:2");
    } finally {
      TestServer.deleteRecursively(shared);
    }
  }

  @Test
  void aHangingOrFailingPubNubDoesNotSlowWrites() {
    try (TestServer server = withPubNub().start();
        WsClient tv = server.connect("carol", "tv")) {
      fake.hangPublishes();
      for (int i = 0; i < 20; i++) {
        long t0 = System.nanoTime();
        Http.Resp r = addToWatchlist(server, "carol", "phone", "tmdb:h" + i);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.status()).isEqualTo(200);
        assertThat(ms).as("write %d answered in ms while PubNub hangs", i).isLessThan(1000);
        // devices on this node are served without PubNub
        assertThat(tv.awaitType("watchlist_update").path("content_id").asText())
            .isEqualTo("tmdb:h" + i);
      }
      fake.delayPublishes(Duration.ZERO).failNextPublishes(1_000);
      for (int i = 0; i < 20; i++) {
        long t0 = System.nanoTime();
        Http.Resp r = addToWatchlist(server, "carol", "phone", "tmdb:f" + i);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.status()).isEqualTo(200);
        assertThat(ms).as("write %d answered in ms while PubNub fails", i).isLessThan(1000);
      }
      fake.failNextPublishes(0);
      // once PubNub answers again, the retried messages arrive
      List<Published> got = fake.awaitPublishes("user.carol.sync", 40, Duration.ofSeconds(30));
      assertThat(got.get(got.size() - 1).message()).contains("tmdb:f19");
    }
  }

  @Test
  void readinessPingsThePubNubOrigin() {
    try (TestServer server = withPubNub().start()) {
      Http.Resp r = server.http().get("/health/ready", null);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.json().path("checks").path("broker").asText()).isEqualTo("ok");
    }
    try (TestServer server = withPubNub().env("PUBNUB_ORIGIN", "127.0.0.1:1").start()) {
      Http.Resp r = server.http().get("/health/ready", null);
      assertThat(r.status()).isEqualTo(503);
      assertThat(r.json().path("checks").path("broker").asText()).isEqualTo("down");
    }
  }
}
