package dev.mediasync.server.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How tokens are verified: exactly one key with exactly one accepted algorithm, an optional
 * audience, and a clock leeway. Immutable.
 *
 * <ul>
 *   <li>a shared secret of at least {@value #MIN_SECRET_BYTES} bytes: HS256 only;
 *   <li>or an RSA public key (at least {@value #MIN_RSA_BITS} bits): RS256 only;
 *   <li>or an EC P-256 public key: ES256 only.
 * </ul>
 *
 * <p>Start-up code calls {@link #fromEnvironment(Map)}; every configuration error is an {@link
 * IllegalArgumentException} with a one-line message naming the variable at fault.
 */
public final class JwtSettings {

  /** {@code SYNC_JWT_SECRET}: the HS256 shared secret, taken as its UTF-8 bytes. */
  public static final String ENV_SECRET = "SYNC_JWT_SECRET";

  /** {@code SYNC_JWT_PUBLIC_KEY}: a PEM {@code PUBLIC KEY} (RSA → RS256, EC P-256 → ES256). */
  public static final String ENV_PUBLIC_KEY = "SYNC_JWT_PUBLIC_KEY";

  /** {@code SYNC_JWT_AUDIENCE}: when set, tokens must carry this value in {@code aud}. */
  public static final String ENV_AUDIENCE = "SYNC_JWT_AUDIENCE";

  /** Minimum HS256 secret length in bytes (RFC 7518 §3.2: key size ≥ hash output size). */
  public static final int MIN_SECRET_BYTES = 32;

  /** Minimum RSA modulus size in bits. */
  public static final int MIN_RSA_BITS = 2048;

  /** Clock leeway applied to {@code exp} and {@code nbf}. */
  public static final Duration DEFAULT_LEEWAY = Duration.ofSeconds(30);

  /** Largest leeway accepted by {@link #withLeeway(Duration)}. */
  public static final Duration MAX_LEEWAY = Duration.ofMinutes(5);

  /** The single signature algorithm a verifier accepts. */
  public enum Algorithm {
    HS256,
    RS256,
    ES256
  }

  private final Algorithm algorithm;
  private final byte[] secret; // HS256 only
  private final PublicKey publicKey; // RS256 / ES256 only
  private final String audience; // nullable
  private final Duration leeway;
  private final boolean devSecret;

  private JwtSettings(
      Algorithm algorithm,
      byte[] secret,
      PublicKey publicKey,
      String audience,
      Duration leeway,
      boolean devSecret) {
    this.algorithm = algorithm;
    this.secret = secret;
    this.publicKey = publicKey;
    this.audience = audience;
    this.leeway = leeway;
    this.devSecret = devSecret;
  }

  // ---------------------------------------------------------------- factories

  /**
   * HS256 with a shared secret.
   *
   * @throws IllegalArgumentException if the secret is shorter than {@value #MIN_SECRET_BYTES} bytes
   */
  public static JwtSettings hs256(byte[] secret) {
    Objects.requireNonNull(secret, "secret");
    if (secret.length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException(
          "JWT secret is "
              + secret.length
              + " bytes; at least "
              + MIN_SECRET_BYTES
              + " bytes are required for HS256");
    }
    return new JwtSettings(
        Algorithm.HS256, secret.clone(), null, null, DEFAULT_LEEWAY, /* devSecret= */ false);
  }

  /**
   * Dev mode: HS256 with a fresh random {@value #MIN_SECRET_BYTES}-byte secret. Tokens for it can
   * only be minted in-process, with {@link TokenIssuer#forSettings(JwtSettings)}.
   */
  public static JwtSettings generateDevSecret() {
    byte[] secret = new byte[MIN_SECRET_BYTES];
    new SecureRandom().nextBytes(secret);
    return new JwtSettings(Algorithm.HS256, secret, null, null, DEFAULT_LEEWAY, true);
  }

  /**
   * RS256 (RSA key of at least {@value #MIN_RSA_BITS} bits) or ES256 (EC P-256 key); any other key
   * is rejected.
   *
   * @throws IllegalArgumentException for an unsupported key type, size or curve
   */
  public static JwtSettings publicKey(PublicKey key) {
    Objects.requireNonNull(key, "key");
    if (key instanceof RSAPublicKey rsa) {
      int bits = rsa.getModulus().bitLength();
      if (bits < MIN_RSA_BITS) {
        throw new IllegalArgumentException(
            "RSA public key is " + bits + " bits; at least " + MIN_RSA_BITS + " are required");
      }
      return new JwtSettings(Algorithm.RS256, null, key, null, DEFAULT_LEEWAY, false);
    }
    if (key instanceof ECPublicKey ec) {
      if (!isP256(ec.getParams())) {
        throw new IllegalArgumentException("EC public key is not on curve P-256 (ES256)");
      }
      return new JwtSettings(Algorithm.ES256, null, key, null, DEFAULT_LEEWAY, false);
    }
    throw new IllegalArgumentException(
        "unsupported public key type " + key.getAlgorithm() + "; expected RSA or EC P-256");
  }

  /**
   * Like {@link #publicKey(PublicKey)}, from a PEM {@code -----BEGIN PUBLIC KEY-----} block (X.509
   * SubjectPublicKeyInfo, as printed by {@code openssl pkey -pubout}). Literal {@code \n} sequences
   * (common when a PEM is put in one environment line) are taken as line breaks.
   *
   * @throws IllegalArgumentException if the text is not such a PEM or the key is unsupported
   */
  public static JwtSettings publicKeyPem(String pem) {
    return publicKey(parsePublicKeyPem(pem));
  }

  /**
   * Reads {@value #ENV_SECRET}, {@value #ENV_PUBLIC_KEY} and {@value #ENV_AUDIENCE}.
   *
   * <ul>
   *   <li>neither secret nor public key set: dev mode, {@link #generateDevSecret()} ({@link
   *       #isDevSecret()} is then true, and the caller should say so loudly);
   *   <li>exactly one set: HS256 with the secret's UTF-8 bytes, or RS256/ES256 with the key;
   *   <li>both set: error (ambiguous).
   * </ul>
   *
   * A variable that is present but empty or blank is an error, not "unset".
   *
   * @throws IllegalArgumentException with a one-line message on any configuration error
   */
  public static JwtSettings fromEnvironment(Map<String, String> env) {
    Objects.requireNonNull(env, "env");
    String secret = env.get(ENV_SECRET);
    String pem = env.get(ENV_PUBLIC_KEY);
    String audience = env.get(ENV_AUDIENCE);

    if (secret != null && pem != null) {
      throw new IllegalArgumentException(
          "both " + ENV_SECRET + " and " + ENV_PUBLIC_KEY + " are set; set exactly one");
    }
    if (audience != null && audience.isBlank()) {
      throw new IllegalArgumentException(ENV_AUDIENCE + " is set but empty");
    }

    JwtSettings settings;
    if (secret != null) {
      byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
      if (bytes.length < MIN_SECRET_BYTES) {
        throw new IllegalArgumentException(
            ENV_SECRET
                + " is "
                + bytes.length
                + " bytes; at least "
                + MIN_SECRET_BYTES
                + " bytes are required (e.g. openssl rand -base64 32)");
      }
      settings = hs256(bytes);
    } else if (pem != null) {
      if (pem.isBlank()) {
        throw new IllegalArgumentException(ENV_PUBLIC_KEY + " is set but empty");
      }
      try {
        settings = publicKeyPem(pem);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(ENV_PUBLIC_KEY + ": " + e.getMessage(), e);
      }
    } else {
      settings = generateDevSecret();
    }
    return audience == null ? settings : settings.withAudience(audience);
  }

  // ---------------------------------------------------------------- withers

  /** A copy that requires {@code aud} to contain {@code audience}. */
  public JwtSettings withAudience(String audience) {
    Objects.requireNonNull(audience, "audience");
    if (audience.isBlank()) {
      throw new IllegalArgumentException("JWT audience is empty");
    }
    return new JwtSettings(algorithm, secret, publicKey, audience, leeway, devSecret);
  }

  /** A copy with another clock leeway, between zero and {@link #MAX_LEEWAY}. */
  public JwtSettings withLeeway(Duration leeway) {
    Objects.requireNonNull(leeway, "leeway");
    if (leeway.isNegative() || leeway.compareTo(MAX_LEEWAY) > 0) {
      throw new IllegalArgumentException("JWT leeway must be between 0 and " + MAX_LEEWAY);
    }
    return new JwtSettings(algorithm, secret, publicKey, audience, leeway, devSecret);
  }

  // ---------------------------------------------------------------- accessors

  /** The only algorithm accepted. */
  public Algorithm algorithm() {
    return algorithm;
  }

  /** A copy of the HS256 secret; empty for public-key settings. */
  public Optional<byte[]> secret() {
    return Optional.ofNullable(secret).map(byte[]::clone);
  }

  /** The RS256/ES256 public key; empty for HS256 settings. */
  public Optional<PublicKey> publicKey() {
    return Optional.ofNullable(publicKey);
  }

  /** The audience that {@code aud} must contain, if one is configured. */
  public Optional<String> audience() {
    return Optional.ofNullable(audience);
  }

  /** Clock leeway for {@code exp} and {@code nbf}. */
  public Duration leeway() {
    return leeway;
  }

  /** True when the secret was generated at start-up because none was configured. */
  public boolean isDevSecret() {
    return devSecret;
  }

  /** Never contains key material. */
  @Override
  public String toString() {
    return "JwtSettings{algorithm="
        + algorithm
        + (devSecret ? ", dev secret" : "")
        + ", audience="
        + audience
        + ", leeway="
        + leeway
        + "}";
  }

  // ---------------------------------------------------------------- PEM

  private static final String BEGIN = "-----BEGIN ";
  private static final String PUBLIC_KEY_LABEL = "PUBLIC KEY";

  static PublicKey parsePublicKeyPem(String pem) {
    Objects.requireNonNull(pem, "pem");
    String text = pem.replace("\\n", "\n").strip();
    int begin = text.indexOf(BEGIN);
    if (begin < 0) {
      throw new IllegalArgumentException("not a PEM block (no -----BEGIN PUBLIC KEY----- line)");
    }
    int labelEnd = text.indexOf("-----", begin + BEGIN.length());
    if (labelEnd < 0) {
      throw new IllegalArgumentException("not a PEM block (unterminated BEGIN line)");
    }
    String label = text.substring(begin + BEGIN.length(), labelEnd);
    if (label.contains("PRIVATE")) {
      throw new IllegalArgumentException(
          "PEM holds a private key (" + label + "); give the public key only");
    }
    if (label.equals("RSA PUBLIC KEY")) {
      throw new IllegalArgumentException(
          "PEM is a PKCS#1 RSA PUBLIC KEY; convert it with"
              + " 'openssl rsa -RSAPublicKey_in -pubout' to a PUBLIC KEY block");
    }
    if (!label.equals(PUBLIC_KEY_LABEL)) {
      throw new IllegalArgumentException(
          "PEM block is " + label + "; expected -----BEGIN PUBLIC KEY-----");
    }
    String end = "-----END " + PUBLIC_KEY_LABEL + "-----";
    int bodyStart = labelEnd + "-----".length();
    int endAt = text.indexOf(end, bodyStart);
    if (endAt < 0) {
      throw new IllegalArgumentException("PEM block has no " + end + " line");
    }
    String base64 = text.substring(bodyStart, endAt).replaceAll("\\s+", "");
    byte[] der;
    try {
      der = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("PEM body is not valid base64", e);
    }
    if (der.length == 0) {
      throw new IllegalArgumentException("PEM body is empty");
    }
    for (String keyAlgorithm : new String[] {"RSA", "EC"}) {
      try {
        return KeyFactory.getInstance(keyAlgorithm)
            .generatePublic(new X509EncodedKeySpec(der.clone()));
      } catch (GeneralSecurityException | RuntimeException e) {
        // try the next key type
      }
    }
    throw new IllegalArgumentException("PEM does not hold an RSA or EC public key");
  }

  private static boolean isP256(ECParameterSpec params) {
    ECParameterSpec p256 = com.nimbusds.jose.jwk.Curve.P_256.toECParameterSpec();
    return params != null
        && params.getCurve().equals(p256.getCurve())
        && params.getGenerator().equals(p256.getGenerator())
        && params.getOrder().equals(p256.getOrder())
        && params.getCofactor() == p256.getCofactor();
  }

  // Used by TokenIssuer / JwtVerifier without copying.
  byte[] secretBytesUnsafe() {
    return secret;
  }
}
