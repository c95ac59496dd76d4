package dev.mediasync.app;

import static dev.mediasync.app.ApiAsserts.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mediasync.app.ApiAsserts.StateProbe;
import dev.mediasync.server.auth.TokenIssuer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * "Auth and isolation": every API request needs a valid bearer token; a device named by a header or
 * query must match the token's; and no request of one user reads, changes or hears another user's
 * state, devices or channels.
 */
class AuthIsolationIT {
  static final String WATCHLIST = "/api/v1/sync/watchlist";
  static final String PROGRESS = "/api/v1/sync/progress";
  static final String PREFS = "/api/v1/sync/preferences";
  static final String DEVICES = "/api/v1/devices";
  static final String HANDOFF = "/api/v1/devices/handoff";
  static final String JSON = "application/json";

  /** Every API endpoint with a body that a valid token would get accepted. */
  static final List<String[]> REQUESTS =
      List.of(
          new String[] {"GET", WATCHLIST, null},
          new String[] {"GET", PROGRESS, null},
          new String[] {"GET", PREFS, null},
          new String[] {"GET", DEVICES, null},
          new String[] {"POST", WATCHLIST, "{\"operation\":\"add\",\"content_id\":\"auth:1\"}"},
          new String[] {
            "POST",
            PROGRESS,
            "{\"content_id\":\"auth:1\",\"position_seconds\":5,\"duration_seconds\":10,"
                + "\"state\":\"playing\"}"
          },
          new String[] {"PUT", PREFS + "/theme", "{\"value\":\"dark\"}"},
          new String[] {
            "POST", HANDOFF, "{\"target_device_id\":\"tv\",\"content_id\":\"auth:1\"}"
          });

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

  static Http.Resp send(String[] req, Map<String, String> headers) {
    Map<String, String> h = new java.util.HashMap<>(headers);
    if (req[2] != null) {
      h.put("Content-Type", JSON);
    }
    return http.send(req[0], req[1], null, req[2], h);
  }

  /** Every request with {@code authorization} (null: none) is 401 and changes nothing. */
  static void expectAllUnauthorized(StateProbe p, String authorization) {
    for (String[] req : REQUESTS) {
      Map<String, String> h =
          authorization == null ? Map.of() : Map.of("Authorization", authorization);
      Http.Resp r = send(req, h);
      assertError(r, 401, "unauthorized");
      assertThat(r.header("WWW-Authenticate")).as("%s %s", req[0], req[1]).startsWith("Bearer");
      p.assertUnchanged(req[0] + " " + req[1] + " with " + authorization);
    }
  }

  static String b64(String s) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  /** A hand-built JWT: header and payload as given, signed with {@code macAlg} or unsigned. */
  static String jwt(String header, String payload, String macAlg, byte[] secret) {
    String signingInput = b64(header) + "." + b64(payload);
    if (macAlg == null) {
      return signingInput + ".";
    }
    try {
      Mac mac = Mac.getInstance(macAlg);
      mac.init(new SecretKeySpec(secret, macAlg));
      byte[] sig = mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(sig);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String claims(String user) {
    long now = server.clock().currentTimeMillis() / 1000;
    return "{\"sub\":\"" + user + "\",\"iat\":" + now + ",\"exp\":" + (now + 3600) + "}";
  }

  // ---- authentication ---------------------------------------------------------------------------

  @Test
  void anyApiRequest_withoutToken_401Unauthorized() {
    try (StateProbe p = StateProbe.seeded(server, "auth-none")) {
      expectAllUnauthorized(p, null);
      expectAllUnauthorized(p, "");
      expectAllUnauthorized(p, "Bearer");
      expectAllUnauthorized(p, "Bearer ");
      p.assertStillUnchanged("requests without a token");
    }
  }

  @Test
  void anyApiRequest_basicOrOtherScheme_401Unauthorized() {
    try (StateProbe p = StateProbe.seeded(server, "auth-basic")) {
      expectAllUnauthorized(p, "Basic YXV0aC1iYXNpYzpwYXNzd29yZA==");
      expectAllUnauthorized(p, "Digest username=\"auth-basic\"");
      expectAllUnauthorized(p, p.token); // the token without the scheme
      expectAllUnauthorized(p, "Token " + p.token);
      p.assertStillUnchanged("other schemes");
    }
  }

  @Test
  void anyApiRequest_garbageToken_401Unauthorized() {
    try (StateProbe p = StateProbe.seeded(server, "auth-garbage")) {
      for (String t :
          List.of(
              "garbage",
              "a.b.c",
              "a.b",
              "...",
              "eyJhbGciOiJIUzI1NiJ9.e30.",
              "x".repeat(9000),
              p.token + "x",
              p.token.substring(0, p.token.lastIndexOf('.')),
              "\u00e9\u00e9\u00e9")) {
        expectAllUnauthorized(p, "Bearer " + t);
      }
      p.assertStillUnchanged("garbage tokens");
    }
  }

  @Test
  void apiRequest_headersOver16KiB_431NotServerError() {
    // Netty refuses before routing, with an empty body: the one non-JSON error left (see report).
    Http.Resp r = http.get(WATCHLIST, "x".repeat(20_000));
    assertThat(r.status()).isEqualTo(431);
  }

  @Test
  void anyApiRequest_tokenSignedWithAnotherSecret_401Unauthorized() {
    try (StateProbe p = StateProbe.seeded(server, "auth-secret")) {
      String other =
          TokenIssuer.hs256("another-secret-another-secret-012345".getBytes())
              .withClock(server.clock().asJavaClock())
              .issue(p.user, "phone", Duration.ofHours(1));
      expectAllUnauthorized(p, "Bearer " + other);
      // Same header and claims, signature made with another key by hand.
      expectAllUnauthorized(
          p,
          "Bearer "
              + jwt(
                  "{\"alg\":\"HS256\",\"typ\":\"JWT\"}",
                  claims(p.user),
                  "HmacSHA256",
                  "x".repeat(40).getBytes()));
      p.assertStillUnchanged("foreign signatures");
    }
  }

  @Test
  void anyApiRequest_expiredOrNotYetValidToken_401Unauthorized() {
    try (StateProbe p = StateProbe.seeded(server, "auth-expired")) {
      Instant now = Instant.ofEpochMilli(server.clock().currentTimeMillis());
      String expired =
          TokenIssuer.hs256(TestServer.SECRET)
              .withClock(Clock.fixed(now.minus(Duration.ofHours(2)), ZoneOffset.UTC))
              .issue(p.user, "phone", Duration.ofHours(1));
      expectAllUnauthorized(p, "Bearer " + expired);
      long s = now.getEpochSecond();
      String notYet =
          jwt(
              "{\"alg\":\"HS256\",\"typ\":\"JWT\"}",
              "{\"sub\":\"" + p.user + "\",\"nbf\":" + (s + 3600) + ",\"exp\":" + (s + 7200) + "}",
              "HmacSHA256",
              TestServer.SECRET);
      expectAllUnauthorized(p, "Bearer " + notYet);
      p.assertStillUnchanged("expired tokens");
    }
  }

  @Test
  void anyApiRequest_algNoneOrOtherAlgorithm_401Unauthorized() {
    try (StateProbe p = StateProbe.seeded(server, "auth-alg")) {
      String c = claims(p.user);
      for (String none :
          List.of(
              jwt("{\"alg\":\"none\"}", c, null, null),
              jwt("{\"alg\":\"none\",\"typ\":\"JWT\"}", c, null, null),
              jwt("{\"alg\":\"None\"}", c, null, null),
              jwt("{\"alg\":\"NONE\"}", c, null, null),
              jwt("{\"alg\":\"none\"}", c, null, null) + "c2ln",
              jwt("{\"alg\":\"HS384\"}", c, "HmacSHA384", TestServer.SECRET),
              jwt("{\"alg\":\"HS512\"}", c, "HmacSHA512", TestServer.SECRET),
              jwt("{\"alg\":\"RS256\"}", c, "HmacSHA256", TestServer.SECRET),
              jwt("{}", c, "HmacSHA256", TestServer.SECRET))) {
        expectAllUnauthorized(p, "Bearer " + none);
      }
      p.assertStillUnchanged("alg none");
    }
  }

  @Test
  void anyApiRequest_tokenWithoutSubject_401Unauthorized() {
    try (StateProbe p = StateProbe.seeded(server, "auth-nosub")) {
      long s = server.clock().currentTimeMillis() / 1000;
      expectAllUnauthorized(
          p,
          "Bearer "
              + jwt(
                  "{\"alg\":\"HS256\"}",
                  "{\"exp\":" + (s + 3600) + "}",
                  "HmacSHA256",
                  TestServer.SECRET));
      p.assertStillUnchanged("tokens without sub");
    }
  }

  @Test
  void restApi_tokenInQueryParameter_401Unauthorized() {
    try (StateProbe p = StateProbe.seeded(server, "auth-query")) {
      // ?token= is for browser WebSockets only.
      Http.Resp r = http.get(WATCHLIST + "?token=" + p.token, null);
      assertError(r, 401, "unauthorized");
      Http.Resp w =
          http.send(
              "POST",
              WATCHLIST + "?token=" + p.token,
              null,
              "{\"operation\":\"add\",\"content_id\":\"q:1\"}",
              Map.of("Content-Type", JSON));
      assertError(w, 401, "unauthorized");
      p.assertStillUnchanged("query tokens");
    }
  }

  @Test
  void health_needsNoToken() {
    Http.Resp r = http.get("/health", null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().path("status").asText()).isEqualTo("ok");
    assertThat(http.get("/health/ready", null).status()).isEqualTo(200);
  }

  // ---- device identity --------------------------------------------------------------------------

  @Test
  void rest_deviceClaimAndOtherXDeviceId_403ForbiddenAndNothingChanges() {
    try (StateProbe p = StateProbe.seeded(server, "auth-mismatch")) {
      for (String[] req : REQUESTS) {
        Http.Resp r =
            send(req, Map.of("Authorization", "Bearer " + p.token, "X-Device-Id", "laptop"));
        assertError(r, 403, "forbidden");
        p.assertUnchanged(req[0] + " " + req[1] + " as another device");
      }
      p.assertStillUnchanged("device mismatches");
      // The same device in claim and header is fine.
      Http.Resp ok =
          send(
              REQUESTS.get(4),
              Map.of("Authorization", "Bearer " + p.token, "X-Device-Id", "phone"));
      assertThat(ok.status()).as("%s", ok).isEqualTo(200);
      assertThat(ok.json().path("device_id").asText()).isEqualTo("phone");
    }
  }

  @Test
  void rest_invalidXDeviceId_400InvalidField() {
    try (StateProbe p = StateProbe.seeded(server, "auth-badheader")) {
      String noDevice = "Bearer " + server.token(p.user, null);
      for (String id : List.of("a b", "x".repeat(129), "a/b", "caf\u00e9", "")) {
        Http.Resp r = send(REQUESTS.get(4), Map.of("Authorization", noDevice, "X-Device-Id", id));
        assertThat(r.status()).as("X-Device-Id %s -> %s", id, r).isEqualTo(400);
        assertError(r, 400, "invalid_field");
        p.assertUnchanged("X-Device-Id " + id);
      }
      p.assertStillUnchanged("bad X-Device-Id");
    }
  }

  @Test
  void ws_deviceClaimAndOtherQueryDevice_403Forbidden() throws Exception {
    try (StateProbe p = StateProbe.seeded(server, "auth-ws-mismatch")) {
      RawUpgrade.RawResp r =
          RawUpgrade.upgrade(server.port(), "/ws?device_id=laptop", "Bearer " + p.token);
      assertError(r.status(), r.header("Content-Type"), r.body(), 403, "forbidden");
      RawUpgrade.RawResp q =
          RawUpgrade.upgrade(server.port(), "/ws?device_id=laptop&token=" + p.token, null);
      assertError(q.status(), q.header("Content-Type"), q.body(), 403, "forbidden");
      p.assertStillUnchanged("a refused upgrade");
      JsonNode devices = http.get(DEVICES, p.token).json().path("devices");
      assertThat(devices.findValuesAsText("device_id")).containsExactly("tv");
      // Matching claim and query upgrades.
      assertThat(
              RawUpgrade.upgrade(server.port(), "/ws?device_id=phone", "Bearer " + p.token)
                  .status())
          .isEqualTo(101);
    }
  }

  @Test
  void rest_tokenWithoutDeviceAndXDeviceId_writeIsStampedWithTheHeaderDevice() {
    try (StateProbe p = StateProbe.seeded(server, "auth-header-device")) {
      String noDevice = "Bearer " + server.token(p.user, null);
      Http.Resp r =
          send(REQUESTS.get(5), Map.of("Authorization", noDevice, "X-Device-Id", "laptop"));
      assertThat(r.status()).as("%s", r).isEqualTo(200);
      assertThat(r.json().path("device_id").asText()).isEqualTo("laptop");
      JsonNode op = p.watcher.expectType("progress_update");
      assertThat(op.path("device_id").asText()).isEqualTo("laptop");
      JsonNode item =
          http.get(PROGRESS + "?content_id=auth:1", p.token).json().path("items").get(0);
      assertThat(item.path("device_id").asText()).isEqualTo("laptop");
    }
  }

  // ---- isolation --------------------------------------------------------------------------------

  @Test
  void userAWrites_neverShowInUserBsReadsOrReachUserBsDevices() {
    String a = "iso-a1";
    String b = "iso-b1";
    String tokenA = server.token(a, "phone");
    String tokenB = server.token(b, "phone");
    try (WsClient bTv = server.connect(b, "tv");
        WsClient bTablet = server.connect(b, "tablet")) {
      bTv.awaitType("device_online");
      bTv.drain();
      bTablet.drain();
      // A connects devices (presence) and writes every kind of op, over REST and WebSocket.
      try (WsClient aTv = server.connect(a, "tv");
          WsClient aLaptop = server.connect(a, "laptop")) {
        for (String[] req : REQUESTS.subList(4, 7)) {
          assertThat(send(req, Map.of("Authorization", "Bearer " + tokenA)).status())
              .isEqualTo(200);
        }
        aLaptop.send(
            "{\"type\":\"watchlist_update\",\"operation\":\"add\",\"content_id\":\"a:ws\","
                + "\"op_id\":\"a-op\"}");
        aLaptop.awaitType("ack");
        aTv.awaitType("watchlist_update");
      }
      // B's devices heard nothing: no op, no presence of A's devices coming or going.
      bTv.expectSilence(Duration.ofMillis(300));
      assertThat(bTablet.drain()).isEmpty();
      // B's reads are empty.
      assertThat(http.get(WATCHLIST, tokenB).json().path("items")).isEmpty();
      assertThat(http.get(PROGRESS, tokenB).json().path("items")).isEmpty();
      assertThat(http.get(PROGRESS + "?content_id=auth:1", tokenB).json().path("items")).isEmpty();
      assertThat(http.get(PREFS, tokenB).json().path("items")).isEmpty();
      assertThat(http.get(DEVICES, tokenB).json().path("devices").findValuesAsText("device_id"))
          .containsExactlyInAnyOrder("tv", "tablet");
      // A's reads have it all.
      assertThat(http.get(WATCHLIST, tokenA).json().path("items")).hasSize(2);
      assertThat(http.get(PREFS, tokenA).json().path("items").has("theme")).isTrue();
    }
  }

  @Test
  void userB_sameOpIdAsUserA_isIndependent() {
    String body = "{\"operation\":\"add\",\"content_id\":\"same:1\",\"op_id\":\"shared-op\"}";
    Http.Resp a = http.post(WATCHLIST, server.token("iso-a2", "phone"), body);
    assertThat(a.status()).isEqualTo(200);
    // B's op with the same op_id is B's own write, not a replay of A's (nor a conflict).
    Http.Resp b =
        http.post(
            WATCHLIST,
            server.token("iso-b2", "phone"),
            "{\"operation\":\"add\",\"content_id\":\"other:1\",\"op_id\":\"shared-op\"}");
    assertThat(b.status()).as("%s", b).isEqualTo(200);
    assertThat(b.json().path("content_id").asText()).isEqualTo("other:1");
    assertThat(
            http.get(WATCHLIST, server.token("iso-b2", null))
                .json()
                .path("items")
                .findValuesAsText("content_id"))
        .containsExactly("other:1");
  }

  @Test
  void userB_handoffToUserAsOnlineDevice_404NotFoundAsIfUnknown() {
    String a = "iso-a3";
    String b = "iso-b3";
    try (WsClient aTv = server.connect(a, "tv-a");
        WsClient bPhone = server.connect(b, "phone-b")) {
      String tokenB = server.token(b, "phone-b");
      Http.Resp toA =
          http.post(HANDOFF, tokenB, "{\"target_device_id\":\"tv-a\",\"content_id\":\"x:1\"}");
      assertError(toA, 404, "not_found");
      Http.Resp unknown =
          http.post(HANDOFF, tokenB, "{\"target_device_id\":\"tv-zz\",\"content_id\":\"x:1\"}");
      assertError(unknown, 404, "not_found");
      // Indistinguishable from a device that does not exist.
      assertThat(toA.body().replace("tv-a", "ID")).isEqualTo(unknown.body().replace("tv-zz", "ID"));
      aTv.expectSilence(Duration.ofMillis(300));
      assertThat(bPhone.drain()).isEmpty();
      // A's own handoff to the same device works, so the device really was online.
      Http.Resp own =
          http.post(
              HANDOFF,
              server.token(a, "phone-a"),
              "{\"target_device_id\":\"tv-a\",\"content_id\":\"x:1\"}");
      assertThat(own.status()).as("%s", own).isEqualTo(202);
      assertThat(aTv.awaitType("device_command").path("command").asText()).isEqualTo("play");
    }
  }

  @Test
  void sameDeviceIdUnderTwoUsers_areSeparateDevices() {
    String a = "iso-a4";
    String b = "iso-b4";
    try (WsClient aTv = server.connect(a, "tv");
        WsClient bTv = server.connect(b, "tv")) {
      Http.Resp w =
          http.post(
              WATCHLIST,
              server.token(a, "phone"),
              "{\"operation\":\"add\",\"content_id\":\"a:4\"}");
      assertThat(w.status()).isEqualTo(200);
      assertThat(aTv.awaitType("watchlist_update").path("content_id").asText()).isEqualTo("a:4");
      bTv.expectSilence(Duration.ofMillis(200));
      // B's "tv" connecting did not take over A's "tv": both stay connected.
      assertThat(aTv.isClosed()).isFalse();
      assertThat(bTv.isClosed()).isFalse();
      JsonNode devA = http.get(DEVICES, server.token(a, null)).json().path("devices");
      assertThat(devA).hasSize(1);
      assertThat(devA.get(0).path("online").asBoolean()).isTrue();
    }
  }
}
