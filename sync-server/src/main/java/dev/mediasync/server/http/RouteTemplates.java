package dev.mediasync.server.http;

import java.util.Set;

/**
 * The route template of a request path, for metric labels and span names: a known path as is,
 * {@code /api/v1/sync/preferences/{key}} for any preference key, and {@code other} for everything
 * else, so a scan of random paths cannot grow the number of time series.
 */
public final class RouteTemplates {
  static final String PREFERENCE_PREFIX = "/api/v1/sync/preferences/";
  public static final String OTHER = "other";

  private static final Set<String> KNOWN =
      Set.of(
          "/health",
          "/health/ready",
          "/metrics",
          "/ws",
          "/api/v1/sync/watchlist",
          "/api/v1/sync/progress",
          "/api/v1/sync/preferences",
          "/api/v1/devices",
          "/api/v1/devices/handoff",
          "/api/v1/notifications");

  private RouteTemplates() {}

  public static String of(String path) {
    if (path == null) {
      return OTHER;
    }
    if (KNOWN.contains(path)) {
      return path;
    }
    if (path.startsWith(PREFERENCE_PREFIX)
        && path.length() > PREFERENCE_PREFIX.length()
        && path.indexOf('/', PREFERENCE_PREFIX.length()) < 0) {
      return PREFERENCE_PREFIX + "{key}";
    }
    return OTHER;
  }
}
