package dev.mediasync.engine.port;

import dev.mediasync.core.HybridTimestamp;
import java.util.Objects;

/**
 * One applied op as the op log holds it.
 *
 * @param userId owner of the op
 * @param timestamp the HLC the server gave the op; unique per user, the log's order
 * @param opId the client's idempotency key, or null
 * @param fingerprint digest of what the write asked for (null when {@code opId} is null): a reused
 *     {@code opId} with another fingerprint is a conflict
 * @param payload the op in its wire form (the JSON broadcast to devices); opaque to stores
 */
public record LoggedOp(
    String userId, HybridTimestamp timestamp, String opId, String fingerprint, String payload) {
  public LoggedOp {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(payload, "payload");
  }
}
