package dev.mediasync.bench.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The service's own latency histograms, read from {@code GET /metrics} (Prometheus text) before and
 * after a phase, so that a report says how much of the client's tail the server's durable append
 * and its fan-out account for. The rest is time the frames spent in kernels, on the wire or waiting
 * for a core.
 *
 * <p>Only the bucket counts are used (cumulative, {@code le} in seconds): the difference of two
 * scrapes is exactly what the phase recorded. With several URLs (cross-node) the nodes' buckets are
 * added up.
 */
final class ServerHistograms {

  /**
   * A histogram the report reads: its Prometheus name, its key in {@code result.json}, and what it
   * measures (the summary line's words).
   */
  record Tracked(String prometheusName, String key, String meaning) {}

  /** Every histogram read, in the order the summary line gives them. */
  static final List<Tracked> TRACKED =
      List.of(
          new Tracked(
              "sync_store_append_seconds",
              "store_append",
              "store append (op handed to the store -> durable)"),
          new Tracked(
              "sync_fanout_latency_seconds",
              "fanout",
              "fan-out (receipt -> written to each socket)"));

  /** The bounds (ms) at which a report gives the percentage of samples at or below. */
  static final List<Integer> REPORTED_BOUNDS_MS = List.of(1, 5, 10, 25, 100);

  private static final Pattern BUCKET =
      Pattern.compile("^(\\w+)_bucket\\{(?:[^}]*,)?le=\"([^\"]+)\"[^}]*\\}\\s+(\\S+)");

  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  /** Histogram key → bucket upper bound in seconds (+Inf as infinity) → cumulative count. */
  record Snapshot(Map<String, TreeMap<Double, Long>> buckets) {}

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(TIMEOUT).version(HttpClient.Version.HTTP_1_1).build();
  private final List<URI> urls;

  ServerHistograms(List<URI> urls) {
    this.urls = List.copyOf(urls);
  }

  /**
   * Reads every node's histograms and adds them up.
   *
   * @return null if a node did not answer with its metrics (the report then leaves them out)
   */
  Snapshot scrape() {
    Snapshot sum = new Snapshot(new LinkedHashMap<>());
    for (URI url : urls) {
      String text = get(url.resolve("/metrics"));
      if (text == null) {
        return null;
      }
      parse(text).buckets().forEach((key, b) -> b.forEach((le, n) -> add(sum, key, le, n)));
    }
    return sum;
  }

  private String get(URI url) {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(url).timeout(TIMEOUT).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? response.body() : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /**
   * The buckets of the {@link #TRACKED} histograms in a Prometheus text exposition; other lines are
   * skipped.
   */
  static Snapshot parse(String text) {
    Snapshot s = new Snapshot(new LinkedHashMap<>());
    for (String line : text.split("\n")) {
      Matcher m = BUCKET.matcher(line);
      if (!m.find()) {
        continue;
      }
      String key = keyOf(m.group(1));
      if (key == null) {
        continue;
      }
      try {
        double le =
            m.group(2).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(2));
        add(s, key, le, (long) Double.parseDouble(m.group(3)));
      } catch (NumberFormatException e) {
        // not a sample line after all; the report reads what it can
      }
    }
    return s;
  }

  private static String keyOf(String prometheusName) {
    for (Tracked t : TRACKED) {
      if (t.prometheusName().equals(prometheusName)) {
        return t.key();
      }
    }
    return null;
  }

  private static void add(Snapshot s, String key, double le, long n) {
    s.buckets().computeIfAbsent(key, k -> new TreeMap<>()).merge(le, n, Long::sum);
  }

  /**
   * What was recorded between two scrapes, per histogram: {@code count} and, for each of {@link
   * #REPORTED_BOUNDS_MS}, the percentage of samples at or below it ({@code percent_within_ms}).
   */
  static Map<String, Object> between(Snapshot before, Snapshot after) {
    Map<String, Object> out = new LinkedHashMap<>();
    after
        .buckets()
        .forEach(
            (key, a) -> {
              TreeMap<Double, Long> b = before.buckets().getOrDefault(key, new TreeMap<>());
              long count = a.lastEntry().getValue() - b.getOrDefault(a.lastKey(), 0L);
              Map<String, Object> shares = new LinkedHashMap<>();
              for (int ms : REPORTED_BOUNDS_MS) {
                Double le = ms / 1000.0;
                if (!a.containsKey(le)) {
                  continue; // the service has no bucket there
                }
                long within = a.get(le) - b.getOrDefault(le, 0L);
                shares.put(
                    String.valueOf(ms),
                    count == 0 ? 0.0 : Math.round(1000.0 * within / count) / 10.0);
              }
              Map<String, Object> h = new LinkedHashMap<>();
              h.put("count", count);
              h.put("percent_within_ms", shares);
              out.put(key, h);
            });
    return out;
  }
}
