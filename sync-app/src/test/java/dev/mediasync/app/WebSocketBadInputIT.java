package dev.mediasync.app;

import static dev.mediasync.app.ApiAsserts.assertError;
import static dev.mediasync.app.ApiAsserts.str;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mediasync.app.ApiAsserts.StateProbe;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * "Bad input gets a clear error and changes nothing", over WebSocket: a bad frame is answered with
 * an {@code error} message and the socket stays open (proved by a heartbeat and an acked write
 * afterwards); a frame over 64 KiB closes with 1009; a bad upgrade request is answered over HTTP.
 */
class WebSocketBadInputIT {
  static final int MAX = 64 * 1024;
  static final String VALID_WATCHLIST =
      "{\"type\":\"watchlist_update\",\"operation\":\"add\",\"content_id\":\"tmdb:550\"}";
  static final String VALID_PROGRESS =
      "{\"type\":\"progress_update\",\"content_id\":\"tmdb:550\",\"position_seconds\":42,"
          + "\"duration_seconds\":100,\"state\":\"playing\"}";
  static final String VALID_PREFERENCE =
      "{\"type\":\"preference_update\",\"key\":\"theme\",\"value\":\"dark\"}";

  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  // ---- helpers ----------------------------------------------------------------------------------

  /** A seeded user with a watcher device {@code tv} and a writing device {@code phone} on WS. */
  record Setup(StateProbe probe, WsClient phone) implements AutoCloseable {
    static Setup of(String user) {
      StateProbe p = StateProbe.seeded(server, user);
      WsClient phone = server.connect(user, "phone");
      p.watcher.awaitType("device_online");
      return new Setup(p, phone);
    }

    @Override
    public void close() {
      phone.close();
      probe.close();
    }
  }

  /** Sends {@code frame}, expects an {@code error} with {@code code}, proves nothing changed. */
  static JsonNode expectError(Setup s, String frame, String code) {
    s.phone().send(frame);
    JsonNode m = s.phone().next();
    assertThat(m.path("type").asText()).as("answer to %s: %s", clip(frame), m).isEqualTo("error");
    assertThat(m.path("code").asText()).as("answer to %s: %s", clip(frame), m).isEqualTo(code);
    assertThat(m.path("message").isTextual()).as("message in %s", m).isTrue();
    assertThat(m.path("message").asText()).isNotBlank();
    assertThat(s.phone().isClosed()).as("socket closed after %s", clip(frame)).isFalse();
    s.probe().assertUnchanged(clip(frame));
    return m;
  }

  /** The socket still works: a heartbeat is answered and a valid write is acked and fanned out. */
  static void assertAlive(Setup s, String opId) {
    s.probe().assertStillUnchanged("bad frames");
    s.phone().send("{\"type\":\"heartbeat\"}");
    s.phone().expectType("heartbeat_ack");
    s.phone()
        .send(
            "{\"type\":\"watchlist_update\",\"operation\":\"add\",\"content_id\":\"alive:1\","
                + "\"op_id\":\""
                + opId
                + "\"}");
    JsonNode ack = s.phone().expectType("ack");
    assertThat(ack.path("op_id").asText()).isEqualTo(opId);
    JsonNode op = s.probe().watcher.expectType("watchlist_update");
    assertThat(op.path("content_id").asText()).isEqualTo("alive:1");
    assertThat(s.phone().isClosed()).isFalse();
  }

  static String clip(String s) {
    return s.length() <= 100 ? s : s.substring(0, 100) + "...(" + s.length() + " chars)";
  }

  static String with(String frame, String field, String json) {
    try {
      com.fasterxml.jackson.databind.node.ObjectNode n =
          (com.fasterxml.jackson.databind.node.ObjectNode) Http.JSON.readTree(frame);
      n.set(field, Http.JSON.readTree(json));
      return Http.JSON.writeValueAsString(n);
    } catch (Exception x) {
      throw new IllegalStateException(x);
    }
  }

  static String without(String frame, String field) {
    try {
      com.fasterxml.jackson.databind.node.ObjectNode n =
          (com.fasterxml.jackson.databind.node.ObjectNode) Http.JSON.readTree(frame);
      assertThat(n.remove(field)).isNotNull();
      return Http.JSON.writeValueAsString(n);
    } catch (Exception x) {
      throw new IllegalStateException(x);
    }
  }

  static String padded(String frame, int bytes) {
    String head = frame.substring(0, frame.length() - 1) + ",\"pad\":\"";
    String tail = "\"}";
    String body = head + "a".repeat(bytes - head.length() - tail.length()) + tail;
    assertThat(body.getBytes(StandardCharsets.UTF_8)).hasSize(bytes);
    return body;
  }

  // ---- frames -----------------------------------------------------------------------------------

  @Test
  void frame_notJson_errorInvalidJsonAndSocketStaysOpen() {
    try (Setup s = Setup.of("wbi-notjson")) {
      for (String frame :
          List.of(
              "not json",
              "{",
              "}",
              "",
              " ",
              "{\"type\":\"heartbeat\"",
              "{'type':'heartbeat'}",
              "{type:\"heartbeat\"}",
              "{\"type\":\"heartbeat\",}",
              "{\"type\":\"heartbeat\"} x",
              "{\"type\":\"heartbeat\"}{\"type\":\"heartbeat\"}",
              "{\"type\":\"heartbeat\",\"type\":\"heartbeat\"}",
              VALID_PROGRESS.replace("42", "NaN"),
              "{\"type\":\"heartbeat\",\"x\":" + "[".repeat(32) + "]".repeat(32) + "}",
              "{\"type\":\"heartbeat\",\"x\":" + "[".repeat(1000) + "]".repeat(1000) + "}",
              "\u0000")) {
        expectError(s, frame, "invalid_json");
      }
      assertAlive(s, "alive-notjson");
    }
  }

  @Test
  void frame_jsonButNotAnObject_errorInvalidJsonAndSocketStaysOpen() {
    try (Setup s = Setup.of("wbi-notobject")) {
      for (String frame :
          List.of(
              "[]",
              "[{\"type\":\"heartbeat\"}]",
              "[" + VALID_WATCHLIST + "]",
              "\"heartbeat\"",
              str(VALID_WATCHLIST),
              "1",
              "-0.5",
              "null",
              "true")) {
        expectError(s, frame, "invalid_json");
      }
      assertAlive(s, "alive-notobject");
    }
  }

  @Test
  void frame_unknownType_errorUnknownTypeAndSocketStaysOpen() {
    try (Setup s = Setup.of("wbi-unknowntype")) {
      for (String type :
          List.of(
              "nope",
              "",
              "HEARTBEAT",
              "Heartbeat",
              " heartbeat",
              "heartbeat ",
              "welcome",
              "ack",
              "error",
              "snapshot",
              "device_command",
              "device_online",
              "watchlist_updates",
              "x".repeat(10_000))) {
        expectError(s, "{\"type\":" + str(type) + "}", "unknown_type");
      }
      // Fields of a valid write do not rescue an unknown type.
      expectError(s, VALID_WATCHLIST.replace("watchlist_update", "watchlist"), "unknown_type");
      assertAlive(s, "alive-unknowntype");
    }
  }

  @Test
  void frame_missingOrNonStringType_errorInvalidFieldAndSocketStaysOpen() {
    try (Setup s = Setup.of("wbi-missingtype")) {
      for (String frame :
          List.of(
              "{}",
              "{\"type\":null}",
              "{\"type\":1}",
              "{\"type\":true}",
              "{\"type\":[\"heartbeat\"]}",
              "{\"type\":{\"name\":\"heartbeat\"}}",
              "{\"operation\":\"add\",\"content_id\":\"tmdb:550\"}")) {
        expectError(s, frame, "invalid_field");
      }
      assertAlive(s, "alive-missingtype");
    }
  }

  @Test
  void watchlistFrame_badFields_errorInvalidFieldAndSocketStaysOpen() {
    try (Setup s = Setup.of("wbi-wl")) {
      String v = VALID_WATCHLIST;
      List<String> frames = new ArrayList<>();
      for (String op : List.of("1", "null", "\"ADD\"", "\"delete\"", "\"\"", "[\"add\"]")) {
        frames.add(with(v, "operation", op));
      }
      for (String id :
          List.of(
              "550",
              "null",
              "\"\"",
              str("a".repeat(129)),
              "\"a b\"",
              "\"caf\u00e9\"",
              "\"nul\\u0000\"",
              "\"line\\n\"")) {
        frames.add(with(v, "content_id", id));
      }
      frames.add(without(v, "operation"));
      frames.add(without(v, "content_id"));
      frames.add(with(v, "tags", "[\"1:tv\"]"));
      frames.add(with(v, "timestamp", "12345"));
      frames.add(with(v, "timestamp", "\"soon\""));
      for (String f : frames) {
        expectError(s, f, "invalid_field");
      }
      assertAlive(s, "alive-wl");
    }
  }

  @Test
  void progressFrame_badFields_errorInvalidFieldAndSocketStaysOpen() {
    try (Setup s = Setup.of("wbi-progress")) {
      String v = VALID_PROGRESS;
      List<String> frames = new ArrayList<>();
      for (String n : List.of("\"42\"", "-1", "1e308", "1e400", "31536001", "true", "null")) {
        frames.add(with(v, "position_seconds", n));
        frames.add(with(v, "duration_seconds", n));
      }
      frames.add(with(v, "position_seconds", "101"));
      for (String st : List.of("1", "\"PLAYING\"", "\"rewinding\"", "\"\"")) {
        frames.add(with(v, "state", st));
      }
      for (String f : List.of("content_id", "position_seconds", "duration_seconds", "state")) {
        frames.add(without(v, f));
      }
      for (String f : frames) {
        expectError(s, f, "invalid_field");
      }
      assertAlive(s, "alive-progress");
    }
  }

  @Test
  void preferenceFrame_badFields_errorInvalidFieldAndSocketStaysOpen() {
    try (Setup s = Setup.of("wbi-pref")) {
      String v = VALID_PREFERENCE;
      List<String> frames = new ArrayList<>();
      frames.add(without(v, "key"));
      frames.add(without(v, "value"));
      for (String k :
          List.of(
              "1", "null", "\"\"", str("k".repeat(129)), "\"a/b\"", "\"a b\"", "\"caf\u00e9\"")) {
        frames.add(with(v, "key", k));
      }
      frames.add(with(v, "value", str("x".repeat(16 * 1024))));
      for (String f : frames) {
        expectError(s, f, "invalid_field");
      }
      assertAlive(s, "alive-pref");
    }
  }

  @Test
  void handoffAckFrame_badFields_errorInvalidFieldAndSocketStaysOpen() {
    try (Setup s = Setup.of("wbi-hoack")) {
      for (String f :
          List.of(
              "{\"type\":\"handoff_ack\"}",
              "{\"type\":\"handoff_ack\",\"handoff_id\":\"h1\"}",
              "{\"type\":\"handoff_ack\",\"handoff_id\":\"h1\",\"status\":\"maybe\"}",
              "{\"type\":\"handoff_ack\",\"handoff_id\":1,\"status\":\"accepted\"}",
              "{\"type\":\"handoff_ack\",\"handoff_id\":\"a b\",\"status\":\"accepted\"}",
              "{\"type\":\"handoff_ack\",\"handoff_id\":\"h1\",\"status\":\"rejected\","
                  + "\"reason\":"
                  + str("r".repeat(257))
                  + "}",
              "{\"type\":\"handoff_ack\",\"handoff_id\":\"h1\",\"status\":\"rejected\","
                  + "\"reason\":7}")) {
        expectError(s, f, "invalid_field");
      }
      assertAlive(s, "alive-hoack");
    }
  }

  @Test
  void write_badOpId_errorCarriesNoOpIdAndSocketStaysOpen() {
    try (Setup s = Setup.of("wbi-opid")) {
      for (String frame : List.of(VALID_WATCHLIST, VALID_PROGRESS, VALID_PREFERENCE)) {
        for (String opId :
            List.of("\"a b\"", str("o".repeat(129)), "\"\"", "7", "[\"x\"]", "\"caf\u00e9\"")) {
          JsonNode e = expectError(s, with(frame, "op_id", opId), "invalid_field");
          // A frame that does not decode has no trustworthy op_id: the error names none.
          assertThat(e.has("op_id")).as("op_id in %s", e).isFalse();
        }
      }
      // A valid op_id on a frame that fails decoding for another field is not echoed either.
      JsonNode e =
          expectError(
              s, with(VALID_PROGRESS, "op_id", "\"op-7\"").replace("42", "-42"), "invalid_field");
      assertThat(e.has("op_id")).as("op_id in %s", e).isFalse();
      assertAlive(s, "alive-opid");
    }
  }

  @Test
  void write_timestampMoreThan60sAhead_errorInvalidFieldWithOpIdAndNothingChanges() {
    try (Setup s = Setup.of("wbi-skew")) {
      long now = server.clock().currentTimeMillis();
      String ts = str(Long.toUnsignedString((now + 61_000) << 16));
      int i = 0;
      for (String frame : List.of(VALID_WATCHLIST, VALID_PROGRESS, VALID_PREFERENCE)) {
        String opId = "skew-" + i++;
        JsonNode e =
            expectError(s, with(with(frame, "timestamp", ts), "op_id", str(opId)), "invalid_field");
        // Decoding succeeded, the engine refused it: the error names the write's op_id.
        assertThat(e.path("op_id").asText()).isEqualTo(opId);
        JsonNode noId = expectError(s, with(frame, "timestamp", ts), "invalid_field");
        assertThat(noId.has("op_id")).isFalse();
      }
      assertAlive(s, "skew-0"); // the refused op_id was not remembered
    }
  }

  @Test
  void frame_binary_errorInvalidJsonAndSocketStaysOpen() {
    try (Setup s = Setup.of("wbi-binary")) {
      s.phone().sendBinary(VALID_WATCHLIST.getBytes(StandardCharsets.UTF_8));
      JsonNode e = s.phone().expectType("error");
      assertThat(e.path("code").asText()).isEqualTo("invalid_json");
      s.phone().sendBinary(new byte[] {0, 1, 2, (byte) 0xff});
      assertThat(s.phone().expectType("error").path("code").asText()).isEqualTo("invalid_json");
      s.phone().sendBinary(new byte[0]);
      assertThat(s.phone().expectType("error").path("code").asText()).isEqualTo("invalid_json");
      assertAlive(s, "alive-binary");
    }
  }

  @Test
  void frame_ofExactly64KiB_isAccepted() {
    try (Setup s = Setup.of("wbi-64k")) {
      s.phone().send(padded(with(VALID_WATCHLIST, "op_id", "\"big\""), MAX));
      assertThat(s.phone().expectType("ack").path("op_id").asText()).isEqualTo("big");
      assertThat(s.probe().watcher.expectType("watchlist_update").path("content_id").asText())
          .isEqualTo("tmdb:550");
    }
  }

  @Test
  void frame_over64KiB_closesWith1009AndNothingChanges() {
    try (Setup s = Setup.of("wbi-huge")) {
      s.phone().sendNoWait(padded(VALID_WATCHLIST, MAX + 1));
      assertThat(s.phone().awaitClose()).isEqualTo(1009);
      s.probe().watcher.awaitType("device_offline");
      s.probe().assertStillUnchanged("a frame over 64 KiB");
    }
  }

  @Test
  void fragmentedMessageOver64KiB_closesWith1009AndNothingChanges() {
    try (Setup s = Setup.of("wbi-fragments")) {
      String body = padded(VALID_WATCHLIST, MAX + 1000);
      int third = body.length() / 3;
      try {
        s.phone()
            .sendFragmented(
                body.substring(0, third),
                body.substring(third, 2 * third),
                body.substring(2 * third));
      } catch (IllegalStateException e) {
        // The server may close before the last fragment is written.
      }
      assertThat(s.phone().awaitClose()).isEqualTo(1009);
      s.probe().watcher.awaitType("device_offline");
      s.probe().assertStillUnchanged("a message over 64 KiB in fragments");
    }
  }

  @Test
  void fragmentedMessageWithin64KiB_isAccepted() {
    try (Setup s = Setup.of("wbi-fragments-ok")) {
      String body = padded(with(VALID_WATCHLIST, "op_id", "\"frag\""), 3000);
      s.phone()
          .sendFragmented(
              body.substring(0, 1000), body.substring(1000, 2000), body.substring(2000));
      assertThat(s.phone().expectType("ack").path("op_id").asText()).isEqualTo("frag");
    }
  }

  // ---- the upgrade request ----------------------------------------------------------------------

  static RawUpgrade.RawResp upgrade(String pathAndQuery, String authorization) throws IOException {
    return RawUpgrade.upgrade(server.port(), pathAndQuery, authorization);
  }

  static RawUpgrade.RawResp upgrade(
      String pathAndQuery, String authorization, String key, String version) throws IOException {
    return RawUpgrade.upgrade(server.port(), pathAndQuery, authorization, key, version);
  }

  static void expectUpgradeRefused(String query, String authorization, int status, String code)
      throws IOException {
    RawUpgrade.RawResp r = upgrade("/ws" + query, authorization);
    assertError(r.status(), r.header("Content-Type"), r.body(), status, code);
  }

  static String bearer(String user, String device) {
    return "Bearer " + server.token(user, device);
  }

  @Test
  void upgrade_missingOrBadToken_401Unauthorized() throws Exception {
    String user = "wbi-up-auth";
    expectUpgradeRefused("?device_id=tv", null, 401, "unauthorized");
    expectUpgradeRefused("?device_id=tv&token=", null, 401, "unauthorized");
    expectUpgradeRefused("?device_id=tv&token=garbage", null, 401, "unauthorized");
    expectUpgradeRefused("?device_id=tv&token=a.b.c", null, 401, "unauthorized");
    expectUpgradeRefused("?device_id=tv", "Bearer garbage", 401, "unauthorized");
    expectUpgradeRefused("?device_id=tv", "Basic dXNlcjpwYXNz", 401, "unauthorized");
    String token = server.token(user, null);
    String tampered = token.substring(0, token.length() - 2) + "AA";
    expectUpgradeRefused("?device_id=tv&token=" + tampered, null, 401, "unauthorized");
    // Sanity: the same request with a good token upgrades.
    assertThat(upgrade("?device_id=tv".replace("?", "/ws?") + "&token=" + token, null).status())
        .isEqualTo(101);
  }

  @Test
  void upgrade_missingOrBadDeviceId_400InvalidField() throws Exception {
    String auth = bearer("wbi-up-device", null);
    expectUpgradeRefused("", auth, 400, "invalid_field");
    for (String id :
        List.of(
            "",
            "a".repeat(129),
            "a%20b",
            "a%2Fb",
            "caf%C3%A9",
            "nul%00",
            "line%0A",
            "%F0%9F%8E%AC",
            "a%22b")) {
      expectUpgradeRefused("?device_id=" + id, auth, 400, "invalid_field");
    }
  }

  @Test
  void upgrade_badSince_400InvalidField() throws Exception {
    String auth = bearer("wbi-up-since", null);
    for (String since :
        List.of("", "abc", "-1", "1.5", "1e5", "18446744073709551616", "9".repeat(21), "%20")) {
      expectUpgradeRefused("?device_id=tv&since=" + since, auth, 400, "invalid_field");
    }
  }

  @Test
  void upgrade_badNameTypeOrCapabilities_400InvalidField() throws Exception {
    String auth = bearer("wbi-up-info", null);
    List<String> queries = new ArrayList<>();
    for (String name : List.of("", "n".repeat(129), "a%0Ab", "a%00b", "tab%09")) {
      queries.add("&name=" + name);
    }
    for (String type : List.of("", "t".repeat(129), "smart%20tv", "caf%C3%A9")) {
      queries.add("&type=" + type);
    }
    List<String> many = new ArrayList<>();
    for (int i = 0; i < 33; i++) {
      many.add("c" + i);
    }
    for (String caps :
        List.of(",", "a,,b", "a,", ",a", "a%20b", "a,caf%C3%A9", String.join(",", many))) {
      queries.add("&capabilities=" + caps);
    }
    for (String q : queries) {
      expectUpgradeRefused("?device_id=tv" + q, auth, 400, "invalid_field");
    }
    // Sanity: good values upgrade.
    assertThat(
            upgrade("/ws?device_id=tv&name=Living%20Room%20TV&type=tv&capabilities=play,seek", auth)
                .status())
        .isEqualTo(101);
  }

  @Test
  void upgrade_refusedViaJdkWebSocketClient_handshakeCarriesStatus() {
    String good = server.token("wbi-up-jdk", null);
    Map<String, Integer> cases = new LinkedHashMap<>();
    cases.put("/ws?device_id=tv", 401);
    cases.put("/ws?device_id=tv&token=garbage", 401);
    cases.put("/ws?token=" + good, 400);
    cases.put("/ws?device_id=a%20b&token=" + good, 400);
    cases.put("/ws?device_id=tv&since=abc&token=" + good, 400);
    cases.put("/ws?device_id=tv&name=&token=" + good, 400);
    HttpClient client = HttpClient.newHttpClient();
    for (Map.Entry<String, Integer> c : cases.entrySet()) {
      URI uri = URI.create("ws://127.0.0.1:" + server.port() + c.getKey());
      assertThatThrownBy(
              () ->
                  client
                      .newWebSocketBuilder()
                      .buildAsync(uri, new WebSocket.Listener() {})
                      .get(5, TimeUnit.SECONDS))
          .as(c.getKey())
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(WebSocketHandshakeException.class)
          .satisfies(
              e ->
                  assertThat(((WebSocketHandshakeException) e).getResponse().statusCode())
                      .as(c.getKey())
                      .isEqualTo(c.getValue()));
    }
  }

  @Test
  void plainGetOnWs_withoutUpgradeHeaders_isAClientErrorNot500() {
    Http.Resp r = server.http().get("/ws?device_id=tv", server.token("wbi-plain", null));
    assertThat(r.status()).as("%s", r).isEqualTo(400);
    assertError(r, 400, "invalid_field");
  }

  @Test
  void upgrade_missingKeyOrVersion_400InvalidFieldNot500() throws Exception {
    String auth = bearer("wbi-up-handshake", null);
    for (String[] kv :
        new String[][] {
          {"dGhlIHNhbXBsZSBub25jZQ==", null}, {null, "13"}, {"", "13"}, {null, null}
        }) {
      RawUpgrade.RawResp r = upgrade("/ws?device_id=tv", auth, kv[0], kv[1]);
      assertError(r.status(), r.header("Content-Type"), r.body(), 400, "invalid_field");
    }
  }

  @Test
  void upgrade_unsupportedVersion_426WithSupportedVersion() throws Exception {
    // RFC 6455 4.4: the answer names the version the server speaks. Netty writes this answer
    // itself, with an empty body (see the report: not the contract's JSON error shape).
    String auth = bearer("wbi-up-version", null);
    for (String version : List.of("12", "99", "abc")) {
      RawUpgrade.RawResp r = upgrade("/ws?device_id=tv", auth, "dGhlIHNhbXBsZSBub25jZQ==", version);
      assertThat(r.status()).as(version).isEqualTo(426);
      assertThat(r.header("Sec-WebSocket-Version")).isEqualTo("13");
    }
  }

  @Test
  void upgrade_refused_changesNoPresence() throws Exception {
    String user = "wbi-up-presence";
    try (WsClient tv = server.connect(user, "tv")) {
      String auth = bearer(user, null);
      expectUpgradeRefused("?device_id=phone&since=abc", auth, 400, "invalid_field");
      expectUpgradeRefused("?device_id=phone&name=", auth, 400, "invalid_field");
      tv.expectSilence(Duration.ofMillis(200));
      JsonNode devices = server.http().get("/api/v1/devices", server.token(user, null)).json();
      assertThat(devices.path("devices")).hasSize(1);
      assertThat(devices.path("devices").get(0).path("device_id").asText()).isEqualTo("tv");
    }
  }
}
