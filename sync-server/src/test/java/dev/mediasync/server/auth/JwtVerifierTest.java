package dev.mediasync.server.auth;

import static dev.mediasync.server.auth.TestTokens.CLOCK;
import static dev.mediasync.server.auth.TestTokens.EC;
import static dev.mediasync.server.auth.TestTokens.NOW;
import static dev.mediasync.server.auth.TestTokens.RSA;
import static dev.mediasync.server.auth.TestTokens.SECRET;
import static dev.mediasync.server.auth.TestTokens.b64url;
import static dev.mediasync.server.auth.TestTokens.clockAt;
import static dev.mediasync.server.auth.TestTokens.es256;
import static dev.mediasync.server.auth.TestTokens.hmacSigner;
import static dev.mediasync.server.auth.TestTokens.hs256;
import static dev.mediasync.server.auth.TestTokens.pem;
import static dev.mediasync.server.auth.TestTokens.rs256;
import static dev.mediasync.server.auth.TestTokens.sign;
import static dev.mediasync.server.auth.TestTokens.validClaims;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.mediasync.server.auth.AuthenticationException.Reason;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JwtVerifierTest {

  private static final JwtVerifier HS = new JwtVerifier(JwtSettings.hs256(SECRET), CLOCK);
  private static final JwtVerifier RS =
      new JwtVerifier(JwtSettings.publicKeyPem(pem(RSA.getPublic())), CLOCK);
  private static final JwtVerifier ES =
      new JwtVerifier(JwtSettings.publicKeyPem(pem(EC.getPublic())), CLOCK);

  private static AbstractThrowableAssert<?, ? extends Throwable> assertRejected(
      JwtVerifier verifier, String token, Reason reason) {
    return assertThatThrownBy(() -> verifier.verify(token))
        .isInstanceOf(AuthenticationException.class)
        .satisfies(e -> assertThat(((AuthenticationException) e).reason()).isEqualTo(reason))
        .hasMessage(reason.clientMessage());
  }

  /** Replaces the signature part of a compact JWS. */
  private static String withSignature(String token, byte[] signature) {
    return token.substring(0, token.lastIndexOf('.') + 1) + b64url(signature);
  }

  @Nested
  class HappyPaths {

    @Test
    void verify_hs256WithAllClaims_principal() {
      String token =
          hs256(
              validClaims()
                  .claim("device_id", "phone-1")
                  .claim("scope", "read write")
                  .claim("role", List.of("service"))
                  .build());

      Principal p = HS.verify(token);

      assertThat(p.userId()).isEqualTo("alice");
      assertThat(p.deviceId()).isEqualTo("phone-1");
      assertThat(p.scopes()).containsExactlyInAnyOrder("read", "write", "service");
      assertThat(p.hasScope("service")).isTrue();
    }

    @Test
    void verify_hs256MinimalClaims_noDeviceNoScopes() {
      Principal p = HS.verify(hs256(new JWTClaimsSet.Builder().subject("bob").build()));

      assertThat(p.userId()).isEqualTo("bob");
      assertThat(p.deviceId()).isNull();
      assertThat(p.scopes()).isEmpty();
    }

    @Test
    void verify_rs256_principal() {
      assertThat(RS.verify(rs256(validClaims().build())).userId()).isEqualTo("alice");
    }

    @Test
    void verify_es256_principal() {
      assertThat(ES.verify(es256(validClaims().build())).userId()).isEqualTo("alice");
    }

    @Test
    void verify_scopeArray_allValues() {
      String token =
          hs256(validClaims().claim("scope", List.of("notifications:write", "a")).build());
      assertThat(HS.verify(token).scopes()).containsExactlyInAnyOrder("notifications:write", "a");
    }

    @Test
    void verify_roleString_inScopes() {
      assertThat(HS.verify(hs256(validClaims().claim("role", "service").build())).scopes())
          .containsExactly("service");
    }

    @Test
    void verify_idsAtMaxLength_accepted() {
      String id = "u".repeat(128);
      Principal p = HS.verify(hs256(validClaims().subject(id).claim("device_id", id).build()));
      assertThat(p.userId()).isEqualTo(id);
      assertThat(p.deviceId()).isEqualTo(id);
    }

    @Test
    void verify_typAtJwt_accepted() {
      var header =
          new com.nimbusds.jose.JWSHeader.Builder(JWSAlgorithm.HS256)
              .type(new com.nimbusds.jose.JOSEObjectType("at+jwt"))
              .build();
      var jwt = new com.nimbusds.jwt.SignedJWT(header, validClaims().build());
      try {
        jwt.sign(hmacSigner(SECRET));
      } catch (com.nimbusds.jose.JOSEException e) {
        throw new AssertionError(e);
      }
      assertThat(HS.verify(jwt.serialize()).userId()).isEqualTo("alice");
    }
  }

  @Nested
  class Algorithms {

    @Test
    void verify_algNone_rejected() {
      String header = b64url("{\"alg\":\"none\"}");
      String payload = b64url("{\"sub\":\"alice\"}");
      assertRejected(HS, header + "." + payload + ".", Reason.ALGORITHM_NOT_ALLOWED);
      assertRejected(RS, header + "." + payload + ".", Reason.ALGORITHM_NOT_ALLOWED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"None", "NONE", "nOnE"})
    void verify_algNoneCaseVariants_rejected(String alg) {
      String header = b64url("{\"alg\":\"" + alg + "\"}");
      String payload = b64url("{\"sub\":\"alice\"}");
      assertThatThrownBy(() -> HS.verify(header + "." + payload + "."))
          .isInstanceOf(AuthenticationException.class);
      assertThatThrownBy(() -> HS.verify(header + "." + payload + "." + b64url("x")))
          .isInstanceOf(AuthenticationException.class);
    }

    @Test
    void verify_algNoneWithValidHs256Signature_rejected() {
      // Take a valid HS256 token and relabel it alg none, keeping the signature. nimbus refuses to
      // parse an unsecured JWT that has a third part, so this is MALFORMED rather than
      // ALGORITHM_NOT_ALLOWED; what matters is that it never reaches a verifier.
      String good = hs256(validClaims().build());
      String rest = good.substring(good.indexOf('.'));
      assertRejected(HS, b64url("{\"alg\":\"none\"}") + rest, Reason.MALFORMED);
    }

    @Test
    void verify_hs256SignedWithRsaPublicKeyPemWhenRs256Configured_rejected() {
      // The classic key-confusion attack: HMAC "secret" = the RSA public key as the server sees it.
      byte[] pemBytes = pem(RSA.getPublic()).getBytes(UTF_8);
      byte[] derBytes = RSA.getPublic().getEncoded();
      for (byte[] fakeSecret : List.of(pemBytes, derBytes)) {
        String token = sign(hmacSigner(fakeSecret), JWSAlgorithm.HS256, validClaims().build());
        assertRejected(RS, token, Reason.ALGORITHM_NOT_ALLOWED);
      }
    }

    @Test
    void verify_hs256SignedWithEcPublicKeyWhenEs256Configured_rejected() {
      byte[] fakeSecret = pem(EC.getPublic()).getBytes(UTF_8);
      String token = sign(hmacSigner(fakeSecret), JWSAlgorithm.HS256, validClaims().build());
      assertRejected(ES, token, Reason.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void verify_rs256WhenHs256Configured_rejected() {
      assertRejected(HS, rs256(validClaims().build()), Reason.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void verify_es256WhenRs256Configured_rejected() {
      assertRejected(RS, es256(validClaims().build()), Reason.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void verify_rs256WhenEs256Configured_rejected() {
      assertRejected(ES, rs256(validClaims().build()), Reason.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void verify_hs384WithSameSecretWhenHs256Configured_rejected() {
      byte[] longSecret = Arrays.copyOf(SECRET, 48);
      JwtVerifier hs = new JwtVerifier(JwtSettings.hs256(longSecret), CLOCK);
      String token = sign(hmacSigner(longSecret), JWSAlgorithm.HS384, validClaims().build());
      assertRejected(hs, token, Reason.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void verify_ps256WithSameRsaKeyWhenRs256Configured_rejected() {
      String token =
          sign(
              new com.nimbusds.jose.crypto.RSASSASigner(RSA.getPrivate()),
              JWSAlgorithm.PS256,
              validClaims().build());
      assertRejected(RS, token, Reason.ALGORITHM_NOT_ALLOWED);
    }
  }

  @Nested
  class Signatures {

    @Test
    void verify_hs256WrongSecret_rejected() {
      byte[] other = "ffffffffffffffffffffffffffffffff".getBytes(UTF_8);
      String token = sign(hmacSigner(other), JWSAlgorithm.HS256, validClaims().build());
      assertRejected(HS, token, Reason.BAD_SIGNATURE);
    }

    @Test
    void verify_rs256OtherKey_rejected() {
      var other = TestTokens.generate("RSA", 2048);
      String token =
          sign(
              new com.nimbusds.jose.crypto.RSASSASigner(other.getPrivate()),
              JWSAlgorithm.RS256,
              validClaims().build());
      assertRejected(RS, token, Reason.BAD_SIGNATURE);
    }

    @Test
    void verify_tamperedPayload_rejected() {
      String good = hs256(validClaims().build());
      String[] parts = good.split("\\.");
      String forged = parts[0] + "." + b64url("{\"sub\":\"mallory\"}") + "." + parts[2];
      assertRejected(HS, forged, Reason.BAD_SIGNATURE);
    }

    @Test
    void verify_emptySignature_rejected() {
      String good = hs256(validClaims().build());
      // nimbus treats a JWS with an empty signature part as unparseable.
      assertRejected(HS, good.substring(0, good.lastIndexOf('.') + 1), Reason.MALFORMED);
    }

    @Test
    void verify_es256AllZeroSignature_rejected() {
      // CVE-2022-21449 ("psychic signatures"): r = 0, s = 0 in JOSE (R || S) format.
      String token = withSignature(es256(validClaims().build()), new byte[64]);
      assertRejected(ES, token, Reason.BAD_SIGNATURE);
    }

    @Test
    void verify_es256ZeroSignatureForgedClaims_rejected() {
      String header = b64url("{\"alg\":\"ES256\",\"typ\":\"JWT\"}");
      String payload = b64url("{\"sub\":\"admin\",\"role\":\"service\"}");
      String token = header + "." + payload + "." + b64url(new byte[64]);
      assertRejected(ES, token, Reason.BAD_SIGNATURE);
    }

    @Test
    void verify_es256SignatureRAndSEqualToCurveOrder_rejected() {
      // The other CVE-2022-21449 shape: r = s = n (≡ 0 mod n).
      byte[] n =
          new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16)
              .toByteArray();
      byte[] n32 = Arrays.copyOfRange(n, n.length - 32, n.length);
      byte[] sig = new byte[64];
      System.arraycopy(n32, 0, sig, 0, 32);
      System.arraycopy(n32, 0, sig, 32, 32);
      assertRejected(ES, withSignature(es256(validClaims().build()), sig), Reason.BAD_SIGNATURE);
    }

    @Test
    void verify_es256DerEncodedSignature_rejected() {
      // JOSE uses R || S (64 bytes); a DER signature has another length and must not verify.
      byte[] der = new byte[70];
      der[0] = 0x30;
      assertRejected(ES, withSignature(es256(validClaims().build()), der), Reason.BAD_SIGNATURE);
    }
  }

  @Nested
  class Malformed {

    @ParameterizedTest
    @ValueSource(
        strings = {
          "",
          "garbage",
          "a.b",
          "a.b.c.d",
          "...",
          "!!!.###.$$$",
          "Bearer x.y.z",
          "eyJhbGciOiJIUzI1NiJ9",
        })
    void verify_garbage_malformed(String token) {
      assertRejected(HS, token, Reason.MALFORMED);
    }

    @Test
    void verify_null_malformed() {
      assertRejected(HS, null, Reason.MALFORMED);
    }

    @Test
    void verify_nonJsonHeader_malformed() {
      assertRejected(
          HS,
          b64url("not json") + "." + b64url("{\"sub\":\"a\"}") + "." + b64url("sig"),
          Reason.MALFORMED);
    }

    @Test
    void verify_headerWithoutAlg_malformed() {
      assertRejected(
          HS,
          b64url("{\"typ\":\"JWT\"}") + "." + b64url("{\"sub\":\"a\"}") + "." + b64url("s"),
          Reason.MALFORMED);
    }

    @Test
    void verify_nonJsonPayloadValidSignature_rejected() {
      // Correctly signed but the payload is not a claims object.
      var jws =
          new com.nimbusds.jose.JWSObject(
              new com.nimbusds.jose.JWSHeader(JWSAlgorithm.HS256),
              new com.nimbusds.jose.Payload("not json"));
      try {
        jws.sign(hmacSigner(SECRET));
      } catch (com.nimbusds.jose.JOSEException e) {
        throw new AssertionError(e);
      }
      assertThatThrownBy(() -> HS.verify(jws.serialize()))
          .isInstanceOf(AuthenticationException.class);
    }

    @Test
    void verify_fiveParts_malformed() {
      assertRejected(HS, "a.b.c.d.e", Reason.MALFORMED);
    }

    @Test
    void verify_tooLong_malformed() {
      String token = hs256(validClaims().claim("pad", "x".repeat(10_000)).build());
      assertRejected(HS, token, Reason.MALFORMED);
    }

    @Test
    void verify_typNotJwt_malformed() {
      var header =
          new com.nimbusds.jose.JWSHeader.Builder(JWSAlgorithm.HS256)
              .type(new com.nimbusds.jose.JOSEObjectType("secevent+jwt"))
              .build();
      var jwt = new com.nimbusds.jwt.SignedJWT(header, validClaims().build());
      try {
        jwt.sign(hmacSigner(SECRET));
      } catch (com.nimbusds.jose.JOSEException e) {
        throw new AssertionError(e);
      }
      assertRejected(HS, jwt.serialize(), Reason.MALFORMED);
    }

    @Test
    void verify_rejection_messageNeverEchoesToken() {
      String token = hs256(validClaims().subject("bad id!").build());
      assertThatThrownBy(() -> HS.verify(token))
          .isInstanceOf(AuthenticationException.class)
          .hasMessageNotContaining(token)
          .hasMessageNotContaining("bad id!");
    }
  }

  @Nested
  class Time {

    private final Instant exp = NOW.plusSeconds(3600);
    private final String token = hs256(validClaims().expirationTime(Date.from(exp)).build());

    private JwtVerifier at(Instant now) {
      return new JwtVerifier(JwtSettings.hs256(SECRET), clockAt(now));
    }

    @Test
    void verify_beforeExp_accepted() {
      assertThat(at(exp.minusSeconds(1)).verify(token).userId()).isEqualTo("alice");
    }

    @Test
    void verify_justInsideLeewayAfterExp_accepted() {
      assertThat(at(exp.plusSeconds(29)).verify(token).userId()).isEqualTo("alice");
      assertThat(at(exp.plus(Duration.ofMillis(29_999))).verify(token).userId()).isEqualTo("alice");
    }

    @Test
    void verify_exactlyExpPlusLeeway_expired() {
      assertRejected(at(exp.plusSeconds(30)), token, Reason.EXPIRED);
    }

    @Test
    void verify_wellPastExp_expired() {
      assertRejected(at(exp.plusSeconds(31)), token, Reason.EXPIRED);
      assertRejected(at(exp.plus(Duration.ofDays(1))), token, Reason.EXPIRED);
    }

    @Test
    void verify_zeroLeewayAtExp_expired() {
      JwtVerifier strict =
          new JwtVerifier(JwtSettings.hs256(SECRET).withLeeway(Duration.ZERO), clockAt(exp));
      assertRejected(strict, token, Reason.EXPIRED);
    }

    @Test
    void verify_nbfWithinLeeway_accepted() {
      String t = hs256(validClaims().notBeforeTime(Date.from(NOW.plusSeconds(30))).build());
      assertThat(at(NOW).verify(t).userId()).isEqualTo("alice");
    }

    @Test
    void verify_nbfBeyondLeeway_notYetValid() {
      String t = hs256(validClaims().notBeforeTime(Date.from(NOW.plusSeconds(31))).build());
      assertRejected(at(NOW), t, Reason.NOT_YET_VALID);
    }

    @Test
    void verify_nbfFarFuture_notYetValid() {
      String t = hs256(validClaims().notBeforeTime(Date.from(NOW.plusSeconds(3600))).build());
      assertRejected(at(NOW), t, Reason.NOT_YET_VALID);
    }

    @Test
    void verify_expiredButBadSignature_badSignatureFirst() {
      byte[] other = "ffffffffffffffffffffffffffffffff".getBytes(UTF_8);
      String t =
          sign(
              hmacSigner(other),
              JWSAlgorithm.HS256,
              validClaims().expirationTime(Date.from(NOW.minusSeconds(3600))).build());
      assertRejected(at(NOW), t, Reason.BAD_SIGNATURE);
    }

    @Test
    void verify_expNotANumber_rejected() {
      String t = hs256(validClaims().claim("exp", "tomorrow").build());
      assertThatThrownBy(() -> HS.verify(t)).isInstanceOf(AuthenticationException.class);
    }
  }

  @Nested
  class Audience {

    private final JwtVerifier withAud =
        new JwtVerifier(JwtSettings.hs256(SECRET).withAudience("media-sync"), CLOCK);

    @Test
    void verify_audienceMatches_accepted() {
      assertThat(withAud.verify(hs256(validClaims().audience("media-sync").build())).userId())
          .isEqualTo("alice");
    }

    @Test
    void verify_audienceInArray_accepted() {
      String t = hs256(validClaims().audience(List.of("other", "media-sync")).build());
      assertThat(withAud.verify(t).userId()).isEqualTo("alice");
    }

    @Test
    void verify_audienceMissing_rejected() {
      assertRejected(withAud, hs256(validClaims().build()), Reason.AUDIENCE_MISMATCH);
    }

    @Test
    void verify_audienceWrong_rejected() {
      assertRejected(
          withAud,
          hs256(validClaims().audience("other-service").build()),
          Reason.AUDIENCE_MISMATCH);
    }

    @Test
    void verify_audienceCaseDiffers_rejected() {
      assertRejected(
          withAud, hs256(validClaims().audience("Media-Sync").build()), Reason.AUDIENCE_MISMATCH);
    }

    @Test
    void verify_noAudienceConfigured_anyAudAccepted() {
      assertThat(HS.verify(hs256(validClaims().audience("whatever").build())).userId())
          .isEqualTo("alice");
    }
  }

  @Nested
  class Claims {

    @Test
    void verify_missingSub_invalidClaims() {
      String t =
          hs256(new JWTClaimsSet.Builder().expirationTime(Date.from(NOW.plusSeconds(60))).build());
      assertRejected(HS, t, Reason.INVALID_CLAIMS);
    }

    @Test
    void verify_emptySub_invalidClaims() {
      assertRejected(HS, hs256(validClaims().subject("").build()), Reason.INVALID_CLAIMS);
    }

    @Test
    void verify_subTooLong_invalidClaims() {
      assertRejected(
          HS, hs256(validClaims().subject("u".repeat(129)).build()), Reason.INVALID_CLAIMS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a b", "alice/../bob", "al\u0000ice", "é", "a\nb", "<x>"})
    void verify_subBadChars_invalidClaims(String sub) {
      assertRejected(HS, hs256(validClaims().subject(sub).build()), Reason.INVALID_CLAIMS);
    }

    @Test
    void verify_subNumber_coercedToStringByNimbus() {
      // nimbus's JWTClaimsSet parser turns a numeric sub into its decimal string. The signer is
      // trusted and the result still passes the Ids rule, so this is accepted (documented).
      assertThat(HS.verify(hs256(validClaims().claim("sub", 42).build())).userId()).isEqualTo("42");
    }

    @Test
    void verify_subObject_rejected() {
      String t = hs256(validClaims().claim("sub", java.util.Map.of("id", "alice")).build());
      assertThatThrownBy(() -> HS.verify(t)).isInstanceOf(AuthenticationException.class);
    }

    @Test
    void verify_subArray_rejected() {
      String t = hs256(validClaims().claim("sub", List.of("alice")).build());
      assertThatThrownBy(() -> HS.verify(t)).isInstanceOf(AuthenticationException.class);
    }

    @Test
    void verify_deviceIdTooLong_invalidClaims() {
      assertRejected(
          HS,
          hs256(validClaims().claim("device_id", "d".repeat(129)).build()),
          Reason.INVALID_CLAIMS);
    }

    @Test
    void verify_deviceIdBadChars_invalidClaims() {
      assertRejected(
          HS, hs256(validClaims().claim("device_id", "my phone").build()), Reason.INVALID_CLAIMS);
    }

    @Test
    void verify_deviceIdEmpty_invalidClaims() {
      assertRejected(
          HS, hs256(validClaims().claim("device_id", "").build()), Reason.INVALID_CLAIMS);
    }

    @Test
    void verify_deviceIdNotString_invalidClaims() {
      assertRejected(HS, hs256(validClaims().claim("device_id", 7).build()), Reason.INVALID_CLAIMS);
    }

    @Test
    void verify_scopeNumber_invalidClaims() {
      assertRejected(HS, hs256(validClaims().claim("scope", 1).build()), Reason.INVALID_CLAIMS);
    }

    @Test
    void verify_roleArrayWithNonString_invalidClaims() {
      assertRejected(
          HS, hs256(validClaims().claim("role", List.of("ok", 3)).build()), Reason.INVALID_CLAIMS);
    }
  }
}
