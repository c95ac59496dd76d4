package dev.mediasync.server.auth;

import java.util.Objects;
import java.util.Set;

/**
 * The authenticated caller of a request, as established from a verified token.
 *
 * @param userId the user id ({@code sub}); always valid per {@link Ids}
 * @param deviceId the device id ({@code device_id}), or {@code null} when the token has none; valid
 *     per {@link Ids} when present
 * @param scopes the union of the token's {@code scope} and {@code role} values; never null,
 *     unmodifiable
 */
public record Principal(String userId, String deviceId, Set<String> scopes) {

  public Principal {
    if (!Ids.isValid(userId)) {
      throw new IllegalArgumentException("invalid user id");
    }
    if (deviceId != null && !Ids.isValid(deviceId)) {
      throw new IllegalArgumentException("invalid device id");
    }
    scopes = Set.copyOf(Objects.requireNonNull(scopes, "scopes"));
  }

  /** Whether the token granted {@code scope} (as a {@code scope} or a {@code role} value). */
  public boolean hasScope(String scope) {
    return scopes.contains(scope);
  }
}
