package dev.mediasync.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.DoubleSupplier;

/** Reads values out of a Prometheus text exposition, for tests. */
final class Scrape {
  private final String text;

  Scrape(String text) {
    this.text = text;
  }

  static Scrape of(TestServer server) {
    Http.Resp r = server.http().get("/metrics", null);
    assertThat(r.status()).isEqualTo(200);
    return new Scrape(r.body());
  }

  /**
   * The value of the one sample named {@code name} whose labels include every {@code k="v"} given
   * as {@code "k", "v"} pairs; 0 when there is none.
   */
  double value(String name, String... labels) {
    double found = 0;
    int matches = 0;
    for (String line : text.split("\n")) {
      if (line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      String series = line.substring(0, space);
      String metric = series.contains("{") ? series.substring(0, series.indexOf('{')) : series;
      if (!metric.equals(name)) {
        continue;
      }
      boolean all = true;
      for (int i = 0; i + 1 < labels.length; i += 2) {
        if (!series.contains(labels[i] + "=\"" + labels[i + 1] + "\"")) {
          all = false;
        }
      }
      if (all) {
        found = Double.parseDouble(line.substring(space + 1));
        matches++;
      }
    }
    assertThat(matches)
        .as("samples of %s %s", name, String.join(",", labels))
        .isLessThanOrEqualTo(1);
    return found;
  }

  String text() {
    return text;
  }

  /** Polls {@code value} until it equals {@code expected} (metrics of async paths lag a little). */
  static void await(DoubleSupplier value, double expected) {
    long deadline = System.nanoTime() + WsClient.WAIT.toNanos();
    double last = value.getAsDouble();
    while (last != expected && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      last = value.getAsDouble();
    }
    assertThat(last).isEqualTo(expected);
  }
}
