package dev.mediasync.engine.port;

import dev.mediasync.core.HybridTimestamp;
import java.util.Objects;

/**
 * A user's whole state as of {@code through}: every op with a timestamp at or before it is folded
 * in. {@code payload} is the codec's state form; opaque to stores.
 */
public record StoredSnapshot(String userId, HybridTimestamp through, String payload) {
  public StoredSnapshot {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(through, "through");
    Objects.requireNonNull(payload, "payload");
  }
}
