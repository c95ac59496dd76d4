package dev.mediasync.client;

import dev.mediasync.core.PhysicalClock;
import dev.mediasync.protocol.Limits;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * Settings of a {@link SyncClient}. Immutable; build with {@link #builder}.
 *
 * <p>{@code scheduler}, {@code callbackExecutor} and {@code httpClient} are optional: when absent
 * the client makes its own (daemon threads) and shuts them down on {@link SyncClient#close()}; when
 * given, the caller owns them.
 */
public final class SyncClientOptions {
  /** The server's default heartbeat interval (the contract's 30 s). */
  public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(30);

  public static final Duration DEFAULT_BACKOFF_MIN = Duration.ofMillis(500);
  public static final Duration DEFAULT_BACKOFF_MAX = Duration.ofSeconds(30);

  private final URI baseUrl;
  private final Supplier<String> token;
  private final String deviceId;
  private final String name;
  private final String type;
  private final List<String> capabilities;
  private final Duration heartbeat;
  private final Duration backoffMin;
  private final Duration backoffMax;
  private final DoubleSupplier jitter;
  private final PhysicalClock clock;
  private final Scheduler scheduler;
  private final Executor callbackExecutor;
  private final HttpClient httpClient;

  private SyncClientOptions(Builder b) {
    this.baseUrl = b.baseUrl;
    this.token = b.token;
    this.deviceId = b.deviceId;
    this.name = b.name;
    this.type = b.type;
    this.capabilities = List.copyOf(b.capabilities);
    this.heartbeat = b.heartbeat;
    this.backoffMin = b.backoffMin;
    this.backoffMax = b.backoffMax;
    this.jitter = b.jitter;
    this.clock = b.clock;
    this.scheduler = b.scheduler;
    this.callbackExecutor = b.callbackExecutor;
    this.httpClient = b.httpClient;
  }

  /**
   * @param baseUrl the service's base URL, e.g. {@code http://localhost:8083} ({@code https} gives
   *     {@code wss})
   * @param deviceId this device's id, stable across restarts of the app
   * @param token called before every connection attempt, so it may refresh an expiring JWT
   */
  public static Builder builder(URI baseUrl, String deviceId, Supplier<String> token) {
    return new Builder(baseUrl, deviceId, token);
  }

  public URI baseUrl() {
    return baseUrl;
  }

  public Supplier<String> token() {
    return token;
  }

  public String deviceId() {
    return deviceId;
  }

  public String name() {
    return name;
  }

  public String type() {
    return type;
  }

  public List<String> capabilities() {
    return capabilities;
  }

  public Duration heartbeat() {
    return heartbeat;
  }

  public Duration backoffMin() {
    return backoffMin;
  }

  public Duration backoffMax() {
    return backoffMax;
  }

  public DoubleSupplier jitter() {
    return jitter;
  }

  public PhysicalClock clock() {
    return clock;
  }

  /** The injected scheduler, or null if the client makes its own. */
  public Scheduler scheduler() {
    return scheduler;
  }

  /** The injected callback executor, or null if the client makes its own. */
  public Executor callbackExecutor() {
    return callbackExecutor;
  }

  /** The injected HTTP client, or null if the client makes its own. */
  public HttpClient httpClient() {
    return httpClient;
  }

  /** Collects options; not thread-safe. */
  public static final class Builder {
    private final URI baseUrl;
    private final String deviceId;
    private final Supplier<String> token;
    private String name;
    private String type;
    private List<String> capabilities = List.of();
    private Duration heartbeat = DEFAULT_HEARTBEAT;
    private Duration backoffMin = DEFAULT_BACKOFF_MIN;
    private Duration backoffMax = DEFAULT_BACKOFF_MAX;
    private DoubleSupplier jitter = () -> ThreadLocalRandom.current().nextDouble();
    private PhysicalClock clock = PhysicalClock.system();
    private Scheduler scheduler;
    private Executor callbackExecutor;
    private HttpClient httpClient;

    private Builder(URI baseUrl, String deviceId, Supplier<String> token) {
      this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
      this.deviceId = Objects.requireNonNull(deviceId, "deviceId");
      this.token = Objects.requireNonNull(token, "token");
      String scheme = baseUrl.getScheme();
      if (!"http".equals(scheme) && !"https".equals(scheme)) {
        throw new IllegalArgumentException("baseUrl must be http:// or https://: " + baseUrl);
      }
      requireId("deviceId", deviceId);
    }

    /** A human name shown to the user's other devices ({@code device_online}). */
    public Builder name(String name) {
      this.name = name;
      return this;
    }

    /** The device type, e.g. {@code tv}, {@code phone}. */
    public Builder type(String type) {
      this.type = type == null ? null : requireId("type", type);
      return this;
    }

    public Builder capabilities(List<String> capabilities) {
      capabilities.forEach(c -> requireId("capability", c));
      this.capabilities = List.copyOf(capabilities);
      return this;
    }

    /** How often to send {@code heartbeat}; should match the server's (its welcome says it). */
    public Builder heartbeat(Duration interval) {
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("heartbeat must be positive: " + interval);
      }
      this.heartbeat = interval;
      return this;
    }

    public Builder backoff(Duration min, Duration max) {
      new Backoff(min, max, () -> 0); // validates
      this.backoffMin = min;
      this.backoffMax = max;
      return this;
    }

    /** The jitter source for backoff: uniform values in {@code [0, 1)}. */
    public Builder jitter(DoubleSupplier jitter) {
      this.jitter = Objects.requireNonNull(jitter);
      return this;
    }

    /** The wall clock behind the local HLC and the liveness check. */
    public Builder clock(PhysicalClock clock) {
      this.clock = Objects.requireNonNull(clock);
      return this;
    }

    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = scheduler;
      return this;
    }

    public Builder callbackExecutor(Executor executor) {
      this.callbackExecutor = executor;
      return this;
    }

    public Builder httpClient(HttpClient client) {
      this.httpClient = client;
      return this;
    }

    public SyncClientOptions build() {
      return new SyncClientOptions(this);
    }

    private static String requireId(String what, String id) {
      if (!Limits.isValidId(id)) {
        throw new IllegalArgumentException(
            what + " must be 1-128 characters of [A-Za-z0-9._:@-]: " + id);
      }
      return id;
    }
  }
}
