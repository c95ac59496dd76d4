package dev.mediasync.app;

import static dev.mediasync.app.ApiAsserts.assertError;
import static dev.mediasync.app.ApiAsserts.str;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mediasync.app.ApiAsserts.StateProbe;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * "Bad input gets a clear error and changes nothing", over REST: every write endpoint, every kind
 * of bad body, header, method and path. Each case asserts the status, the catalogued code, the
 * error shape, and that the user's state (REST reads and a connected device) did not change.
 */
class RestBadInputIT {
  static final String WATCHLIST = "/api/v1/sync/watchlist";
  static final String PROGRESS = "/api/v1/sync/progress";
  static final String PREFS = "/api/v1/sync/preferences";
  static final String HANDOFF = "/api/v1/devices/handoff";
  static final String JSON = "application/json";
  static final int MAX = 64 * 1024;

  /** One write endpoint with a body that is accepted as is. */
  record Endpoint(String method, String path, String validBody) {
    @Override
    public String toString() {
      return method + " " + path;
    }
  }

  static final Endpoint WATCHLIST_ADD =
      new Endpoint("POST", WATCHLIST, "{\"operation\":\"add\",\"content_id\":\"tmdb:550\"}");
  static final Endpoint PROGRESS_SET =
      new Endpoint(
          "POST",
          PROGRESS,
          "{\"content_id\":\"tmdb:550\",\"position_seconds\":42.5,\"duration_seconds\":100,"
              + "\"state\":\"playing\"}");
  static final Endpoint PREFERENCE_SET =
      new Endpoint("PUT", PREFS + "/theme", "{\"value\":\"dark\"}");
  static final Endpoint HANDOFF_TO_TV =
      new Endpoint("POST", HANDOFF, "{\"target_device_id\":\"tv\",\"content_id\":\"tmdb:550\"}");
  static final List<Endpoint> WRITES =
      List.of(WATCHLIST_ADD, PROGRESS_SET, PREFERENCE_SET, HANDOFF_TO_TV);

  static TestServer server;
  static Http http;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    http = server.http();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  // ---- helpers ----------------------------------------------------------------------------------

  static Http.Resp send(StateProbe p, String method, String path, String body) {
    return http.send(method, path, p.token, body, Map.of("Content-Type", JSON));
  }

  /** Sends {@code body} to {@code e}, expects the error, and proves nothing changed. */
  static void expectRefused(StateProbe p, Endpoint e, String body, int status, String code) {
    Http.Resp r = send(p, e.method(), e.path(), body);
    String what = e + " " + clip(body);
    assertThat(r.status()).as("%s -> %s", what, r).isNotEqualTo(500);
    assertError(r, status, code);
    p.assertUnchangedCheaply(what);
  }

  static String clip(String s) {
    if (s == null) {
      return "<null>";
    }
    return s.length() <= 120 ? s : s.substring(0, 120) + "...(" + s.length() + " chars)";
  }

  /** The valid body of {@code e} with {@code field} replaced by raw JSON {@code json}. */
  static String with(Endpoint e, String field, String json) {
    return with(e.validBody(), field, json);
  }

  /** {@code body} with {@code field} replaced by raw JSON {@code json}. */
  static String with(String body, String field, String json) {
    try {
      com.fasterxml.jackson.databind.node.ObjectNode n =
          (com.fasterxml.jackson.databind.node.ObjectNode) Http.JSON.readTree(body);
      n.set(field, Http.JSON.readTree(json));
      return Http.JSON.writeValueAsString(n);
    } catch (Exception x) {
      throw new IllegalStateException(x);
    }
  }

  /** The valid body of {@code e} without {@code field}. */
  static String without(Endpoint e, String field) {
    try {
      com.fasterxml.jackson.databind.node.ObjectNode n =
          (com.fasterxml.jackson.databind.node.ObjectNode) Http.JSON.readTree(e.validBody());
      assertThat(n.remove(field)).as("%s has %s", e, field).isNotNull();
      return Http.JSON.writeValueAsString(n);
    } catch (Exception x) {
      throw new IllegalStateException(x);
    }
  }

  /** The valid body of {@code e} padded with an ignored field to exactly {@code bytes} bytes. */
  static String padded(Endpoint e, int bytes) {
    String head = e.validBody().substring(0, e.validBody().length() - 1) + ",\"pad\":\"";
    String tail = "\"}";
    String body = head + "a".repeat(bytes - head.length() - tail.length()) + tail;
    assertThat(body.getBytes(StandardCharsets.UTF_8)).hasSize(bytes);
    return body;
  }

  static String nested(int depth) {
    return "[".repeat(depth) + "]".repeat(depth);
  }

  /** Ids the contract refuses: outside {@code [A-Za-z0-9._:@-]}, empty, or longer than 128. */
  static final List<String> BAD_IDS =
      List.of(
          "",
          "a".repeat(129),
          "tmdb 550",
          "tmdb/550",
          "tmdb#550",
          "tmdb?550",
          "a\"b",
          "a\\b",
          "caf\u00e9",
          "\u0442\u0432",
          "emoji\ud83c\udfac",
          "nul\u0000",
          "line\n",
          "tab\t",
          "del\u007f",
          "rtl\u202e",
          "zero\u200bwidth");

  // ---- every write endpoint: JSON syntax --------------------------------------------------------

  @Test
  void anyWrite_malformedJson_400InvalidJsonAndNothingChanges() {
    try (StateProbe p = StateProbe.seeded(server, "rbi-malformed")) {
      for (Endpoint e : WRITES) {
        for (String body :
            List.of(
                "{",
                "}",
                "not json",
                "{\"operation\":",
                "{'content_id':'tmdb:550'}",
                "{content_id:\"tmdb:550\"}",
                "{\"content_id\":\"tmdb:550\",}",
                "{\"a\":1 \"b\":2}",
                "{\"value\":NaN}",
                "{\"position_seconds\":Infinity}",
                "{\"value\":undefined}",
                "{\"value\":\"unterminated}",
                "{\"value\":01}",
                "\u0000",
                "\ufeff{}")) {
          expectRefused(p, e, body, 400, "invalid_json");
        }
      }
      p.assertStillUnchanged("malformed JSON");
    }
  }

  @Test
  void anyWrite_emptyOrBlankBody_400InvalidJson() {
    try (StateProbe p = StateProbe.seeded(server, "rbi-empty")) {
      for (Endpoint e : WRITES) {
        expectRefused(p, e, "", 400, "invalid_json");
        expectRefused(p, e, "   \n\t", 400, "invalid_json");
        // No body at all, but a JSON content type.
        Http.Resp r = http.send(e.method(), e.path(), p.token, null, Map.of("Content-Type", JSON));
        assertError(r, 400, "invalid_json");
        p.assertUnchanged(e + " without body");
      }
      p.assertStillUnchanged("empty bodies");
    }
  }

  @Test
  void anyWrite_jsonThatIsNotAnObject_400InvalidJson() {
    try (StateProbe p = StateProbe.seeded(server, "rbi-notobject")) {
      for (Endpoint e : WRITES) {
        for (String body :
            List.of(
                "[]",
                "[" + e.validBody() + "]",
                str(e.validBody()),
                "\"tmdb:550\"",
                "42",
                "-1.5e3",
                "true",
                "false",
                "null")) {
          expectRefused(p, e, body, 400, "invalid_json");
        }
      }
      p.assertStillUnchanged("non-object JSON");
    }
  }

  @Test
  void anyWrite_trailingGarbageAfterTheObject_400InvalidJson() {
    try (StateProbe p = StateProbe.seeded(server, "rbi-trailing")) {
      for (Endpoint e : WRITES) {
        for (String tail : List.of(" x", "}", "]", " {}", e.validBody(), ",", " null", "\u0000")) {
          expectRefused(p, e, e.validBody() + tail, 400, "invalid_json");
        }
      }
      p.assertStillUnchanged("trailing garbage");
    }
  }

  @Test
  void anyWrite_duplicateKeys_400InvalidJson() {
    try (StateProbe p = StateProbe.seeded(server, "rbi-dupkeys")) {
      expectRefused(
          p,
          WATCHLIST_ADD,
          "{\"operation\":\"add\",\"content_id\":\"tmdb:1\",\"content_id\":\"tmdb:2\"}",
          400,
          "invalid_json");
      expectRefused(
          p,
          WATCHLIST_ADD,
          "{\"operation\":\"add\",\"operation\":\"remove\",\"content_id\":\"seed:1\"}",
          400,
          "invalid_json");
      expectRefused(
          p,
          PROGRESS_SET,
          "{\"content_id\":\"tmdb:550\",\"position_seconds\":1,\"position_seconds\":2,"
              + "\"duration_seconds\":100,\"state\":\"playing\"}",
          400,
          "invalid_json");
      expectRefused(
          p, PREFERENCE_SET, "{\"value\":\"dark\",\"value\":\"light\"}", 400, "invalid_json");
      expectRefused(p, PREFERENCE_SET, "{\"value\":{\"a\":1,\"a\":2}}", 400, "invalid_json");
      expectRefused(
          p,
          HANDOFF_TO_TV,
          "{\"target_device_id\":\"tv\",\"target_device_id\":\"tv\",\"content_id\":\"x\"}",
          400,
          "invalid_json");
      p.assertStillUnchanged("duplicate keys");
    }
  }

  @Test
  void anyWrite_nestingDeeperThan32_400InvalidJson() {
    try (StateProbe p = StateProbe.seeded(server, "rbi-deep")) {
      for (Endpoint e : WRITES) {
        // The root object is level 1: 32 more levels of arrays make 33.
        expectRefused(p, e, with(e, "extra", "[]").replace("[]", nested(32)), 400, "invalid_json");
        expectRefused(p, e, with(e, "extra", "[]").replace("[]", nested(500)), 400, "invalid_json");
        String deepObject = "{\"a\":".repeat(40) + "1" + "}".repeat(40);
        expectRefused(p, e, with(e, "extra", "[]").replace("[]", deepObject), 400, "invalid_json");
      }
      p.assertStillUnchanged("deep nesting");
    }
  }

  @Test
  void preference_valueNestedExactly32Deep_isAccepted() {
    String user = "rbi-deep-ok";
    String token = server.token(user, "phone");
    // Root object (1) + 31 levels of arrays = 32.
    String body = "{\"value\":" + nested(31) + "}";
    Http.Resp r = http.put(PREFS + "/deep", token, body);
    assertThat(r.status()).as("%s", r).isEqualTo(200);
    JsonNode items = http.get(PREFS, token).json().path("items");
    assertThat(items.path("deep").path("value").toString()).isEqualTo(nested(31));
  }

  // ---- every write endpoint: size, content type, method, path ---------------------------------

  @Test
  void anyWrite_bodyOver64KiB_413PayloadTooLarge() {
    try (StateProbe p = StateProbe.seeded(server, "rbi-large")) {
      for (Endpoint e : WRITES) {
        expectRefused(p, e, padded(e, MAX + 1), 413, "payload_too_large");
        expectRefused(p, e, padded(e, 4 * MAX), 413, "payload_too_large");
      }
      p.assertStillUnchanged("large bodies");
    }
  }

  @Test
  void anyWrite_chunkedBodyOver64KiB_413PayloadTooLarge() throws Exception {
    try (StateProbe p = StateProbe.seeded(server, "rbi-chunked")) {
      HttpClient client = HttpClient.newHttpClient();
      for (Endpoint e : WRITES) {
        byte[] bytes = padded(e, 2 * MAX).getBytes(StandardCharsets.UTF_8);
        // No length known up front: the client sends Transfer-Encoding: chunked.
        HttpRequest req =
            HttpRequest.newBuilder(URI.create(server.baseUrl() + e.path()))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + p.token)
                .header("Content-Type", JSON)
                .method(
                    e.method(),
                    HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes)))
                .build();
        HttpResponse<String> raw = client.send(req, HttpResponse.BodyHandlers.ofString());
        assertError(new Http.Resp(raw.statusCode(), raw.body(), raw), 413, "payload_too_large");
        p.assertUnchanged("chunked " + e);
      }
      p.assertStillUnchanged("chunked large bodies");
    }
  }

  @Test
  void watchlist_bodyOfExactly64KiB_isAccepted() {
    String token = server.token("rbi-64k", "phone");
    Http.Resp r = http.post(WATCHLIST, token, padded(WATCHLIST_ADD, MAX));
    assertThat(r.status()).as("%s", r).isEqualTo(200);
    assertThat(http.get(WATCHLIST, token).json().path("items").get(0).path("content_id").asText())
        .isEqualTo("tmdb:550");
  }

  @Test
  void anyWrite_wrongOrMissingContentType_415UnsupportedMediaType() {
    try (StateProbe p = StateProbe.seeded(server, "rbi-ctype")) {
      for (Endpoint e : WRITES) {
        List<Map<String, String>> headers =
            List.of(
                Map.of(),
                Map.of("Content-Type", "text/plain"),
                Map.of("Content-Type", "application/x-www-form-urlencoded"),
                Map.of("Content-Type", "multipart/form-data; boundary=x"),
                Map.of("Content-Type", "application/jsonx"),
                Map.of("Content-Type", "application/xml"),
                Map.of("Content-Type", "json"),
                Map.of("Content-Type", ""));
        for (Map<String, String> h : headers) {
          Http.Resp r = http.send(e.method(), e.path(), p.token, e.validBody(), h);
          assertError(r, 415, "unsupported_media_type");
          p.assertUnchangedCheaply(e + " with " + h);
        }
      }
      p.assertStillUnchanged("wrong content types");
    }
  }

  @Test
  void write_jsonContentTypeWithParametersOrCase_isAccepted() {
    String token = server.token("rbi-ctype-ok", "phone");
    for (String type :
        List.of("application/json; charset=utf-8", "Application/JSON", "application/json ;q=1")) {
      Http.Resp r =
          http.send(
              "POST", WATCHLIST, token, WATCHLIST_ADD.validBody(), Map.of("Content-Type", type));
      assertThat(r.status()).as("%s -> %s", type, r).isEqualTo(200);
    }
  }

  @Test
  void writeEndpoints_wrongMethod_405MethodNotAllowed() {
    try (StateProbe p = StateProbe.seeded(server, "rbi-method")) {
      Map<String, List<String>> wrong = new LinkedHashMap<>();
      wrong.put(WATCHLIST, List.of("PUT", "DELETE", "PATCH"));
      wrong.put(PROGRESS, List.of("PUT", "DELETE", "PATCH"));
      wrong.put(PREFS + "/theme", List.of("POST", "GET", "DELETE", "PATCH"));
      wrong.put(PREFS, List.of("POST", "PUT", "DELETE"));
      wrong.put(HANDOFF, List.of("GET", "PUT", "DELETE"));
      wrong.put("/api/v1/devices", List.of("POST", "DELETE"));
      for (Map.Entry<String, List<String>> w : wrong.entrySet()) {
        for (String method : w.getValue()) {
          Http.Resp r = send(p, method, w.getKey(), "{\"value\":1}");
          assertError(r, 405, "method_not_allowed");
          p.assertUnchangedCheaply(method + " " + w.getKey());
        }
      }
      p.assertStillUnchanged("wrong methods");
    }
  }

  @Test
  void unknownPath_404NotFound() {
    try (StateProbe p = StateProbe.seeded(server, "rbi-path")) {
      for (String path :
          List.of(
              "/api/v1/sync/nothing",
              "/api/v1/sync/watchlist/tmdb:550",
              "/api/v1/sync/preferences/theme/extra",
              "/api/v2/sync/watchlist",
              "/api/v1",
              "/api/",
              "/nothing",
              "/ws/extra")) {
        for (String method : List.of("GET", "POST")) {
          Http.Resp r = send(p, method, path, WATCHLIST_ADD.validBody());
          assertError(r, 404, "not_found");
          p.assertUnchangedCheaply(method + " " + path);
        }
      }
      p.assertStillUnchanged("unknown paths");
    }
  }

  // ---- field validation per endpoint ------------------------------------------------------------

  @Test
  void watchlist_wrongTypesMissingFieldsOrUnknownOperation_400InvalidField() {
    try (StateProbe p = StateProbe.seeded(server, "rbi-wl-fields")) {
      Endpoint e = WATCHLIST_ADD;
      List<String> bodies = new ArrayList<>();
      for (String op :
          List.of(
              "1",
              "true",
              "null",
              "[\"add\"]",
              "{\"add\":1}",
              "\"\"",
              "\"ADD\"",
              "\"Add\"",
              "\"delete\"",
              "\"add \"",
              "\"upsert\"")) {
        bodies.add(with(e, "operation", op));
      }
      for (String id : List.of("550", "null", "true", "[\"tmdb:550\"]", "{\"id\":\"x\"}")) {
        bodies.add(with(e, "content_id", id));
      }
      bodies.add(without(e, "operation"));
      bodies.add(without(e, "content_id"));
      bodies.add("{}");
      bodies.add("{\"type\":\"watchlist_update\"}");
      bodies.add(with(e, "op_id", "7"));
      bodies.add(with(e, "op_id", "[]"));
      bodies.add(with(e, "timestamp", "123"));
      bodies.add(with(e, "timestamp", "\"abc\""));
      bodies.add(with(e, "timestamp", "\"-1\""));
      bodies.add(with(e, "timestamp", "\"18446744073709551616\""));
      bodies.add(with(e, "timestamp", "\"\""));
      // Tags are for removes only.
      bodies.add(with(e, "tags", "[\"1:phone\"]"));
      bodies.add("{\"operation\":\"remove\",\"content_id\":\"seed:1\",\"tags\":\"all\"}");
      bodies.add("{\"operation\":\"remove\",\"content_id\":\"seed:1\",\"tags\":[1]}");
      bodies.add("{\"operation\":\"remove\",\"content_id\":\"seed:1\",\"tags\":[\"garbage\"]}");
      for (String body : bodies) {
        expectRefused(p, e, body, 400, "invalid_field");
      }
      p.assertStillUnchanged("bad watchlist fields");
    }
  }

  @Test
  void progress_wrongTypesMissingFieldsOrUnknownState_400InvalidField() {
    try (StateProbe p = StateProbe.seeded(server, "rbi-pr-fields")) {
      Endpoint e = PROGRESS_SET;
      List<String> bodies = new ArrayList<>();
      for (String v :
          List.of("\"42\"", "\"NaN\"", "\"Infinity\"", "true", "null", "[1]", "{\"s\":1}")) {
        bodies.add(with(e, "position_seconds", v));
        bodies.add(with(e, "duration_seconds", v));
      }
      for (String s :
          List.of(
              "1",
              "true",
              "null",
              "\"\"",
              "\"PLAYING\"",
              "\"rewinding\"",
              "\"play\"",
              "[\"paused\"]")) {
        bodies.add(with(e, "state", s));
      }
      bodies.add(with(e, "content_id", "550"));
      for (String f : List.of("content_id", "position_seconds", "duration_seconds", "state")) {
        bodies.add(without(e, f));
      }
      bodies.add("{}");
      for (String body : bodies) {
        expectRefused(p, e, body, 400, "invalid_field");
      }
      p.assertStillUnchanged("bad progress fields");
    }
  }

  @Test
  void progress_negativeHugeOrOutOfRangeNumbers_400InvalidField() {
    try (StateProbe p = StateProbe.seeded(server, "rbi-pr-numbers")) {
      Endpoint e = PROGRESS_SET;
      long oneYear = 365L * 24 * 3600;
      List<String> bodies = new ArrayList<>();
      for (String v :
          List.of(
              "-1",
              "-0.001",
              "-1e308",
              "1e308",
              "1e400",
              "-1e400",
              "1.7976931348623157E308",
              String.valueOf(oneYear + 1),
              "9223372036854775807",
              "18446744073709551616",
              "1" + "0".repeat(40))) {
        bodies.add(numberBody(v, "100"));
        bodies.add(numberBody("0", v));
      }
      // Position past the end.
      bodies.add(numberBody("100.5", "100"));
      bodies.add(numberBody("200", "100"));
      bodies.add(numberBody(String.valueOf(oneYear), "1"));
      for (String body : bodies) {
        expectRefused(p, e, body, 400, "invalid_field");
      }
      p.assertStillUnchanged("bad progress numbers");
    }
  }

  /** A progress body with raw JSON numbers for position and duration. */
  static String numberBody(String position, String duration) {
    return "{\"content_id\":\"tmdb:550\",\"position_seconds\":"
        + position
        + ",\"duration_seconds\":"
        + duration
        + ",\"state\":\"playing\"}";
  }

  @Test
  void progress_numberLiteralLongerThan64Chars_400AndNothingChanges() {
    try (StateProbe p = StateProbe.seeded(server, "rbi-pr-longnum")) {
      // The parser refuses absurdly long number literals before converting them.
      expectRefused(p, PROGRESS_SET, numberBody("1" + "0".repeat(100), "100"), 400, "invalid_json");
      expectRefused(
          p, PROGRESS_SET, numberBody("0." + "1".repeat(100), "100"), 400, "invalid_json");
      p.assertStillUnchanged("long numbers");
    }
  }

  @Test
  void progress_boundaryValues_areAccepted() {
    String token = server.token("rbi-pr-bounds", "phone");
    long oneYear = 365L * 24 * 3600;
    for (String body :
        List.of(
            numberBody("0", "0"),
            numberBody(String.valueOf(oneYear), String.valueOf(oneYear)),
            numberBody("100", "100"),
            // Duration 0 means unknown (live): any position within a year.
            numberBody("5000", "0"))) {
      Http.Resp r = http.post(PROGRESS, token, body);
      assertThat(r.status()).as("%s -> %s", body, r).isEqualTo(200);
    }
  }

  @Test
  void preference_missingValueOrBadOpId_400InvalidField() {
    try (StateProbe p = StateProbe.seeded(server, "rbi-pref-fields")) {
      Endpoint e = PREFERENCE_SET;
      expectRefused(p, e, "{}", 400, "invalid_field");
      expectRefused(p, e, "{\"val\":1}", 400, "invalid_field");
      expectRefused(p, e, with(e, "op_id", "1"), 400, "invalid_field");
      expectRefused(p, e, with(e, "timestamp", "1"), 400, "invalid_field");
      p.assertStillUnchanged("bad preference fields");
    }
  }

  @Test
  void handoff_wrongTypesOrMissingFields_400InvalidField() {
    try (StateProbe p = StateProbe.seeded(server, "rbi-ho-fields")) {
      Endpoint e = HANDOFF_TO_TV;
      List<String> bodies = new ArrayList<>();
      for (String v : List.of("1", "true", "null", "[\"tv\"]", "{\"id\":\"tv\"}")) {
        bodies.add(with(e, "target_device_id", v));
        bodies.add(with(e, "content_id", v));
      }
      bodies.add(without(e, "target_device_id"));
      bodies.add(without(e, "content_id"));
      bodies.add("{}");
      for (String body : bodies) {
        expectRefused(p, e, body, 400, "invalid_field");
      }
      p.assertStillUnchanged("bad handoff fields");
    }
  }

  @Test
  void handoff_unknownTarget_404NotFoundAndNothingSent() {
    try (StateProbe p = StateProbe.seeded(server, "rbi-ho-unknown")) {
      expectRefused(
          p,
          HANDOFF_TO_TV,
          "{\"target_device_id\":\"never-seen\",\"content_id\":\"seed:1\"}",
          404,
          "not_found");
      p.assertStillUnchanged("handoff to an unknown device");
    }
  }

  @Test
  void handoff_offlineTarget_409DeviceOfflineAndNothingSent() throws Exception {
    try (StateProbe p = StateProbe.seeded(server, "rbi-ho-offline")) {
      WsClient old = server.connect(p.user, "old-tv");
      p.watcher.awaitType("device_online");
      old.close();
      p.watcher.awaitType("device_offline");
      expectRefused(
          p,
          HANDOFF_TO_TV,
          "{\"target_device_id\":\"old-tv\",\"content_id\":\"seed:1\"}",
          409,
          "device_offline");
      p.assertStillUnchanged("handoff to an offline device");
    }
  }

  // ---- ids --------------------------------------------------------------------------------------

  @Test
  void anyWrite_idOutsideAlphabetOrTooLong_400InvalidField() {
    try (StateProbe p = StateProbe.seeded(server, "rbi-ids")) {
      for (String id : BAD_IDS) {
        String json = str(id);
        expectRefused(
            p, WATCHLIST_ADD, with(WATCHLIST_ADD, "content_id", json), 400, "invalid_field");
        expectRefused(p, WATCHLIST_ADD, with(WATCHLIST_ADD, "op_id", json), 400, "invalid_field");
        expectRefused(
            p, PROGRESS_SET, with(PROGRESS_SET, "content_id", json), 400, "invalid_field");
        expectRefused(p, PROGRESS_SET, with(PROGRESS_SET, "op_id", json), 400, "invalid_field");
        expectRefused(p, PREFERENCE_SET, with(PREFERENCE_SET, "op_id", json), 400, "invalid_field");
        expectRefused(
            p, HANDOFF_TO_TV, with(HANDOFF_TO_TV, "target_device_id", json), 400, "invalid_field");
        expectRefused(
            p, HANDOFF_TO_TV, with(HANDOFF_TO_TV, "content_id", json), 400, "invalid_field");
      }
      p.assertStillUnchanged("bad ids");
    }
  }

  @Test
  void preference_keyInPathOutsideAlphabetOrTooLong_400InvalidField() {
    try (StateProbe p = StateProbe.seeded(server, "rbi-prefkey")) {
      for (String key :
          List.of(
              "a".repeat(129),
              "tmdb%20550",
              "caf%C3%A9",
              "%D1%82%D0%B2",
              "nul%00",
              "line%0A",
              "tab%09",
              "a%2Fb",
              "a%22b",
              "a%5Cb",
              "a%3Fb",
              "a%23b",
              "%F0%9F%8E%AC",
              "%E2%80%AE",
              "a+b",
              "a%25b",
              "a!b",
              "a*b",
              "a~b")) {
        Endpoint e = new Endpoint("PUT", PREFS + "/" + key, "{\"value\":\"x\"}");
        expectRefused(p, e, e.validBody(), 400, "invalid_field");
      }
      p.assertStillUnchanged("bad preference keys");
    }
  }

  @Test
  void preference_invalidUtf8InPath_400AndNothingChanges() {
    try (StateProbe p = StateProbe.seeded(server, "rbi-prefkey-utf8")) {
      for (String key : List.of("%FF", "%C3", "%ED%A0%80", "a%C0%AF")) {
        Endpoint e = new Endpoint("PUT", PREFS + "/" + key, "{\"value\":\"x\"}");
        Http.Resp r = send(p, e.method(), e.path(), e.validBody());
        assertThat(r.status()).as("%s -> %s", e, r).isEqualTo(400);
        assertError(r, 400, r.errorCode());
        assertThat(r.errorCode()).isIn("invalid_field", "invalid_json");
        p.assertUnchanged(e.toString());
      }
      p.assertStillUnchanged("undecodable keys");
    }
  }

  @Test
  void write_idsAtTheLimitsOfTheAlphabet_areAccepted() {
    String token = server.token("rbi-ids-ok", "phone");
    String full = "AZaz09._:@-";
    String longest = "x".repeat(128);
    for (String id : List.of(full, longest, "a")) {
      assertThat(
              http.post(
                      WATCHLIST,
                      token,
                      "{\"operation\":\"add\",\"content_id\":"
                          + str(id)
                          + ",\"op_id\":"
                          + str(id)
                          + "}")
                  .status())
          .as(id)
          .isEqualTo(200);
      assertThat(http.put(PREFS + "/" + id, token, "{\"value\":1}").status()).as(id).isEqualTo(200);
    }
    JsonNode items = http.get(WATCHLIST, token).json().path("items");
    assertThat(items).hasSize(3);
  }

  @Test
  void getProgress_invalidContentIdQuery_400InvalidField() {
    try (StateProbe p = StateProbe.seeded(server, "rbi-query")) {
      for (String q :
          List.of(
              "",
              "a".repeat(129),
              "tmdb%20550",
              "caf%C3%A9",
              "nul%00",
              "line%0A",
              "a%2Fb",
              "%F0%9F%8E%AC")) {
        Http.Resp r = http.get(PROGRESS + "?content_id=" + q, p.token);
        assertError(r, 400, "invalid_field");
      }
      // A valid id that has no register is an empty list, not an error.
      Http.Resp ok = http.get(PROGRESS + "?content_id=tmdb:404", p.token);
      assertThat(ok.status()).isEqualTo(200);
      assertThat(ok.json().path("items")).isEmpty();
      assertThat(http.get(PROGRESS + "?content_id=seed:1", p.token).json().path("items"))
          .hasSize(1);
      p.assertStillUnchanged("bad queries");
    }
  }

  // ---- timestamps -------------------------------------------------------------------------------

  @Test
  void anyWrite_timestampMoreThan60sAhead_400InvalidFieldAndClockNotPoisoned() {
    try (StateProbe p = StateProbe.seeded(server, "rbi-skew")) {
      long now = server.clock().currentTimeMillis();
      for (long aheadMs : List.of(61_000L, 3_600_000L, (1L << 47))) {
        String ts = str(Long.toUnsignedString((now + aheadMs) << 16));
        for (Endpoint e : List.of(WATCHLIST_ADD, PROGRESS_SET, PREFERENCE_SET)) {
          expectRefused(p, e, with(e, "timestamp", ts), 400, "invalid_field");
          expectRefused(
              p, e, with(with(e, "timestamp", ts), "op_id", "\"skew-op\""), 400, "invalid_field");
        }
      }
      String max = str(Long.toUnsignedString(-1L));
      expectRefused(p, WATCHLIST_ADD, with(WATCHLIST_ADD, "timestamp", max), 400, "invalid_field");
      p.assertStillUnchanged("timestamps from the future");

      // The clock was not poisoned: a fresh write is stamped near the real time.
      Http.Resp r = http.post(WATCHLIST, p.token, "{\"operation\":\"add\",\"content_id\":\"x:1\"}");
      assertThat(r.status()).isEqualTo(200);
      long millis = Long.parseUnsignedLong(r.json().path("timestamp").asText()) >>> 16;
      assertThat(millis).isLessThan(now + 60_000);
      // The op_id of a refused write was not remembered: it can be used now.
      Http.Resp reuse =
          http.post(
              WATCHLIST,
              p.token,
              "{\"operation\":\"add\",\"content_id\":\"x:2\",\"op_id\":\"skew-op\"}");
      assertThat(reuse.status()).as("%s", reuse).isEqualTo(200);
    }
  }

  @Test
  void write_timestampWithinSkew_isAccepted() {
    String token = server.token("rbi-skew-ok", "phone");
    long now = server.clock().currentTimeMillis();
    String ts = Long.toUnsignedString((now + 30_000) << 16);
    Http.Resp r =
        http.post(
            WATCHLIST,
            token,
            "{\"operation\":\"add\",\"content_id\":\"a:1\"," + "\"timestamp\":\"" + ts + "\"}");
    assertThat(r.status()).as("%s", r).isEqualTo(200);
  }

  // ---- preference values ------------------------------------------------------------------------

  @Test
  void preference_valueOfAnyJsonType_roundTripsViaGet() throws Exception {
    String user = "rbi-pref-types";
    String token = server.token(user, "phone");
    Map<String, String> values = new LinkedHashMap<>();
    values.put("obj", "{\"a\":1,\"b\":[true,null,\"x\"],\"c\":{\"d\":-2.5}}");
    values.put("arr", "[1,\"two\",3.5,false,null,{},[]]");
    values.put("int", "42");
    values.put("neg", "-7");
    values.put("dec", "0.125");
    values.put("big", "123456789012345678901234567890");
    values.put("str", "\"h\\u00e9llo \\\"w\\\" \\n \\ud83c\\udfac\"");
    values.put("empty-str", "\"\"");
    values.put("t", "true");
    values.put("f", "false");
    values.put("nul", "null");
    values.put("empty-obj", "{}");
    values.put("empty-arr", "[]");
    for (Map.Entry<String, String> v : values.entrySet()) {
      Http.Resp r = http.put(PREFS + "/" + v.getKey(), token, "{\"value\":" + v.getValue() + "}");
      assertThat(r.status()).as("%s -> %s", v, r).isEqualTo(200);
    }
    JsonNode items = http.get(PREFS, token).json().path("items");
    assertThat(items.size()).isEqualTo(values.size());
    for (Map.Entry<String, String> v : values.entrySet()) {
      JsonNode item = items.path(v.getKey());
      assertThat(item.has("value")).as(v.getKey()).isTrue();
      assertThat(item.get("value")).as(v.getKey()).isEqualTo(Http.JSON.readTree(v.getValue()));
      assertThat(item.path("timestamp").asText()).matches("[0-9]+");
    }
  }

  @Test
  void preference_valueOver16KiB_400InvalidField() {
    try (StateProbe p = StateProbe.seeded(server, "rbi-pref-big")) {
      int limit = 16 * 1024;
      // A string's compact form has two quote characters.
      expectRefused(
          p,
          PREFERENCE_SET,
          "{\"value\":" + str("x".repeat(limit - 1)) + "}",
          400,
          "invalid_field");
      expectRefused(
          p, PREFERENCE_SET, "{\"value\":" + str("x".repeat(50_000)) + "}", 400, "invalid_field");
      StringBuilder arr = new StringBuilder("[");
      for (int i = 0; i < 5000; i++) {
        arr.append(i == 0 ? "" : ",").append("1234");
      }
      expectRefused(p, PREFERENCE_SET, "{\"value\":" + arr + "]}", 400, "invalid_field");
      p.assertStillUnchanged("large preference values");

      // Exactly 16 KiB compact is accepted.
      Http.Resp ok =
          http.put(PREFS + "/big", p.token, "{\"value\":" + str("x".repeat(limit - 2)) + "}");
      assertThat(ok.status()).as("%s", ok).isEqualTo(200);
    }
  }
}
