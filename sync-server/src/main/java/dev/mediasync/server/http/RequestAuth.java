package dev.mediasync.server.http;

import dev.mediasync.protocol.ErrorCode;
import dev.mediasync.protocol.Limits;
import dev.mediasync.protocol.SyncException;
import dev.mediasync.server.auth.JwtVerifier;
import dev.mediasync.server.auth.Principal;
import io.vertx.core.http.HttpServerRequest;

/**
 * Who is calling: the JWT's user, and the device from the {@code device_id} claim, else the {@code
 * X-Device-Id} header, else (WebSocket only) the {@code device_id} query parameter. A header or
 * parameter that names a different device than the token's claim is {@code 403}.
 */
public final class RequestAuth {
  public static final String DEVICE_HEADER = "X-Device-Id";

  private final JwtVerifier verifier;

  public RequestAuth(JwtVerifier verifier) {
    this.verifier = verifier;
  }

  /** The caller of a request; throws {@link SyncException} {@code unauthorized} without a token. */
  public Caller authenticate(HttpServerRequest request, boolean allowQueryToken) {
    String token = bearer(request.getHeader("Authorization"));
    if (token == null && allowQueryToken) {
      token = request.getParam("token");
    }
    if (token == null || token.isEmpty()) {
      throw new SyncException(ErrorCode.UNAUTHORIZED, "missing bearer token");
    }
    Principal principal = verifier.verify(token);
    String claimed = principal.deviceId();
    String header = request.getHeader(DEVICE_HEADER);
    String query = allowQueryToken ? request.getParam("device_id") : null;
    String named = header != null ? header : query;
    if (named != null && !Limits.isValidId(named)) {
      throw SyncException.invalidField("device id must be 1-128 characters of [A-Za-z0-9._:@-]");
    }
    if (claimed != null && named != null && !claimed.equals(named)) {
      throw new SyncException(ErrorCode.FORBIDDEN, "device id does not match the token's device");
    }
    return new Caller(principal.userId(), claimed != null ? claimed : named, principal);
  }

  private static String bearer(String header) {
    if (header == null) {
      return null;
    }
    if (header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return header.substring(7).trim();
    }
    throw new SyncException(ErrorCode.UNAUTHORIZED, "Authorization must be a Bearer token");
  }

  /** An authenticated caller; {@code deviceId} may be null for REST. */
  public record Caller(String userId, String deviceId, Principal principal) {}
}
