package dev.mediasync.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Assertions shared by the bad-input and auth tests: the contract's error shape, and a probe that
 * proves a user's state did not change (REST reads compared byte for byte, and a connected device
 * that must receive nothing).
 */
final class ApiAsserts {
  private ApiAsserts() {}

  /**
   * Asserts {@code r} is the contract's JSON error: {@code status}, {@code Content-Type:
   * application/json}, body exactly {@code {"error":{"code","message"}}} with {@code code}.
   */
  static JsonNode assertError(Http.Resp r, int status, String code) {
    return assertError(r.status(), r.header("Content-Type"), r.body(), status, code);
  }

  /** {@link #assertError(Http.Resp, int, String)} for an answer read some other way. */
  static JsonNode assertError(
      int actualStatus, String contentType, String text, int status, String code) {
    String r = actualStatus + " " + text;
    assertThat(actualStatus).as("status of %s", r).isEqualTo(status);
    assertThat(contentType).as("Content-Type of %s", r).isNotNull().startsWith("application/json");
    JsonNode body;
    try {
      body = Http.JSON.readTree(text);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + r, e);
    }
    assertThat(body.isObject()).as("body of %s", r).isTrue();
    assertThat(body.size()).as("only 'error' at the top of %s", r).isEqualTo(1);
    JsonNode error = body.path("error");
    assertThat(error.isObject()).as("'error' object in %s", r).isTrue();
    assertThat(error.path("code").isTextual()).as("code in %s", r).isTrue();
    assertThat(error.path("code").asText()).as("code in %s", r).isEqualTo(code);
    assertThat(error.path("message").isTextual()).as("message in %s", r).isTrue();
    assertThat(error.path("message").asText()).as("message in %s", r).isNotBlank();
    return error;
  }

  /** A JSON string literal for {@code s} (escapes quotes, backslashes and control chars). */
  static String str(String s) {
    try {
      return Http.JSON.writeValueAsString(s);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A user with some state (one watchlist item, one progress register, one preference, written from
   * device {@code phone}) and a connected device {@code tv}; {@link #assertUnchanged} proves
   * nothing happened since.
   */
  static final class StateProbe implements AutoCloseable {
    static final List<String> READS =
        List.of("/api/v1/sync/watchlist", "/api/v1/sync/progress", "/api/v1/sync/preferences");

    final TestServer server;
    final String user;
    final String token;
    final WsClient watcher;
    private final Map<String, String> baseline = new java.util.LinkedHashMap<>();

    private StateProbe(TestServer server, String user) {
      this.server = server;
      this.user = user;
      this.token = server.token(user, "phone");
      this.watcher = server.connect(user, "tv");
    }

    static StateProbe seeded(TestServer server, String user) {
      StateProbe p = new StateProbe(server, user);
      Http http = server.http();
      expectOk(
          http.post(
              "/api/v1/sync/watchlist",
              p.token,
              "{\"operation\":\"add\",\"content_id\":\"seed:1\"}"));
      expectOk(
          http.post(
              "/api/v1/sync/progress",
              p.token,
              "{\"content_id\":\"seed:1\",\"position_seconds\":10,\"duration_seconds\":100,"
                  + "\"state\":\"paused\"}"));
      expectOk(http.put("/api/v1/sync/preferences/seed", p.token, "{\"value\":\"v\"}"));
      p.watcher.expectType("watchlist_update");
      p.watcher.expectType("progress_update");
      p.watcher.expectType("preference_update");
      for (String path : READS) {
        Http.Resp r = http.get(path, p.token);
        assertThat(r.status()).as("GET %s", path).isEqualTo(200);
        p.baseline.put(path, r.body());
      }
      return p;
    }

    private static void expectOk(Http.Resp r) {
      assertThat(r.status()).as("seed write %s", r).isEqualTo(200);
    }

    /** Every read answers what it did after seeding, and the watcher got nothing so far. */
    void assertUnchanged(String what) {
      Http http = server.http();
      for (Map.Entry<String, String> e : baseline.entrySet()) {
        Http.Resp r = http.get(e.getKey(), token);
        assertThat(r.body()).as("GET %s after %s", e.getKey(), what).isEqualTo(e.getValue());
      }
      assertThat(watcher.drain()).as("messages to another device after %s", what).isEmpty();
    }

    private int calls;

    /**
     * Cheap per-request check for long case lists: no message to the other device, and every eighth
     * call the full {@link #assertUnchanged}. End the test with {@link #assertStillUnchanged},
     * which always reads everything back.
     */
    void assertUnchangedCheaply(String what) {
      if (++calls % 8 == 0) {
        assertUnchanged(what);
      } else {
        assertThat(watcher.drain()).as("messages to another device after %s", what).isEmpty();
      }
    }

    /** {@link #assertUnchanged} plus a quiet period, for the end of a test. */
    void assertStillUnchanged(String what) {
      watcher.expectSilence(Duration.ofMillis(200));
      assertUnchanged(what);
    }

    @Override
    public void close() {
      watcher.close();
    }
  }
}
