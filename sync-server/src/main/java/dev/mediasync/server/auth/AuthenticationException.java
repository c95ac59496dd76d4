package dev.mediasync.server.auth;

import java.util.Objects;

/**
 * A token was rejected. Maps to HTTP 401.
 *
 * <p>The {@linkplain #getMessage() message} is fixed per {@link Reason} and safe to show to
 * clients: it never contains the token or any value taken from it. The cause, when present, is the
 * library's exception and is meant for server-side debug logs only.
 *
 * <p>The exception carries no stack trace (it is thrown on the request path, possibly at attacker
 * rate, and is always thrown from {@link JwtVerifier#verify}).
 */
public final class AuthenticationException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Why a token was rejected. */
  public enum Reason {
    /** Not a compact JWS: garbage, wrong number of parts, bad base64url, non-JSON, too long. */
    MALFORMED("malformed token"),
    /** {@code alg} is {@code none} or differs from the one algorithm configured. */
    ALGORITHM_NOT_ALLOWED("token algorithm not accepted"),
    /** The signature does not verify with the configured key. */
    BAD_SIGNATURE("invalid token signature"),
    /** {@code exp} is past, beyond the clock leeway. */
    EXPIRED("token expired"),
    /** {@code nbf} is in the future, beyond the clock leeway. */
    NOT_YET_VALID("token not yet valid"),
    /** An audience is configured and {@code aud} is missing or does not contain it. */
    AUDIENCE_MISMATCH("token audience not accepted"),
    /** Missing {@code sub}, invalid ids, or claims of the wrong type. */
    INVALID_CLAIMS("invalid token claims");

    private final String clientMessage;

    Reason(String clientMessage) {
      this.clientMessage = clientMessage;
    }

    /** A short message safe to return to clients. */
    public String clientMessage() {
      return clientMessage;
    }
  }

  private final Reason reason;

  AuthenticationException(Reason reason) {
    this(reason, null);
  }

  AuthenticationException(Reason reason, Throwable cause) {
    super(Objects.requireNonNull(reason, "reason").clientMessage(), cause, false, false);
    this.reason = reason;
  }

  /** Why the token was rejected. */
  public Reason reason() {
    return reason;
  }
}
