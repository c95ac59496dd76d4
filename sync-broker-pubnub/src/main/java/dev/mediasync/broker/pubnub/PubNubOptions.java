package dev.mediasync.broker.pubnub;

import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

/**
 * Settings of {@link PubNubBroker}.
 *
 * @param publishKey PubNub publish key ({@code PUBNUB_PUBLISH_KEY})
 * @param subscribeKey PubNub subscribe key ({@code PUBNUB_SUBSCRIBE_KEY})
 * @param host origin host ({@code PUBNUB_ORIGIN}, default {@code ps.pndsn.com})
 * @param port origin port (default 443 when secure, 80 otherwise)
 * @param secure HTTPS when true ({@code PUBNUB_SECURE}, default true)
 * @param uuid this node's PubNub {@code uuid}; also the node id written into {@code meta} so the
 *     node can recognise its own messages on the subscription
 * @param requestTimeout publish and time requests: how long one attempt may take
 * @param subscribeTimeout one subscribe long-poll (PubNub answers after about 280 s at the latest)
 * @param maxQueued publishes held in memory (queued and in flight); past it the oldest queued one
 *     is dropped
 * @param maxInFlight concurrent publish requests (one per channel at most)
 * @param maxAttempts attempts per publish before its future fails
 * @param initialBackoff first retry delay; doubles per attempt up to {@code maxBackoff}
 * @param maxBackoff longest retry delay
 * @param maxMessageBytes PubNub's size limit: the percent-encoded message, meta and channel name
 * @param subscribeReadyTimeout how long {@code subscribe} waits for the first long-poll handshake
 *     before completing anyway (local delivery works; remote delivery resumes when PubNub answers)
 */
public record PubNubOptions(
    String publishKey,
    String subscribeKey,
    String host,
    int port,
    boolean secure,
    String uuid,
    Duration requestTimeout,
    Duration subscribeTimeout,
    int maxQueued,
    int maxInFlight,
    int maxAttempts,
    Duration initialBackoff,
    Duration maxBackoff,
    int maxMessageBytes,
    Duration subscribeReadyTimeout) {

  /** PubNub's public origin. */
  public static final String DEFAULT_ORIGIN = "ps.pndsn.com";

  /** PubNub's message limit: 32 KiB. */
  public static final int PUBNUB_MAX_MESSAGE_BYTES = 32 * 1024;

  public PubNubOptions {
    Objects.requireNonNull(publishKey, "publishKey");
    Objects.requireNonNull(subscribeKey, "subscribeKey");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(uuid, "uuid");
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    Objects.requireNonNull(subscribeTimeout, "subscribeTimeout");
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    Objects.requireNonNull(subscribeReadyTimeout, "subscribeReadyTimeout");
    if (publishKey.isBlank() || subscribeKey.isBlank()) {
      throw new IllegalArgumentException("publish and subscribe keys must not be blank");
    }
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("port must be 1-65535, got " + port);
    }
    if (maxQueued < 1 || maxInFlight < 1 || maxAttempts < 1 || maxMessageBytes < 1) {
      throw new IllegalArgumentException("queue, in-flight, attempt and size bounds must be > 0");
    }
  }

  /** Production defaults against PubNub's origin over HTTPS. */
  public static PubNubOptions defaults(String publishKey, String subscribeKey) {
    return new PubNubOptions(
        publishKey,
        subscribeKey,
        DEFAULT_ORIGIN,
        443,
        true,
        "sync-node-" + UUID.randomUUID(),
        Duration.ofSeconds(5),
        Duration.ofSeconds(310),
        10_000,
        64,
        8,
        Duration.ofMillis(100),
        Duration.ofSeconds(10),
        PUBNUB_MAX_MESSAGE_BYTES,
        Duration.ofSeconds(3));
  }

  /**
   * Parses {@code host[:port]} as in {@code PUBNUB_ORIGIN}; without a port, 443 or 80 by {@code
   * secure}.
   */
  public PubNubOptions withOrigin(String origin, boolean secure) {
    String o = origin.trim();
    if (o.contains("://") || o.contains("/") || o.isEmpty()) {
      throw new IllegalArgumentException("origin must be host[:port], got: " + origin);
    }
    String h = o;
    int p = secure ? 443 : 80;
    int colon = o.lastIndexOf(':');
    if (colon >= 0) {
      h = o.substring(0, colon);
      try {
        p = Integer.parseInt(o.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("origin port must be a number, got: " + origin);
      }
      if (h.isEmpty()) {
        throw new IllegalArgumentException("origin must be host[:port], got: " + origin);
      }
    }
    return new PubNubOptions(
        publishKey,
        subscribeKey,
        h,
        p,
        secure,
        uuid,
        requestTimeout,
        subscribeTimeout,
        maxQueued,
        maxInFlight,
        maxAttempts,
        initialBackoff,
        maxBackoff,
        maxMessageBytes,
        subscribeReadyTimeout);
  }

  public PubNubOptions withUuid(String id) {
    return new PubNubOptions(
        publishKey,
        subscribeKey,
        host,
        port,
        secure,
        id,
        requestTimeout,
        subscribeTimeout,
        maxQueued,
        maxInFlight,
        maxAttempts,
        initialBackoff,
        maxBackoff,
        maxMessageBytes,
        subscribeReadyTimeout);
  }

  public PubNubOptions withTimeouts(Duration request, Duration subscribe) {
    return new PubNubOptions(
        publishKey,
        subscribeKey,
        host,
        port,
        secure,
        uuid,
        request,
        subscribe,
        maxQueued,
        maxInFlight,
        maxAttempts,
        initialBackoff,
        maxBackoff,
        maxMessageBytes,
        subscribeReadyTimeout);
  }

  public PubNubOptions withQueue(int queued, int inFlight) {
    return new PubNubOptions(
        publishKey,
        subscribeKey,
        host,
        port,
        secure,
        uuid,
        requestTimeout,
        subscribeTimeout,
        queued,
        inFlight,
        maxAttempts,
        initialBackoff,
        maxBackoff,
        maxMessageBytes,
        subscribeReadyTimeout);
  }

  public PubNubOptions withRetry(int attempts, Duration initial, Duration max) {
    return new PubNubOptions(
        publishKey,
        subscribeKey,
        host,
        port,
        secure,
        uuid,
        requestTimeout,
        subscribeTimeout,
        maxQueued,
        maxInFlight,
        attempts,
        initial,
        max,
        maxMessageBytes,
        subscribeReadyTimeout);
  }

  public PubNubOptions withSubscribeReadyTimeout(Duration d) {
    return new PubNubOptions(
        publishKey,
        subscribeKey,
        host,
        port,
        secure,
        uuid,
        requestTimeout,
        subscribeTimeout,
        maxQueued,
        maxInFlight,
        maxAttempts,
        initialBackoff,
        maxBackoff,
        maxMessageBytes,
        d);
  }

  /** Backoff before attempt {@code attempt + 1} (attempt counts from 1). */
  Duration backoff(int attempt) {
    long ms = initialBackoff.toMillis();
    for (int i = 1; i < attempt && ms < maxBackoff.toMillis(); i++) {
      ms *= 2;
    }
    return Duration.ofMillis(Math.min(ms, maxBackoff.toMillis()));
  }
}
