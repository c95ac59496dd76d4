package dev.mediasync.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mediasync.server.auth.JwtSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /dev/token} exists only in dev mode (the service made up its secret), and the browser
 * client and demo page are served in both modes.
 */
class DevTokenAndStaticIT {

  @Test
  void devMode_issuesTokensThatTheApiAccepts() throws Exception {
    try (Running app = Running.start(JwtSettings.generateDevSecret())) {
      Http.Resp r =
          app.http().post("/dev/token", null, "{\"user_id\":\"alice\",\"device_id\":\"laptop-1\"}");
      assertThat(r.status()).as(r.toString()).isEqualTo(200);
      assertThat(r.json().path("user_id").asText()).isEqualTo("alice");
      assertThat(r.json().path("device_id").asText()).isEqualTo("laptop-1");
      assertThat(r.json().path("expires_in").asLong()).isEqualTo(86400);
      String token = r.json().path("token").asText();

      Http.Resp added =
          app.http()
              .post(
                  "/api/v1/sync/watchlist",
                  token,
                  "{\"operation\":\"add\",\"content_id\":\"tmdb:550\"}");
      assertThat(added.status()).as(added.toString()).isEqualTo(200);
      assertThat(added.json().path("device_id").asText()).isEqualTo("laptop-1");
    }
  }

  @Test
  void devMode_refusesBadBodiesWithCataloguedErrors() throws Exception {
    try (Running app = Running.start(JwtSettings.generateDevSecret())) {
      Http http = app.http();
      assertThat(http.post("/dev/token", null, "{").errorCode()).isEqualTo("invalid_json");
      assertThat(http.post("/dev/token", null, "[]").errorCode()).isEqualTo("invalid_json");
      assertThat(http.post("/dev/token", null, "{\"user_id\":\"a\"}").errorCode())
          .isEqualTo("invalid_field");
      assertThat(
              http.post("/dev/token", null, "{\"user_id\":\"a b\",\"device_id\":\"d\"}")
                  .errorCode())
          .isEqualTo("invalid_field");
      Http.Resp plain =
          http.send(
              "POST",
              "/dev/token",
              null,
              "{\"user_id\":\"a\",\"device_id\":\"d\"}",
              Map.of("Content-Type", "text/plain"));
      assertThat(plain.status()).isEqualTo(415);
    }
  }

  @Test
  void configuredSecret_hasNoDevTokenEndpoint() throws Exception {
    try (Running app = Running.start(JwtSettings.hs256(TestServer.SECRET))) {
      Http.Resp r =
          app.http().post("/dev/token", null, "{\"user_id\":\"alice\",\"device_id\":\"laptop\"}");
      assertThat(r.status()).as(r.toString()).isEqualTo(404);
      assertThat(r.errorCode()).isEqualTo("not_found");
    }
  }

  @Test
  void clientAndDemoAreServed() throws Exception {
    try (Running app = Running.start(JwtSettings.hs256(TestServer.SECRET))) {
      Http.Resp js = app.http().get("/client/sync-client.js", null);
      assertThat(js.status()).isEqualTo(200);
      assertThat(js.header("Content-Type")).contains("javascript");
      assertThat(js.body()).contains("export class SyncClient");

      Http.Resp demo = app.http().get("/demo", null);
      assertThat(demo.status()).isEqualTo(200);
      assertThat(demo.header("Content-Type")).startsWith("text/html");
      assertThat(demo.body()).contains("/demo/demo.js");
      assertThat(app.http().get("/demo/demo.js", null).status()).isEqualTo(200);
      assertThat(app.http().get("/demo/demo.css", null).status()).isEqualTo(200);

      assertThat(app.http().get("/client/", null).status()).isEqualTo(404);
      assertThat(app.http().get("/client/../webroot/client/sync-client.js", null).status())
          .isNotEqualTo(500);
    }
  }

  /** A service on a free port with its own data directory and the given JWT settings. */
  private record Running(SyncApp app, Path dir) implements AutoCloseable {
    static Running start(JwtSettings jwt) throws Exception {
      Path dir = Files.createTempDirectory("sync-devtoken-");
      AppConfig config =
          AppConfig.fromEnvironment(
              Map.of("SYNC_HOST", "127.0.0.1", "SYNC_PORT", "0", "SYNC_DATA_DIR", dir.toString()));
      SyncApp app =
          TestServer.await(
              SyncApp.start(config, jwt, SyncApp.Wiring.production())
                  .toCompletionStage()
                  .toCompletableFuture());
      return new Running(app, dir);
    }

    Http http() {
      return new Http("http://127.0.0.1:" + app.port());
    }

    @Override
    public void close() {
      try {
        TestServer.await(app.stop().toCompletionStage().toCompletableFuture());
      } finally {
        TestServer.deleteRecursively(dir);
      }
    }
  }
}
