package dev.mediasync.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Mints HS256 tokens that {@link JwtVerifier} accepts: for the dev token printed at start-up, and
 * for tests of any module.
 *
 * <pre>{@code
 * byte[] secret = "0123456789abcdef0123456789abcdef".getBytes(UTF_8); // >= 32 bytes
 * String token = TokenIssuer.hs256(secret).issue("alice", "phone-1", Duration.ofHours(1));
 * String admin =
 *     TokenIssuer.hs256(secret)
 *         .issue("notifier", null, Duration.ofMinutes(5), Set.of("notifications:write"));
 * // send as "Authorization: Bearer " + token
 * }</pre>
 *
 * <p>Tokens carry {@code sub}, {@code iat}, {@code exp}, and when given {@code device_id}, {@code
 * scope} (space-separated) and {@code aud}. Immutable and thread-safe.
 */
public final class TokenIssuer {

  private final JWSSigner signer;
  private final Clock clock;
  private final String audience; // nullable

  private TokenIssuer(JWSSigner signer, Clock clock, String audience) {
    this.signer = signer;
    this.clock = clock;
    this.audience = audience;
  }

  /**
   * An issuer signing with {@code secret} on the system clock, without audience.
   *
   * @throws IllegalArgumentException if the secret is shorter than {@value
   *     JwtSettings#MIN_SECRET_BYTES} bytes
   */
  public static TokenIssuer hs256(byte[] secret) {
    Objects.requireNonNull(secret, "secret");
    if (secret.length < JwtSettings.MIN_SECRET_BYTES) {
      throw new IllegalArgumentException(
          "JWT secret must be at least " + JwtSettings.MIN_SECRET_BYTES + " bytes");
    }
    try {
      return new TokenIssuer(new MACSigner(secret.clone()), Clock.systemUTC(), null);
    } catch (JOSEException e) {
      throw new IllegalArgumentException("cannot build HS256 signer: " + e.getMessage(), e);
    }
  }

  /**
   * An issuer matching HS256 {@code settings} (its secret, and its audience if any), e.g. for the
   * dev token printed at start-up.
   *
   * @throws IllegalArgumentException if the settings are for a public key (this class cannot sign
   *     with those)
   */
  public static TokenIssuer forSettings(JwtSettings settings) {
    byte[] secret =
        settings
            .secret()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "cannot issue tokens for " + settings.algorithm() + " settings"));
    TokenIssuer issuer = hs256(secret);
    return settings.audience().map(issuer::withAudience).orElse(issuer);
  }

  /** A copy whose tokens carry {@code aud: audience}. */
  public TokenIssuer withAudience(String audience) {
    Objects.requireNonNull(audience, "audience");
    return new TokenIssuer(signer, clock, audience);
  }

  /** A copy taking {@code iat}/{@code exp} from {@code clock} (e.g. to mint expired tokens). */
  public TokenIssuer withClock(Clock clock) {
    return new TokenIssuer(signer, Objects.requireNonNull(clock, "clock"), audience);
  }

  /**
   * A token for {@code userId} (and {@code deviceId} when not null), valid for {@code ttl}.
   *
   * @throws IllegalArgumentException if an id is invalid per {@link Ids} or {@code ttl} is not
   *     positive
   */
  public String issue(String userId, String deviceId, Duration ttl) {
    return issue(userId, deviceId, ttl, Set.of());
  }

  /**
   * Like {@link #issue(String, String, Duration)}, also granting {@code scopes} (claim {@code
   * scope}, space-separated; roles such as {@code service} can be passed here too).
   *
   * @throws IllegalArgumentException if a scope is blank or contains whitespace
   */
  public String issue(String userId, String deviceId, Duration ttl, Set<String> scopes) {
    if (!Ids.isValid(userId)) {
      throw new IllegalArgumentException("invalid user id");
    }
    if (deviceId != null && !Ids.isValid(deviceId)) {
      throw new IllegalArgumentException("invalid device id");
    }
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl must be positive");
    }
    Objects.requireNonNull(scopes, "scopes");
    for (String scope : scopes) {
      if (scope == null || scope.isBlank() || !scope.equals(scope.replaceAll("\\s", ""))) {
        throw new IllegalArgumentException("scope values must be non-blank, without whitespace");
      }
    }

    Instant now = clock.instant();
    JWTClaimsSet.Builder claims =
        new JWTClaimsSet.Builder()
            .subject(userId)
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plus(ttl)));
    if (deviceId != null) {
      claims.claim(JwtVerifier.CLAIM_DEVICE_ID, deviceId);
    }
    if (!scopes.isEmpty()) {
      claims.claim(JwtVerifier.CLAIM_SCOPE, String.join(" ", new TreeSet<>(scopes)));
    }
    if (audience != null) {
      claims.audience(audience);
    }
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(),
            claims.build());
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("HS256 signing failed", e);
    }
    return jwt.serialize();
  }
}
