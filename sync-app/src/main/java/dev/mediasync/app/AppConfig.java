package dev.mediasync.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The service's configuration, read from the environment (see README, "Configuration"). Every value
 * is checked here; a bad one stops start-up with one line naming the variable.
 *
 * @param databaseUrl PostgreSQL URI, or null for the embedded store
 * @param redisUrl Redis URI, or null for in-process pub/sub and presence
 * @param ops limits, notifications, log format, tracing ({@link OpsConfig})
 */
public record AppConfig(
    String host,
    int port,
    Path dataDir,
    String databaseUrl,
    String redisUrl,
    long maxClockSkewMillis,
    Duration heartbeat,
    Duration presenceTimeout,
    String sqliteSynchronous,
    OpsConfig ops) {

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
    return new AppConfig(
        host,
        port,
        dataDir,
        databaseUrl,
        redisUrl,
        skew,
        Duration.ofSeconds(heartbeat),
        Duration.ofSeconds(timeout),
        sync,
        OpsConfig.fromEnvironment(env));
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
