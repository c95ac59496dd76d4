package dev.mediasync.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerifierFactory;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.proc.SingleKeyJWSKeySelector;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.mediasync.server.auth.AuthenticationException.Reason;
import java.security.Key;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies compact JWS tokens against one {@link JwtSettings} and turns them into a {@link
 * Principal}.
 *
 * <p>Checks, in order: size and syntax; {@code alg} equals the single configured algorithm ({@code
 * none}, and every other algorithm, is refused before any key is used); signature (nimbus {@link
 * DefaultJWTProcessor} with a {@link SingleKeyJWSKeySelector} for that algorithm, so a wrong
 * algorithm is refused a second time there); {@code typ} absent, {@code JWT} or {@code at+jwt};
 * {@code exp} and {@code nbf} against the injected clock with the configured leeway; {@code aud}
 * when an audience is configured; {@code sub} present and valid per {@link Ids}; {@code device_id}
 * absent or valid per {@link Ids}; {@code scope}/{@code role} absent, a string (space-separated
 * values) or an array of strings.
 *
 * <p>{@code exp} is optional (RFC 7519); tokens minted by {@link TokenIssuer} always have one.
 *
 * <p>Thread-safe and cheap per call: the key and the nimbus verifier are built once in the
 * constructor, so this can run on an event loop.
 */
public final class JwtVerifier {

  /** Tokens longer than this are refused before parsing. */
  public static final int MAX_TOKEN_LENGTH = 8192;

  static final String CLAIM_DEVICE_ID = "device_id";
  static final String CLAIM_SCOPE = "scope";
  static final String CLAIM_ROLE = "role";

  private final JwtSettings settings;
  private final Clock clock;
  private final JWSAlgorithm expectedAlgorithm;
  private final DefaultJWTProcessor<SecurityContext> processor;
  private final long leewayMillis;

  /**
   * @param settings key, algorithm, audience and leeway
   * @param clock source of the current time for {@code exp}/{@code nbf}
   */
  public JwtVerifier(JwtSettings settings, Clock clock) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.leewayMillis = settings.leeway().toMillis();
    this.expectedAlgorithm = JWSAlgorithm.parse(settings.algorithm().name());

    Key key;
    JWSVerifier verifier;
    try {
      switch (settings.algorithm()) {
        case HS256 -> {
          byte[] secret = settings.secretBytesUnsafe();
          key = new SecretKeySpec(secret, "HmacSHA256");
          verifier = new MACVerifier(secret);
        }
        case RS256 -> {
          RSAPublicKey rsa = (RSAPublicKey) settings.publicKey().orElseThrow();
          key = rsa;
          verifier = new RSASSAVerifier(rsa);
        }
        case ES256 -> {
          ECPublicKey ec = (ECPublicKey) settings.publicKey().orElseThrow();
          key = ec;
          verifier = new ECDSAVerifier(ec);
        }
        default -> throw new IllegalArgumentException("unsupported " + settings.algorithm());
      }
    } catch (JOSEException e) {
      throw new IllegalArgumentException("cannot build JWT verifier: " + e.getMessage(), e);
    }

    DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
    p.setJWSKeySelector(new SingleKeyJWSKeySelector<>(expectedAlgorithm, key));
    p.setJWSVerifierFactory(new PrebuiltVerifierFactory(expectedAlgorithm, key, verifier));
    p.setJWSTypeVerifier(
        new DefaultJOSEObjectTypeVerifier<>(
            JOSEObjectType.JWT, new JOSEObjectType("at+jwt"), null));
    // Claims are checked below, against the injected clock, with typed reasons.
    p.setJWTClaimsSetVerifier((claims, context) -> {});
    this.processor = p;
  }

  /** A verifier on the system UTC clock. */
  public static JwtVerifier create(JwtSettings settings) {
    return new JwtVerifier(settings, Clock.systemUTC());
  }

  /** The settings this verifier enforces. */
  public JwtSettings settings() {
    return settings;
  }

  /**
   * Verifies {@code compactJwt} (without the {@code Bearer } prefix).
   *
   * @return the authenticated principal, never null
   * @throws AuthenticationException if the token is rejected for any reason
   */
  public Principal verify(String compactJwt) {
    if (compactJwt == null || compactJwt.isEmpty() || compactJwt.length() > MAX_TOKEN_LENGTH) {
      throw new AuthenticationException(Reason.MALFORMED);
    }
    SignedJWT jwt = parse(compactJwt);
    if (!expectedAlgorithm.equals(jwt.getHeader().getAlgorithm())) {
      throw new AuthenticationException(Reason.ALGORITHM_NOT_ALLOWED);
    }

    JWTClaimsSet claims;
    try {
      claims = processor.process(jwt, null);
    } catch (BadJWSException | JOSEException e) {
      // Invalid signature; or the verifier refused the signature outright (e.g. an all-zero or
      // out-of-range ECDSA signature, CVE-2022-21449).
      throw new AuthenticationException(Reason.BAD_SIGNATURE, e);
    } catch (BadJOSEException e) {
      // typ not allowed, or no key for the algorithm (already excluded above).
      throw new AuthenticationException(Reason.MALFORMED, e);
    }
    return toPrincipal(claims);
  }

  private static SignedJWT parse(String compactJwt) {
    JWT jwt;
    try {
      jwt = JWTParser.parse(compactJwt);
    } catch (ParseException | RuntimeException e) {
      throw new AuthenticationException(Reason.MALFORMED, e);
    }
    if (jwt instanceof SignedJWT signed) {
      return signed;
    }
    if (jwt instanceof com.nimbusds.jwt.PlainJWT) {
      throw new AuthenticationException(Reason.ALGORITHM_NOT_ALLOWED); // alg: none
    }
    throw new AuthenticationException(Reason.MALFORMED); // JWE: not accepted
  }

  private Principal toPrincipal(JWTClaimsSet claims) {
    long now = clock.millis();
    Date exp;
    Date nbf;
    try {
      exp = claims.getExpirationTime();
      nbf = claims.getNotBeforeTime();
    } catch (RuntimeException e) {
      throw new AuthenticationException(Reason.INVALID_CLAIMS, e);
    }
    if (exp != null && now >= exp.getTime() + leewayMillis) {
      throw new AuthenticationException(Reason.EXPIRED);
    }
    if (nbf != null && now < nbf.getTime() - leewayMillis) {
      throw new AuthenticationException(Reason.NOT_YET_VALID);
    }

    String audience = settings.audience().orElse(null);
    if (audience != null) {
      List<String> aud = claims.getAudience();
      if (aud == null || !aud.contains(audience)) {
        throw new AuthenticationException(Reason.AUDIENCE_MISMATCH);
      }
    }

    String userId;
    String deviceId;
    Set<String> scopes;
    try {
      userId = claims.getStringClaim("sub");
      deviceId = claims.getStringClaim(CLAIM_DEVICE_ID);
      scopes = new LinkedHashSet<>();
      addValues(claims.getClaim(CLAIM_SCOPE), scopes);
      addValues(claims.getClaim(CLAIM_ROLE), scopes);
    } catch (ParseException | RuntimeException e) {
      throw new AuthenticationException(Reason.INVALID_CLAIMS, e);
    }
    if (!Ids.isValid(userId) || (deviceId != null && !Ids.isValid(deviceId))) {
      throw new AuthenticationException(Reason.INVALID_CLAIMS);
    }
    return new Principal(userId, deviceId, scopes);
  }

  /** A string holds space-separated values; an array holds one value per string element. */
  private static void addValues(Object claim, Set<String> out) throws ParseException {
    if (claim == null) {
      return;
    }
    if (claim instanceof String s) {
      for (String v : s.trim().split("\\s+")) {
        if (!v.isEmpty()) {
          out.add(v);
        }
      }
      return;
    }
    if (claim instanceof List<?> list) {
      for (Object v : list) {
        if (!(v instanceof String s) || s.isBlank()) {
          throw new ParseException("scope/role array element is not a non-blank string", 0);
        }
        out.add(s);
      }
      return;
    }
    throw new ParseException("scope/role is neither a string nor an array", 0);
  }

  /**
   * Hands nimbus the verifier built once in the constructor instead of building one per token;
   * refuses any other algorithm or key.
   */
  private static final class PrebuiltVerifierFactory implements JWSVerifierFactory {
    private final JWSAlgorithm algorithm;
    private final Key key;
    private final JWSVerifier verifier;

    PrebuiltVerifierFactory(JWSAlgorithm algorithm, Key key, JWSVerifier verifier) {
      this.algorithm = algorithm;
      this.key = key;
      this.verifier = verifier;
    }

    @Override
    public JWSVerifier createJWSVerifier(JWSHeader header, Key key) throws JOSEException {
      if (!algorithm.equals(header.getAlgorithm()) || key != this.key) {
        throw new JOSEException("unexpected JWS algorithm or key");
      }
      return verifier;
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
      return Set.of(algorithm);
    }

    @Override
    public JCAContext getJCAContext() {
      return verifier.getJCAContext();
    }
  }
}
