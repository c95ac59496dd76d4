package dev.mediasync.engine.port;

import dev.mediasync.core.HybridTimestamp;
import java.util.Objects;

/**
 * One message on a user's channel: the exact JSON devices receive, plus routing.
 *
 * @param userId whose channel
 * @param topic which of the user's channels
 * @param json the message as sent to devices (the contract's wire shape)
 * @param route which devices receive it
 * @param opTimestamp for ops, the op's HLC (lets a catching-up session drop what it already sent);
 *     null for other messages
 */
public record Envelope(
    String userId, Topic topic, String json, Route route, HybridTimestamp opTimestamp) {
  public Envelope {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(json, "json");
    Objects.requireNonNull(route, "route");
  }

  public String channel() {
    return topic.channel(userId);
  }
}
