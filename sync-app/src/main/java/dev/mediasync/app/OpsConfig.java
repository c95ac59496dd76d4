package dev.mediasync.app;

import dev.mediasync.engine.NotificationService;
import dev.mediasync.server.limits.RateLimitOptions;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * The operational settings (README, "Operations"): rate and connection limits, notifications, log
 * format, and whether tracing is on. Checked like every setting: a bad value stops start-up with
 * one line naming it.
 *
 * @param tracing whether the {@code OTEL_*} variables ask for traces (see {@link #tracingWanted})
 */
public record OpsConfig(
    RateLimitOptions limits,
    NotificationService.Options notifications,
    boolean jsonLogs,
    boolean tracing) {

  public static OpsConfig fromEnvironment(Map<String, String> env) {
    RateLimitOptions d = RateLimitOptions.defaults();
    RateLimitOptions limits =
        new RateLimitOptions(
            AppConfig.longIn(
                env, "SYNC_RATE_LIMIT_DEVICE_PER_SECOND", d.devicePerSecond(), 0, 1_000_000),
            AppConfig.longIn(env, "SYNC_RATE_LIMIT_DEVICE_BURST", d.deviceBurst(), 1, 10_000_000),
            AppConfig.longIn(
                env, "SYNC_RATE_LIMIT_USER_PER_SECOND", d.userPerSecond(), 0, 1_000_000),
            AppConfig.longIn(env, "SYNC_RATE_LIMIT_USER_BURST", d.userBurst(), 1, 10_000_000),
            (int)
                AppConfig.longIn(
                    env, "SYNC_MAX_CONNECTIONS_PER_USER", d.maxConnectionsPerUser(), 0, 100_000),
            AppConfig.longIn(
                env,
                "SYNC_RATE_LIMIT_CONNECT_PER_IP_PER_SECOND",
                d.connectsPerIpPerSecond(),
                0,
                1_000_000),
            (int) AppConfig.longIn(env, "SYNC_RATE_LIMIT_ABUSE_FACTOR", d.abuseFactor(), 1, 1_000));
    NotificationService.Options n = NotificationService.Options.defaults();
    NotificationService.Options notifications =
        new NotificationService.Options(
            (int) AppConfig.longIn(env, "SYNC_NOTIFICATIONS_PER_USER", n.maxPerUser(), 1, 10_000),
            Duration.ofSeconds(
                AppConfig.longIn(
                    env,
                    "SYNC_NOTIFICATION_TTL_SECONDS",
                    n.defaultTtl().toSeconds(),
                    1,
                    n.maxTtl().toSeconds())),
            n.maxTtl());
    String format = env.getOrDefault("SYNC_LOG_FORMAT", "text").trim().toLowerCase(Locale.ROOT);
    if (!format.equals("text") && !format.equals("json")) {
      throw new AppConfig.ConfigException("SYNC_LOG_FORMAT must be text or json, got: " + format);
    }
    return new OpsConfig(limits, notifications, format.equals("json"), tracingWanted(env));
  }

  /**
   * Tracing is off unless an exporter is named ({@code OTEL_TRACES_EXPORTER}, not {@code none}) or
   * an OTLP endpoint is set ({@code OTEL_EXPORTER_OTLP_ENDPOINT} or {@code
   * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT}); {@code OTEL_SDK_DISABLED=true} always turns it off.
   */
  static boolean tracingWanted(Map<String, String> env) {
    if ("true".equalsIgnoreCase(env.getOrDefault("OTEL_SDK_DISABLED", "").trim())) {
      return false;
    }
    String exporter = env.getOrDefault("OTEL_TRACES_EXPORTER", "").trim();
    if (exporter.equalsIgnoreCase("none")) {
      return false;
    }
    return !exporter.isEmpty()
        || !env.getOrDefault("OTEL_EXPORTER_OTLP_ENDPOINT", "").isBlank()
        || !env.getOrDefault("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "").isBlank();
  }
}
