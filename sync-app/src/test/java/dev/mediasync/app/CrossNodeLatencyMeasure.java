package dev.mediasync.app;

import dev.mediasync.testkit.RedisAvailable;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Throwaway measurement (prints only; not run by surefire/failsafe): cross-node sync latency, a
 * phone on node 1 writing progress over its WebSocket at a steady pace, a TV on node 2 receiving.
 * Latency = TV receive time - phone send time, same JVM clock. Two nodes share Redis and one
 * in-process store. Args: [writes=2000] [intervalMicros=5000].
 */
public final class CrossNodeLatencyMeasure {
  private static final Pattern POS = Pattern.compile("\"position_seconds\":(\\d+)");

  public static void main(String[] args) throws Exception {
    int writes = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
    long intervalNanos = (args.length > 1 ? Long.parseLong(args[1]) : 5_000) * 1_000;
    String url = RedisAvailable.url();
    MonotonicOpStore store = new MonotonicOpStore();
    String user = "lat-" + UUID.randomUUID().toString().substring(0, 8);
    try (TestServer n1 = TestServer.builder().env("SYNC_REDIS_URL", url).store(store).start();
        TestServer n2 = TestServer.builder().env("SYNC_REDIS_URL", url).store(store).start()) {
      long[] sent = new long[writes + 1];
      long[] received = new long[writes + 1];
      CountDownLatch all = new CountDownLatch(writes);
      HttpClient http = HttpClient.newHttpClient();
      WebSocket tv =
          http.newWebSocketBuilder()
              .header("Authorization", "Bearer " + n2.token(user, null))
              .buildAsync(
                  URI.create("ws://127.0.0.1:" + n2.port() + "/ws?device_id=tv"),
                  new WebSocket.Listener() {
                    final StringBuilder sb = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket ws, CharSequence d, boolean last) {
                      sb.append(d);
                      if (last) {
                        String m = sb.toString();
                        sb.setLength(0);
                        if (m.contains("progress_update")) {
                          Matcher mm = POS.matcher(m);
                          if (mm.find()) {
                            int i = Integer.parseInt(mm.group(1));
                            if (i > 0 && i <= writes && received[i] == 0) {
                              received[i] = System.nanoTime();
                              all.countDown();
                            }
                          }
                        }
                      }
                      ws.request(1);
                      return null;
                    }
                  })
              .get(10, TimeUnit.SECONDS);
      WebSocket phone =
          http.newWebSocketBuilder()
              .header("Authorization", "Bearer " + n1.token(user, null))
              .buildAsync(
                  URI.create("ws://127.0.0.1:" + n1.port() + "/ws?device_id=phone"),
                  new WebSocket.Listener() {})
              .get(10, TimeUnit.SECONDS);
      Thread.sleep(1_000); // both sessions live (SUBSCRIBE confirmed)
      long next = System.nanoTime();
      for (int i = 1; i <= writes; i++) {
        while (System.nanoTime() < next) {
          LockSupport.parkNanos(50_000);
        }
        sent[i] = System.nanoTime();
        phone
            .sendText(
                "{\"type\":\"progress_update\",\"content_id\":\"film\",\"position_seconds\":"
                    + i
                    + ",\"duration_seconds\":100000,\"state\":\"playing\"}",
                true)
            .get(5, TimeUnit.SECONDS);
        next += intervalNanos;
      }
      boolean complete = all.await(30, TimeUnit.SECONDS);
      long[] lat =
          java.util.stream.IntStream.rangeClosed(1, writes)
              .filter(i -> received[i] != 0)
              .mapToLong(i -> received[i] - sent[i])
              .sorted()
              .toArray();
      System.out.printf(
          "cross-node latency over %d/%d writes at %d/s (complete=%s): p50 %.2f ms, p90 %.2f ms,"
              + " p99 %.2f ms, max %.2f ms; stale retries %d%n",
          lat.length,
          writes,
          1_000_000_000L / intervalNanos,
          complete,
          pct(lat, 50),
          pct(lat, 90),
          pct(lat, 99),
          lat.length == 0 ? 0 : lat[lat.length - 1] / 1e6,
          store.staleRefusals);
      phone.abort();
      tv.abort();
    }
    System.exit(0);
  }

  private static double pct(long[] sorted, int p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int idx = (int) Math.min(sorted.length - 1, Math.ceil(p / 100.0 * sorted.length) - 1);
    return sorted[Math.max(0, idx)] / 1e6;
  }
}
