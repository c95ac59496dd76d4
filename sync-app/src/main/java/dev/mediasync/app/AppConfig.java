package dev.mediasync.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The service's configuration, read from the environment (see README, "Configuration"). Every value
 * is checked here; a bad one stops start-up with one line naming the variable.
 *
 * @param databaseUrl PostgreSQL URI, or null for the embedded store
 * @param databaseSchema the PostgreSQL schema holding the store's tables ({@code
 *     SYNC_DATABASE_SCHEMA}, default {@code sync}); unused by the embedded store
 * @param redisUrl Redis URI, or null for in-process pub/sub and presence
 * @param pubnub PubNub settings ({@code PUBNUB_*}), or null when PubNub is off
 * @param ops limits, notifications, log format, tracing ({@link OpsConfig})
 */
public record AppConfig(
    String host,
    int port,
    Path dataDir,
    String databaseUrl,
    String databaseSchema,
    String redisUrl,
    long maxClockSkewMillis,
    Duration heartbeat,
    Duration presenceTimeout,
    String sqliteSynchronous,
    PubNub pubnub,
    OpsConfig ops) {

  /**
   * PubNub is on when both {@code PUBNUB_PUBLISH_KEY} and {@code PUBNUB_SUBSCRIBE_KEY} are set.
   *
   * @param origin {@code host[:port]} ({@code PUBNUB_ORIGIN}, default {@code ps.pndsn.com})
   * @param secure HTTPS ({@code PUBNUB_SECURE}, default true)
   */
  public record PubNub(String publishKey, String subscribeKey, String origin, boolean secure) {
    @Override
    public String toString() {
      return "PubNub[origin=" + origin + ", secure=" + secure + "]"; // keys stay out of logs
    }
  }

  /** A configuration error: the message is the one line printed before exiting. */
  public static final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
      super(message);
    }
  }

  public static AppConfig fromEnvironment(Map<String, String> env) {
    String host = env.getOrDefault("SYNC_HOST", "0.0.0.0").trim();
    if (host.isEmpty()) {
      throw new ConfigException("SYNC_HOST is empty");
    }
    int port = (int) longIn(env, "SYNC_PORT", 8083, 0, 65_535);
    Path dataDir = Path.of(env.getOrDefault("SYNC_DATA_DIR", "./data"));
    String databaseUrl = blankToNull(env.get("SYNC_DATABASE_URL"));
    if (databaseUrl != null && !databaseUrl.matches("postgres(ql)?://.+")) {
      throw new ConfigException(
          "SYNC_DATABASE_URL must look like postgresql://user[:password]@host:port/db");
    }
    String databaseSchema = env.getOrDefault("SYNC_DATABASE_SCHEMA", "sync").trim();
    if (!databaseSchema.matches("[a-z_][a-z0-9_]{0,62}")) {
      throw new ConfigException(
          "SYNC_DATABASE_SCHEMA must be a lower-case identifier ([a-z_][a-z0-9_]*), got: "
              + clip(databaseSchema));
    }
    String redisUrl = blankToNull(env.get("SYNC_REDIS_URL"));
    if (redisUrl != null && !redisUrl.matches("rediss?://.+")) {
      throw new ConfigException("SYNC_REDIS_URL must look like redis://host:port");
    }
    long skew = longIn(env, "SYNC_MAX_CLOCK_SKEW_MS", 60_000, 0, 86_400_000);
    long heartbeat = longIn(env, "SYNC_HEARTBEAT_SECONDS", 30, 1, 3_600);
    long timeout = longIn(env, "SYNC_PRESENCE_TIMEOUT_SECONDS", 60, 2, 86_400);
    if (timeout <= heartbeat) {
      throw new ConfigException(
          "SYNC_PRESENCE_TIMEOUT_SECONDS ("
              + timeout
              + ") must be greater than SYNC_HEARTBEAT_SECONDS ("
              + heartbeat
              + ")");
    }
    String sync =
        env.getOrDefault("SYNC_SQLITE_SYNCHRONOUS", "FULL")
            .trim()
            .toUpperCase(java.util.Locale.ROOT);
    if (!sync.equals("FULL") && !sync.equals("NORMAL")) {
      throw new ConfigException("SYNC_SQLITE_SYNCHRONOUS must be FULL or NORMAL, got: " + sync);
    }
    PubNub pubnub = pubnub(env);
    return new AppConfig(
        host,
        port,
        dataDir,
        databaseUrl,
        databaseSchema,
        redisUrl,
        skew,
        Duration.ofSeconds(heartbeat),
        Duration.ofSeconds(timeout),
        sync,
        pubnub,
        OpsConfig.fromEnvironment(env));
  }

  private static PubNub pubnub(Map<String, String> env) {
    String pub = blankToNull(env.get("PUBNUB_PUBLISH_KEY"));
    String sub = blankToNull(env.get("PUBNUB_SUBSCRIBE_KEY"));
    String origin = blankToNull(env.get("PUBNUB_ORIGIN"));
    String secureRaw = blankToNull(env.get("PUBNUB_SECURE"));
    boolean secure = true;
    if (secureRaw != null) {
      String v = secureRaw.toLowerCase(java.util.Locale.ROOT);
      if (!v.equals("true") && !v.equals("false")) {
        throw new ConfigException("PUBNUB_SECURE must be true or false, got: " + clip(secureRaw));
      }
      secure = v.equals("true");
    }
    if (origin != null && !origin.matches("[A-Za-z0-9.-]+(:[0-9]{1,5})?")) {
      throw new ConfigException(
          "PUBNUB_ORIGIN must be host[:port] (no scheme, no path), got: " + clip(origin));
    }
    if (origin != null && origin.contains(":")) {
      int port = Integer.parseInt(origin.substring(origin.indexOf(':') + 1));
      if (port < 1 || port > 65_535) {
        throw new ConfigException("PUBNUB_ORIGIN port must be 1-65535, got: " + port);
      }
    }
    if ((pub == null) != (sub == null)) {
      throw new ConfigException(
          "PUBNUB_PUBLISH_KEY and PUBNUB_SUBSCRIBE_KEY must be set together (only "
              + (pub != null ? "PUBNUB_PUBLISH_KEY" : "PUBNUB_SUBSCRIBE_KEY")
              + " is set)");
    }
    if (pub == null) {
      return null;
    }
    return new PubNub(pub, sub, origin != null ? origin : "ps.pndsn.com", secure);
  }

  static long longIn(Map<String, String> env, String name, long dflt, long min, long max) {
    String raw = env.get(name);
    if (raw == null || raw.isBlank()) {
      return dflt;
    }
    long v;
    try {
      v = Long.parseLong(raw.trim());
    } catch (NumberFormatException e) {
      throw new ConfigException(name + " must be an integer, got: " + clip(raw));
    }
    if (v < min || v > max) {
      throw new ConfigException(name + " must be between " + min + " and " + max + ", got: " + v);
    }
    return v;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  private static String clip(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }
}
