package dev.mediasync.protocol;

import dev.mediasync.core.HybridTimestamp;
import dev.mediasync.core.Tag;
import java.util.List;

/**
 * Every message a device may send. {@link JsonCodec} is the only place that turns JSON into these
 * records, and it validates every field on the way, so holders of a record can trust it.
 */
public sealed interface ClientMessage {

  /** A state change; {@code opId} (nullable) makes it idempotent. */
  sealed interface Write extends ClientMessage {
    String opId();

    /** The device's own HLC reading, if it sent one; only observed (skew-checked) by the server. */
    HybridTimestamp clientTimestamp();

    /** A stable digest of what the write asks for, excluding {@code opId}: detects op_id reuse. */
    String fingerprint();
  }

  /**
   * Add or remove a watchlist item. {@code tags} (remove only, nullable) are the adds the device
   * had observed; when absent the server removes the adds it has observed.
   */
  record WatchlistWrite(
      WatchlistOperation operation,
      String contentId,
      List<Tag> tags,
      String opId,
      HybridTimestamp clientTimestamp)
      implements Write {
    public WatchlistWrite {
      tags = tags == null ? null : List.copyOf(tags);
    }

    @Override
    public String fingerprint() {
      return "w|" + operation.wireName() + "|" + contentId + "|" + (tags == null ? "" : tags);
    }
  }

  /** Set the progress register of one content item. */
  record ProgressWrite(
      String contentId, Progress progress, String opId, HybridTimestamp clientTimestamp)
      implements Write {
    @Override
    public String fingerprint() {
      return "p|"
          + contentId
          + "|"
          + progress.positionSeconds()
          + "|"
          + progress.durationSeconds()
          + "|"
          + progress.state().wireName();
    }
  }

  /** Set one preference. */
  record PreferenceWrite(String key, RawJson value, String opId, HybridTimestamp clientTimestamp)
      implements Write {
    @Override
    public String fingerprint() {
      return "f|" + key + "|" + value.json();
    }
  }

  /** Keep-alive; answered with {@code heartbeat_ack}. */
  record Heartbeat() implements ClientMessage {}

  /** The target of a handoff reports what it did with the {@code play} command. */
  record HandoffAck(String handoffId, HandoffStatus status, String reason)
      implements ClientMessage {}
}
