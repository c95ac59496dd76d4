package dev.mediasync.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/** Turns measurements into {@code result.json}, {@code summary.md} and {@code latency.svg}. */
final class Report {
  private Report() {}

  /** Percentiles of a microsecond histogram. */
  static Map<String, Object> percentiles(Histogram live) {
    Histogram h = live.copy(); // late deliveries may still be recording into it
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("count", h.getTotalCount());
    m.put("mean", round(h.getTotalCount() == 0 ? 0 : h.getMean()));
    m.put("p50", h.getValueAtPercentile(50));
    m.put("p90", h.getValueAtPercentile(90));
    m.put("p99", h.getValueAtPercentile(99));
    m.put("p99_9", h.getValueAtPercentile(99.9));
    m.put("p99_99", h.getValueAtPercentile(99.99));
    m.put("max", h.getMaxValue());
    return m;
  }

  static Map<String, Object> phase(Metrics m) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("name", m.name);
    p.put("target_rate", m.targetRate);
    p.put("seconds", round(m.seconds()));
    p.put("writes", m.writes.sum());
    p.put("achieved_rate", round(m.achievedRate()));
    p.put("acks", m.acks.sum());
    p.put("not_applied", m.notApplied.sum());
    p.put("expected_deliveries", m.expectedDeliveries.sum());
    p.put("deliveries", m.deliveries.sum());
    p.put("lost_deliveries", m.lostDeliveries());
    p.put("missing_acks", m.missingAcks());
    p.put("delivered_per_s", round(m.deliveredPerSecond()));
    p.put("sync_latency_us", percentiles(m.sync));
    p.put("sync_from_send_us", percentiles(m.syncFromSend));
    p.put("ack_latency_us", percentiles(m.ack));
    Map<String, Object> bytes = new LinkedHashMap<>();
    m.bytesSorted()
        .forEach(
            (type, b) -> {
              Map<String, Object> s = new LinkedHashMap<>();
              synchronized (b) {
                s.put("min", b.count == 0 ? 0 : b.min);
                s.put("avg", round(b.avg()));
                s.put("max", b.max);
                s.put("count", b.count);
              }
              bytes.put(type, s);
            });
    p.put("bytes_per_op", bytes);
    if (m.host != null) {
      p.put("host", m.host);
    }
    if (m.serverHistograms != null) {
      p.put("server_histograms", m.serverHistograms);
    }
    return p;
  }

  /**
   * One line: the shares of the service's own store-append and fan-out samples within 1, 5, 10 ...
   * ms, next to which the client's percentiles say how much of the tail the server accounts for.
   */
  @SuppressWarnings("unchecked")
  private static String serverLine(String phase, Map<String, Object> histograms) {
    StringBuilder sb = new StringBuilder();
    sb.append("\nServer during ").append(phase).append(" (its own histograms from /metrics):");
    String sep = " ";
    for (ServerHistograms.Tracked tracked : ServerHistograms.TRACKED) {
      Map<String, Object> h = (Map<String, Object>) histograms.get(tracked.key());
      if (h == null) {
        continue;
      }
      sb.append(sep)
          .append(tracked.meaning())
          .append(", ")
          .append(h.get("count"))
          .append(" samples: ");
      List<String> shares = new ArrayList<>();
      ((Map<String, Object>) h.get("percent_within_ms"))
          .forEach((ms, pct) -> shares.add(pct + "% <= " + ms + " ms"));
      sb.append(String.join(", ", shares));
      sep = "; ";
    }
    return sb.append(".\n").toString();
  }

  static double round(double d) {
    return Math.round(d * 100) / 100.0;
  }

  static void write(Path out, Map<String, Object> result, Map<String, Histogram> curves)
      throws IOException {
    Files.createDirectories(out);
    LoadRunner.JSON
        .writerWithDefaultPrettyPrinter()
        .writeValue(out.resolve("result.json").toFile(), result);
    Files.writeString(out.resolve("summary.md"), markdown(result));
    Files.writeString(
        out.resolve("latency.svg"),
        svg("Latency by percentile: " + result.get("scenario"), curves));
  }

  // ---- summary.md ---------------------------------------------------------------------------

  @SuppressWarnings("unchecked")
  static String markdown(Map<String, Object> r) {
    StringBuilder sb = new StringBuilder();
    sb.append("# Load run: ").append(r.get("scenario")).append("\n\n");
    sb.append("- date: ").append(r.get("date")).append('\n');
    sb.append("- config: `").append(r.get("config")).append("`\n");
    sb.append("- load average (1/5/15 min) at start: ")
        .append(r.get("loadavg_at_start"))
        .append(", at end: ")
        .append(r.get("loadavg_at_end"))
        .append('\n');
    sb.append(
        "- latencies in ms, measured from each write's scheduled send time (open loop,"
            + " coordinated omission corrected)\n\n");
    List<Map<String, Object>> phases = (List<Map<String, Object>>) r.get("phases");
    if (phases != null && !phases.isEmpty()) {
      sb.append(
          "| phase | target/s | achieved/s | writes | deliveries | lost | sync p50 | p90 | p99 |"
              + " p99.9 | max | ack p50 | ack p99 | delivered msg/s |\n");
      sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
      for (Map<String, Object> p : phases) {
        Map<String, Object> s = (Map<String, Object>) p.get("sync_latency_us");
        Map<String, Object> a = (Map<String, Object>) p.get("ack_latency_us");
        sb.append(
            String.format(
                Locale.ROOT,
                "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                p.get("name"),
                p.get("target_rate"),
                p.get("achieved_rate"),
                p.get("writes"),
                p.get("deliveries"),
                p.get("lost_deliveries"),
                ms(s.get("p50")),
                ms(s.get("p90")),
                ms(s.get("p99")),
                ms(s.get("p99_9")),
                ms(s.get("max")),
                ms(a.get("p50")),
                ms(a.get("p99")),
                p.get("delivered_per_s")));
      }
      for (Map<String, Object> p : phases) {
        Map<String, Object> host = (Map<String, Object>) p.get("host");
        if (host == null) {
          continue;
        }
        Map<String, Object> t = (Map<String, Object>) host.get("timer_overshoot_us");
        Map<String, Object> d = (Map<String, Object>) host.get("fdatasync_us");
        sb.append(
            String.format(
                Locale.ROOT,
                "%nHost during %s (is the tail the service's or the machine's?): a 1 ms timer in"
                    + " the load generator woke late by p99 %s, max %s ms; a 4 KiB fdatasync took"
                    + " p50 %s, p99 %s, max %s ms (%s samples).%n",
                p.get("name"),
                ms(t.get("p99")),
                ms(t.get("max")),
                ms(d.get("p50")),
                ms(d.get("p99")),
                ms(d.get("max")),
                d.get("count")));
      }
      for (Map<String, Object> p : phases) {
        Map<String, Object> h = (Map<String, Object>) p.get("server_histograms");
        if (h != null) {
          sb.append(serverLine((String) p.get("name"), h));
        }
      }
      Map<String, Object> head = (Map<String, Object>) r.get("headline");
      if (head != null) {
        sb.append("\nBytes per op as received by the other devices (WebSocket payload, phase ")
            .append(head.get("name"))
            .append("):\n\n| message | min | avg | max | count |\n|---|---|---|---|---|\n");
        ((Map<String, Map<String, Object>>) head.get("bytes_per_op"))
            .forEach(
                (t, b) ->
                    sb.append(
                        String.format(
                            "| %s | %s | %s | %s | %s |%n",
                            t, b.get("min"), b.get("avg"), b.get("max"), b.get("count"))));
      }
    }
    if (r.containsKey("max_sustained_rate")) {
      sb.append("\nHighest rate that held (p99 <= limit, no errors, achieved >= 95%): **")
          .append(r.get("max_sustained_rate"))
          .append(" writes/s**\n");
    }
    Map<String, Object> conn = (Map<String, Object>) r.get("connections");
    if (conn != null) {
      Map<String, Object> c = (Map<String, Object>) conn.get("connect_latency_us");
      sb.append(
          String.format(
              "%nConnections: %s of %s connected (%s); connect latency (%s -> welcome)"
                  + " p50 %s, p90 %s, p99 %s, p99.9 %s, max %s ms%n",
              conn.get("connected"),
              conn.get("attempted"),
              conn.get("mode"),
              conn.get("latency_from"),
              ms(c.get("p50")),
              ms(c.get("p90")),
              ms(c.get("p99")),
              ms(c.get("p99_9")),
              ms(c.get("max"))));
    }
    Map<String, Object> server = (Map<String, Object>) r.get("server");
    if (server != null) {
      sb.append("\nServer process (read from /proc and jstat):\n\n");
      server.forEach((k, v) -> sb.append("- ").append(k).append(": ").append(v).append('\n'));
    }
    sb.append("\nErrors: ").append(r.get("errors")).append('\n');
    List<String> samples = (List<String>) r.get("error_samples");
    if (samples != null && !samples.isEmpty()) {
      sb.append("\nFirst error samples:\n\n");
      samples.forEach(s -> sb.append("- `").append(s.replace('`', '\'')).append("`\n"));
    }
    return sb.toString();
  }

  static String ms(Object micros) {
    return String.format(Locale.ROOT, "%.3f", ((Number) micros).doubleValue() / 1000.0);
  }

  // ---- latency.svg --------------------------------------------------------------------------

  private static final String[] COLORS = {
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"
  };

  /**
   * Percentile distribution plot: x is the percentile on HdrHistogram's log scale (0, 90, 99, ...
   * 99.999), y the latency in ms.
   */
  static String svg(String title, Map<String, Histogram> curves) {
    int w = 900;
    int h = 520;
    int left = 70;
    int right = 190;
    int top = 40;
    int bottom = 60;
    double plotW = w - left - right;
    double plotH = h - top - bottom;
    double maxX = 5; // 99.999%
    double maxMs = 0.001;
    Map<String, List<double[]>> points = new LinkedHashMap<>();
    for (Map.Entry<String, Histogram> e : curves.entrySet()) {
      Histogram hist = e.getValue().copy();
      List<double[]> pts = new ArrayList<>();
      if (hist.getTotalCount() > 0) {
        for (HistogramIterationValue v : hist.percentiles(5)) {
          double pct = v.getPercentileLevelIteratedTo();
          double x = pct >= 100 ? maxX : Math.min(maxX, Math.log10(100.0 / (100.0 - pct)));
          double y = hist.highestEquivalentValue(v.getValueIteratedTo()) / 1000.0;
          pts.add(new double[] {x, y});
          maxMs = Math.max(maxMs, y);
        }
      }
      points.put(e.getKey(), pts);
    }
    double yMax = niceCeiling(maxMs);
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d"
                + " %d\" font-family=\"sans-serif\" font-size=\"12\">%n",
            w,
            h,
            w,
            h));
    sb.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    sb.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"22\" font-size=\"15\">%s</text>%n",
            left,
            escape(title)));
    String[] xLabels = {"0%", "90%", "99%", "99.9%", "99.99%", "99.999%"};
    for (int i = 0; i <= 5; i++) {
      double x = left + plotW * i / maxX;
      sb.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                  + "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>%n",
              x,
              top,
              x,
              top + plotH,
              x,
              top + plotH + 18,
              xLabels[i]));
    }
    for (int i = 0; i <= 5; i++) {
      double v = yMax * i / 5;
      double y = top + plotH - plotH * i / 5;
      sb.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                  + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
              left,
              y,
              left + plotW,
              y,
              left - 6,
              y + 4,
              trim(v)));
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">percentile</text>%n"
                + "<text x=\"16\" y=\"%.1f\" transform=\"rotate(-90 16 %.1f)\""
                + " text-anchor=\"middle\">latency (ms)</text>%n",
            left + plotW / 2,
            h - 15,
            top + plotH / 2,
            top + plotH / 2));
    int c = 0;
    for (Map.Entry<String, List<double[]>> e : points.entrySet()) {
      String color = COLORS[c % COLORS.length];
      StringBuilder poly = new StringBuilder();
      for (double[] p : e.getValue()) {
        poly.append(
            String.format(
                Locale.ROOT,
                "%.1f,%.1f ",
                left + plotW * p[0] / maxX,
                top + plotH - plotH * Math.min(p[1], yMax) / yMax));
      }
      sb.append(
          String.format(
              "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>%n",
              color, poly.toString().trim()));
      double ly = top + 10 + 20 * c;
      sb.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\""
                  + " stroke-width=\"3\"/><text x=\"%.1f\" y=\"%.1f\">%s</text>%n",
              left + plotW + 12,
              ly,
              left + plotW + 32,
              ly,
              color,
              left + plotW + 38,
              ly + 4,
              escape(e.getKey())));
      c++;
    }
    sb.append("</svg>\n");
    return sb.toString();
  }

  private static double niceCeiling(double v) {
    double exp = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {1, 2, 2.5, 5, 10}) {
      if (m * exp >= v) {
        return m * exp;
      }
    }
    return 10 * exp;
  }

  private static String trim(double v) {
    String s = String.format(Locale.ROOT, "%.3f", v);
    return s.replaceAll("0+$", "").replaceAll("\\.$", "");
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
