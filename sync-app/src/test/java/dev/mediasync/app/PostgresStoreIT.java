package dev.mediasync.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mediasync.testkit.TcpProxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The service on PostgreSQL ({@code SYNC_DATABASE_URL}), in a schema of its own per test ({@code
 * SYNC_DATABASE_SCHEMA}). Needs the database at 127.0.0.1:5432 (user postgres, db test): fails
 * under {@code CI=true} if it is unreachable, is skipped elsewhere.
 */
class PostgresStoreIT {

  private static final String JDBC = "jdbc:postgresql://127.0.0.1:5432/test";
  private static final String URL = "postgresql://postgres@127.0.0.1:5432/test";

  private String schema;

  @BeforeEach
  void requireDatabase() {
    schema = "sync_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection c = connect()) {
      // reachable
    } catch (SQLException e) {
      String message = "PostgreSQL not reachable at " + URL + ": " + e.getMessage();
      if ("true".equals(System.getenv("CI"))) {
        Assertions.fail(message, e);
      }
      Assumptions.abort(message + " (start PostgreSQL to run this test)");
    }
  }

  @AfterEach
  void dropSchema() throws SQLException {
    try (Connection c = connect();
        Statement st = c.createStatement()) {
      st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }

  @Test
  void start_withDataDirThatDoesNotExistYet_createsIt() throws Exception {
    // With PostgreSQL the op store never touches SYNC_DATA_DIR; the notification store still
    // keeps its SQLite file there, so start-up must create the directory.
    java.nio.file.Path parent = java.nio.file.Files.createTempDirectory("sync-pg-dir-");
    java.nio.file.Path missing = parent.resolve("not").resolve("yet");
    try (TestServer server =
        TestServer.builder()
            .env("SYNC_DATABASE_URL", URL)
            .env("SYNC_DATABASE_SCHEMA", schema)
            .dataDir(missing)
            .start()) {
      String token = server.token("pg-dir", "phone");
      assertThat(server.http().get("/api/v1/sync/watchlist", token).status()).isEqualTo(200);
      assertThat(missing).isDirectory();
    } finally {
      TestServer.deleteRecursively(parent);
    }
  }

  @Test
  void writes_surviveRestart_andLandInPostgres() throws SQLException {
    try (TestServer server =
        TestServer.builder()
            .env("SYNC_DATABASE_URL", URL)
            .env("SYNC_DATABASE_SCHEMA", schema)
            .start()) {
      String token = server.token("pg-user", "phone");
      String progress =
          "{\"content_id\":\"m1\",\"position_seconds\":42,\"duration_seconds\":100,"
              + "\"state\":\"paused\",\"op_id\":\"p-1\"}";
      Http.Resp first = server.http().post("/api/v1/sync/progress", token, progress);
      assertThat(first.status()).isEqualTo(200);
      assertThat(
              server
                  .http()
                  .put("/api/v1/sync/preferences/subtitles", token, "{\"value\":{\"lang\":\"fr\"}}")
                  .status())
          .isEqualTo(200);
      assertThat(
              server
                  .http()
                  .post(
                      "/api/v1/sync/watchlist",
                      token,
                      "{\"operation\":\"add\",\"content_id\":\"w1\"}")
                  .status())
          .isEqualTo(200);
      assertThat(countOps()).isEqualTo(3);

      server.restart();

      String token2 = server.token("pg-user", "phone");
      JsonNode items = server.http().get("/api/v1/sync/progress", token2).json().path("items");
      assertThat(items.get(0).path("position_seconds").asInt()).isEqualTo(42);
      JsonNode prefs = server.http().get("/api/v1/sync/preferences", token2).json();
      assertThat(prefs.path("items").path("subtitles").path("value").toString())
          .isEqualTo("{\"lang\":\"fr\"}");
      JsonNode wl = server.http().get("/api/v1/sync/watchlist", token2).json();
      assertThat(wl.path("items").get(0).path("content_id").asText()).isEqualTo("w1");

      Http.Resp replay = server.http().post("/api/v1/sync/progress", token2, progress);
      assertThat(replay.status()).isEqualTo(200);
      assertThat(replay.json().path("timestamp").asText())
          .isEqualTo(first.json().path("timestamp").asText());

      // The restarted node's clock must be past what is stored (rule 7); the fake clock does not
      // move by itself.
      server.clock().advance(Duration.ofSeconds(1));
      Http.Resp later =
          server
              .http()
              .post(
                  "/api/v1/sync/watchlist",
                  token2,
                  "{\"operation\":\"add\",\"content_id\":\"w2\"}");
      assertThat(later.status()).isEqualTo(200);
      assertThat(countOps()).isEqualTo(4);
    }
  }

  @Test
  void databaseDown_writesAnswer503_readyIsDown_thenRecover() throws Exception {
    try (TcpProxy proxy = TcpProxy.start("127.0.0.1", 5432);
        TestServer server =
            TestServer.builder()
                .env(
                    "SYNC_DATABASE_URL",
                    "postgresql://postgres@127.0.0.1:" + proxy.port() + "/test")
                .env("SYNC_DATABASE_SCHEMA", schema)
                .start()) {
      String token = server.token("pg-down", "phone");
      assertThat(write(server, token, "a").status()).isEqualTo(200);
      assertThat(server.http().get("/health/ready", null).status()).isEqualTo(200);

      proxy.cut();

      long start = System.nanoTime();
      Http.Resp down = write(server, token, "b");
      assertThat(down.status()).isEqualTo(503);
      assertThat(down.errorCode()).isEqualTo("unavailable");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
      Http.Resp ready = server.http().get("/health/ready", null);
      assertThat(ready.status()).isEqualTo(503);
      assertThat(ready.json().path("checks").path("store").asText()).isEqualTo("down");

      proxy.resume();

      Http.Resp back = write(server, token, "c");
      assertThat(back.status()).as(back.toString()).isEqualTo(200);
      assertThat(server.http().get("/health/ready", null).status()).isEqualTo(200);
      JsonNode wl = server.http().get("/api/v1/sync/watchlist", token).json().path("items");
      assertThat(wl.findValuesAsText("content_id")).containsExactlyInAnyOrder("a", "c");
    }
  }

  private static Http.Resp write(TestServer server, String token, String contentId) {
    return server
        .http()
        .post(
            "/api/v1/sync/watchlist",
            token,
            "{\"operation\":\"add\",\"content_id\":\"" + contentId + "\"}");
  }

  private int countOps() throws SQLException {
    try (Connection c = connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM " + schema + ".ops")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static Connection connect() throws SQLException {
    return DriverManager.getConnection(JDBC + "?connectTimeout=3", "postgres", null);
  }
}
