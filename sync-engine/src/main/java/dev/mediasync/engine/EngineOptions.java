package dev.mediasync.engine;

import java.time.Duration;

/**
 * Tunables of the engine. Defaults follow the contract (30 s heartbeat, 60 s presence timeout, 60 s
 * maximum clock skew).
 *
 * @param heartbeat how often the server pings each socket
 * @param presenceTimeout silence after which a connection is closed and its device goes offline
 * @param maxClockSkewMillis how far ahead of our clock a device's timestamp may be
 * @param compactEveryOps take a snapshot and trim the log after this many ops of one user
 * @param keepOps ops kept in the log behind a snapshot, for catch-up and op_id idempotency
 * @param catchUpLimit most ops sent on reconnect before a snapshot is sent instead
 */
public record EngineOptions(
    Duration heartbeat,
    Duration presenceTimeout,
    long maxClockSkewMillis,
    int compactEveryOps,
    int keepOps,
    int catchUpLimit) {

  public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_PRESENCE_TIMEOUT = Duration.ofSeconds(60);
  public static final long DEFAULT_MAX_CLOCK_SKEW_MILLIS = 60_000;

  public static EngineOptions defaults() {
    return new EngineOptions(
        DEFAULT_HEARTBEAT,
        DEFAULT_PRESENCE_TIMEOUT,
        DEFAULT_MAX_CLOCK_SKEW_MILLIS,
        500,
        500,
        5_000);
  }

  public EngineOptions {
    if (heartbeat.isNegative() || heartbeat.isZero()) {
      throw new IllegalArgumentException("heartbeat must be positive");
    }
    if (presenceTimeout.compareTo(heartbeat) <= 0) {
      throw new IllegalArgumentException("presence timeout must be longer than the heartbeat");
    }
    if (compactEveryOps < 1 || keepOps < 0 || catchUpLimit < 1) {
      throw new IllegalArgumentException("compaction and catch-up limits must be positive");
    }
  }

  public EngineOptions withHeartbeat(Duration d) {
    return new EngineOptions(
        d, presenceTimeout, maxClockSkewMillis, compactEveryOps, keepOps, catchUpLimit);
  }

  public EngineOptions withPresenceTimeout(Duration d) {
    return new EngineOptions(
        heartbeat, d, maxClockSkewMillis, compactEveryOps, keepOps, catchUpLimit);
  }

  public EngineOptions withMaxClockSkewMillis(long ms) {
    return new EngineOptions(
        heartbeat, presenceTimeout, ms, compactEveryOps, keepOps, catchUpLimit);
  }

  public EngineOptions withCompaction(int everyOps, int keep) {
    return new EngineOptions(
        heartbeat, presenceTimeout, maxClockSkewMillis, everyOps, keep, catchUpLimit);
  }
}
