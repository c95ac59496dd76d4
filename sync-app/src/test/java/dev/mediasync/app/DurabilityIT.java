package dev.mediasync.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mediasync.server.auth.TokenIssuer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Every acknowledged write survives a restart, a crash (SIGKILL), and a graceful SIGTERM. */
class DurabilityIT {

  @Test
  void restart_keepsStateAndOpIdIdempotency() {
    try (TestServer server = TestServer.start()) {
      String token = server.token("d-restart", "phone");
      Http.Resp first =
          server
              .http()
              .post(
                  "/api/v1/sync/progress",
                  token,
                  "{\"content_id\":\"m1\",\"position_seconds\":42,\"duration_seconds\":100,\"state\":\"paused\",\"op_id\":\"p-1\"}");
      server
          .http()
          .put("/api/v1/sync/preferences/subtitles", token, "{\"value\":{\"lang\":\"fr\"}}");
      server
          .http()
          .post("/api/v1/sync/watchlist", token, "{\"operation\":\"add\",\"content_id\":\"w1\"}");

      server.restart();

      String token2 = server.token("d-restart", "phone");
      JsonNode progress = server.http().get("/api/v1/sync/progress", token2).json();
      assertThat(progress.path("items").get(0).path("position_seconds").asInt()).isEqualTo(42);
      JsonNode prefs = server.http().get("/api/v1/sync/preferences", token2).json();
      assertThat(prefs.path("items").path("subtitles").path("value").toString())
          .isEqualTo("{\"lang\":\"fr\"}");
      JsonNode wl = server.http().get("/api/v1/sync/watchlist", token2).json();
      assertThat(wl.path("items").get(0).path("content_id").asText()).isEqualTo("w1");

      Http.Resp replay =
          server
              .http()
              .post(
                  "/api/v1/sync/progress",
                  token2,
                  "{\"content_id\":\"m1\",\"position_seconds\":42,\"duration_seconds\":100,\"state\":\"paused\",\"op_id\":\"p-1\"}");
      assertThat(replay.status()).isEqualTo(200);
      assertThat(replay.json().path("timestamp").asText())
          .isEqualTo(first.json().path("timestamp").asText());
      Http.Resp reuse =
          server
              .http()
              .post(
                  "/api/v1/sync/progress",
                  token2,
                  "{\"content_id\":\"m1\",\"position_seconds\":43,\"duration_seconds\":100,\"state\":\"paused\",\"op_id\":\"p-1\"}");
      assertThat(reuse.status()).isEqualTo(409);
      assertThat(reuse.errorCode()).isEqualTo("conflict");
    }
  }

  @Test
  void kill9_duringWriteBurst_losesNoAcknowledgedWrite() throws Exception {
    Path dir = Files.createTempDirectory("sync-kill-");
    String token =
        TokenIssuer.hs256(TestServer.SECRET).issue("d-kill", "phone", Duration.ofHours(1));
    Set<String> acked = ConcurrentHashMap.newKeySet();
    AtomicInteger sent = new AtomicInteger();
    try (ServiceProcess service = ServiceProcess.start(dir)) {
      AtomicBoolean stop = new AtomicBoolean();
      CountDownLatch enough = new CountDownLatch(300);
      List<Thread> writers = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        int writer = w;
        Thread t =
            new Thread(
                () -> {
                  Http http = service.http();
                  for (int i = 0; !stop.get(); i++) {
                    String id = "k" + writer + "-" + i;
                    sent.incrementAndGet();
                    try {
                      Http.Resp r =
                          http.post(
                              "/api/v1/sync/watchlist",
                              token,
                              "{\"operation\":\"add\",\"content_id\":\"" + id + "\"}");
                      if (r.status() == 200) {
                        acked.add(id);
                        enough.countDown();
                      }
                    } catch (RuntimeException e) {
                      return; // the server died mid-request: that write was never acknowledged
                    }
                  }
                });
        t.start();
        writers.add(t);
      }
      enough.await();
      service.kill();
      stop.set(true);
      for (Thread t : writers) {
        t.join(10_000);
      }
    }
    assertThat(acked).hasSizeGreaterThanOrEqualTo(300);
    try (ServiceProcess again = ServiceProcess.start(dir)) {
      JsonNode items = again.http().get("/api/v1/sync/watchlist", token).json().path("items");
      Set<String> stored = new HashSet<>();
      items.forEach(i -> stored.add(i.path("content_id").asText()));
      assertThat(stored)
          .as("acknowledged before the kill (%d sent)", sent.get())
          .containsAll(acked);
    } finally {
      TestServer.deleteRecursively(dir);
    }
  }

  @Test
  void sigterm_closesSocketsWith1001_andExitsZero() throws Exception {
    Path dir = Files.createTempDirectory("sync-term-");
    try (ServiceProcess service = ServiceProcess.start(dir)) {
      String token =
          TokenIssuer.hs256(TestServer.SECRET).issue("d-term", "tv", Duration.ofHours(1));
      WsClient tv = WsClient.open("ws://127.0.0.1:" + service.port() + "/ws", token);
      tv.expectType("welcome");
      Http.Resp r =
          service
              .http()
              .post(
                  "/api/v1/sync/watchlist", token, "{\"operation\":\"add\",\"content_id\":\"t1\"}");
      assertThat(r.status()).isEqualTo(200);
      assertThat(service.terminate()).isZero();
      assertThat(tv.awaitClose()).isEqualTo(1001);
    }
    try (ServiceProcess again = ServiceProcess.start(dir)) {
      String token =
          TokenIssuer.hs256(TestServer.SECRET).issue("d-term", "tv", Duration.ofHours(1));
      assertThat(again.http().get("/api/v1/sync/watchlist", token).body()).contains("\"t1\"");
    } finally {
      TestServer.deleteRecursively(dir);
    }
  }
}
