package dev.mediasync.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mediasync.server.auth.TokenIssuer;
import dev.mediasync.testkit.RedisAvailable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes as real processes sharing PostgreSQL and Redis; one is killed with SIGKILL during a
 * write burst. Every write it acknowledged must be in the shared store and reach a device on the
 * surviving node (live, or on reconnect with {@code since=}).
 */
class NodeKillIT {
  private static final String JDBC = "jdbc:postgresql://127.0.0.1:5432/test";
  private static final String URL = "postgresql://postgres@127.0.0.1:5432/test";

  private String schema;
  private Path dir;

  @BeforeEach
  void requireServices() throws Exception {
    RedisAvailable.require();
    schema = "sync_kill_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection c = DriverManager.getConnection(JDBC, "postgres", "")) {
      // reachable
    } catch (SQLException e) {
      String message = "PostgreSQL not reachable at " + URL + ": " + e.getMessage();
      if ("true".equals(System.getenv("CI"))) {
        Assertions.fail(message, e);
      }
      Assumptions.abort(message + " (start PostgreSQL to run this test)");
    }
    dir = Files.createTempDirectory("sync-nodekill-");
  }

  @AfterEach
  void dropSchema() throws SQLException {
    try (Connection c = DriverManager.getConnection(JDBC, "postgres", "")) {
      c.createStatement().execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
    TestServer.deleteRecursively(dir);
  }

  @Test
  void kill9OfOneNode_duringBurst_everyAckedWriteIsStoredAndReachesTheOtherNode() throws Exception {
    Map<String, String> shared =
        Map.of(
            "SYNC_DATABASE_URL", URL,
            "SYNC_DATABASE_SCHEMA", schema,
            "SYNC_REDIS_URL", RedisAvailable.url());
    String writer =
        TokenIssuer.hs256(TestServer.SECRET).issue("k-user", "phone", Duration.ofHours(1));
    String reader = TokenIssuer.hs256(TestServer.SECRET).issue("k-user", "tv", Duration.ofHours(1));
    Set<String> acked = ConcurrentHashMap.newKeySet();
    Set<String> seenLive = ConcurrentHashMap.newKeySet();
    try (ServiceProcess survivor = ServiceProcess.start(dir.resolve("b"), shared);
        ServiceProcess victim = ServiceProcess.start(dir.resolve("a"), shared)) {
      WsClient tv = WsClient.open("ws://127.0.0.1:" + survivor.port() + "/ws", reader);
      tv.expectType("welcome");
      AtomicBoolean stop = new AtomicBoolean();
      CountDownLatch enough = new CountDownLatch(200);
      List<Thread> writers = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        int n = w;
        Thread t =
            new Thread(
                () -> {
                  Http http = victim.http();
                  for (int i = 0; !stop.get(); i++) {
                    String id = "k" + n + "-" + i;
                    try {
                      Http.Resp r =
                          http.post(
                              "/api/v1/sync/watchlist",
                              writer,
                              "{\"operation\":\"add\",\"content_id\":\"" + id + "\"}");
                      if (r.status() == 200) {
                        acked.add(id);
                        enough.countDown();
                      }
                    } catch (RuntimeException e) {
                      return; // the node died mid-request: never acknowledged
                    }
                  }
                });
        t.start();
        writers.add(t);
      }
      enough.await();
      victim.kill();
      stop.set(true);
      for (Thread t : writers) {
        t.join(10_000);
      }
      for (String m : tv.drain()) {
        JsonNode op = Http.JSON.readTree(m);
        if ("watchlist_update".equals(op.path("type").asText())) {
          seenLive.add(op.path("content_id").asText());
        }
      }
      tv.close();
      assertThat(acked).hasSizeGreaterThanOrEqualTo(200);

      // In the shared store, read through the surviving node.
      JsonNode items = survivor.http().get("/api/v1/sync/watchlist", reader).json().path("items");
      Set<String> stored = new HashSet<>();
      items.forEach(i -> stored.add(i.path("content_id").asText()));
      assertThat(stored).containsAll(acked);

      // And delivered: live before the kill, or on reconnect to the survivor from the start.
      try (WsClient again =
          WsClient.open("ws://127.0.0.1:" + survivor.port() + "/ws?since=0", reader)) {
        again.expectType("welcome");
        Set<String> delivered = new HashSet<>(seenLive);
        while (!delivered.containsAll(acked)) {
          JsonNode m = again.next();
          if ("watchlist_update".equals(m.path("type").asText())) {
            delivered.add(m.path("content_id").asText());
          } else if ("snapshot".equals(m.path("type").asText())) {
            m.path("state")
                .path("watchlist")
                .path("live")
                .fieldNames()
                .forEachRemaining(delivered::add);
          }
        }
        assertThat(delivered).containsAll(acked);
      }
    }
  }
}
