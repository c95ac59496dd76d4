package dev.mediasync.server.limits;

import dev.mediasync.core.PhysicalClock;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Token buckets (Bucket4j) per device, per user and per client IP, plus the count of open sockets
 * per user. Per node: with N nodes a user may get up to N times a limit (exact when a load balancer
 * routes by user). Time comes from the injected {@link PhysicalClock}, so tests refill a bucket by
 * moving a fake clock.
 *
 * <p>Thread-safe: buckets are lock-free; maps are concurrent. Idle buckets (full again) are dropped
 * by {@link #sweep}, so memory follows the active users, not every user ever seen.
 */
public final class RateLimiter {

  /** Which limit refused, as the {@code scope} label of the rate-limit metric. */
  public enum Scope {
    DEVICE,
    USER,
    CONNECT_IP,
    CONNECTIONS_PER_USER;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** The answer: allowed, or refused by {@code scope} with the wait until a token is back. */
  public record Decision(boolean allowed, Scope scope, long retryAfterNanos) {
    static final Decision ALLOW = new Decision(true, null, 0);

    /** Whole seconds to wait, at least 1 (the {@code Retry-After} header). */
    public long retryAfterSeconds() {
      return Math.max(1, (retryAfterNanos + 999_999_999L) / 1_000_000_000L);
    }
  }

  private final RateLimitOptions options;
  private final TimeMeter time;
  private final ConcurrentMap<String, Bucket> devices = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Bucket> users = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Bucket> ips = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, AtomicInteger> connections = new ConcurrentHashMap<>();

  public RateLimiter(RateLimitOptions options, PhysicalClock clock) {
    this.options = options;
    this.time =
        new TimeMeter() {
          @Override
          public long currentTimeNanos() {
            return clock.currentTimeMillis() * 1_000_000L;
          }

          @Override
          public boolean isWallClockBased() {
            return true;
          }
        };
  }

  public RateLimitOptions options() {
    return options;
  }

  /** One request or message of {@code deviceId} (null: the user's device-less REST calls). */
  public Decision tryRequest(String userId, String deviceId) {
    if (options.devicePerSecond() > 0) {
      String key = userId + '\u0000' + (deviceId == null ? "" : deviceId);
      Decision d =
          take(devices, key, options.devicePerSecond(), options.deviceBurst(), Scope.DEVICE);
      if (!d.allowed()) {
        return d;
      }
    }
    if (options.userPerSecond() > 0) {
      return take(users, userId, options.userPerSecond(), options.userBurst(), Scope.USER);
    }
    return Decision.ALLOW;
  }

  /** One WebSocket upgrade from {@code ip}. */
  public Decision tryConnect(String ip) {
    if (options.connectsPerIpPerSecond() <= 0 || ip == null) {
      return Decision.ALLOW;
    }
    long rate = options.connectsPerIpPerSecond();
    return take(ips, ip, rate, rate, Scope.CONNECT_IP);
  }

  /** Counts one more open socket of the user, unless the user is at the cap. */
  public boolean tryOpenConnection(String userId) {
    int max = options.maxConnectionsPerUser();
    AtomicInteger n = connections.computeIfAbsent(userId, k -> new AtomicInteger());
    while (true) {
      int now = n.get();
      if (max > 0 && now >= max) {
        return false;
      }
      if (n.compareAndSet(now, now + 1)) {
        return true;
      }
    }
  }

  /** Undoes one successful {@link #tryOpenConnection}. */
  public void connectionClosed(String userId) {
    connections.computeIfPresent(userId, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
  }

  public int openConnections(String userId) {
    AtomicInteger n = connections.get(userId);
    return n == null ? 0 : n.get();
  }

  /** Drops buckets that are full again (their owner has been quiet long enough). */
  public void sweep() {
    sweep(devices, options.deviceBurst());
    sweep(users, options.userBurst());
    sweep(ips, options.connectsPerIpPerSecond());
  }

  private static void sweep(ConcurrentMap<String, Bucket> map, long capacity) {
    map.entrySet().removeIf(e -> e.getValue().getAvailableTokens() >= capacity);
  }

  private Decision take(
      ConcurrentMap<String, Bucket> map, String key, long perSecond, long burst, Scope scope) {
    Bucket bucket = map.computeIfAbsent(key, k -> bucket(perSecond, burst));
    ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
    return probe.isConsumed()
        ? Decision.ALLOW
        : new Decision(false, scope, probe.getNanosToWaitForRefill());
  }

  private Bucket bucket(long perSecond, long burst) {
    return Bucket.builder()
        .addLimit(
            Bandwidth.builder()
                .capacity(burst)
                .refillGreedy(perSecond, Duration.ofSeconds(1))
                .initialTokens(burst)
                .build())
        .withCustomTimePrecision(time)
        .build();
  }
}
