package dev.mediasync.server.auth;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;

/** Keys, clocks and hand-built tokens for the auth tests. */
final class TestTokens {

  static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(UTF_8);

  // Generating RSA keys is slow-ish; share one pair per test run.
  static final KeyPair RSA = generate("RSA", 2048);
  static final KeyPair EC = generateEc("secp256r1");

  private TestTokens() {}

  static KeyPair generate(String algorithm, int bits) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
      g.initialize(bits);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  static KeyPair generateEc(String curve) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec(curve));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  static String pem(PublicKey key) {
    return "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(UTF_8)).encodeToString(key.getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
  }

  static Clock clockAt(Instant instant) {
    return Clock.fixed(instant, ZoneOffset.UTC);
  }

  /** sub=alice, exp=NOW+1h. */
  static JWTClaimsSet.Builder validClaims() {
    return new JWTClaimsSet.Builder()
        .subject("alice")
        .issueTime(Date.from(NOW))
        .expirationTime(Date.from(NOW.plusSeconds(3600)));
  }

  static JWSSigner hmacSigner(byte[] secret) {
    try {
      return new MACSigner(secret);
    } catch (JOSEException e) {
      throw new AssertionError(e);
    }
  }

  static String sign(JWSSigner signer, JWSAlgorithm alg, JWTClaimsSet claims) {
    SignedJWT jwt = new SignedJWT(new JWSHeader(alg), claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new AssertionError(e);
    }
    return jwt.serialize();
  }

  static String hs256(JWTClaimsSet claims) {
    return sign(hmacSigner(SECRET), JWSAlgorithm.HS256, claims);
  }

  static String rs256(JWTClaimsSet claims) {
    return sign(new RSASSASigner(RSA.getPrivate()), JWSAlgorithm.RS256, claims);
  }

  static String es256(JWTClaimsSet claims) {
    try {
      return sign(new ECDSASigner((ECPrivateKey) EC.getPrivate()), JWSAlgorithm.ES256, claims);
    } catch (JOSEException e) {
      throw new AssertionError(e);
    }
  }

  static String b64url(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static String b64url(String text) {
    return b64url(text.getBytes(UTF_8));
  }
}
