package dev.mediasync.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The reconnect schedule of a real {@link SyncClient} against a port where nothing listens, with a
 * {@link FakeScheduler}: no sleeping through the backoff.
 */
class ReconnectBackoffTest {
  private static final Duration MIN = Duration.ofMillis(100);
  private static final Duration MAX = Duration.ofMillis(1_600);

  @Test
  void failedConnects_delaysGrowToTheCap_withJitterInsideTheCeiling() throws IOException {
    FakeScheduler scheduler = new FakeScheduler();
    Random seeded = new Random(1234);
    List<Double> draws = new ArrayList<>();
    RecordingListener events = new RecordingListener();
    try (SyncClient client =
        new SyncClient(
            SyncClientOptions.builder(deadUrl(), "tv-1", () -> "token")
                .backoff(MIN, MAX)
                .jitter(
                    () -> {
                      double d = seeded.nextDouble();
                      draws.add(d);
                      return d;
                    })
                .scheduler(scheduler)
                .callbackExecutor(Runnable::run)
                .build())) {
      client.addListener(events);
      client.connect();
      List<Duration> delays = attemptsFailing(scheduler, 8);
      Backoff reference = new Backoff(MIN, MAX, () -> 1.0);
      for (int n = 0; n < delays.size(); n++) {
        Duration ceiling = reference.ceiling(n);
        assertThat(delays.get(n)).as("delay %d", n).isBetween(Duration.ZERO, ceiling);
        assertThat(delays.get(n).toMillis())
            .as("delay %d is the jitter draw times the ceiling", n)
            .isEqualTo(Math.round(draws.get(n) * ceiling.toMillis()));
      }
      assertThat(reference.ceiling(4)).isEqualTo(MAX);
      assertThat(delays).hasSizeGreaterThanOrEqualTo(8);
      assertThat(events.reconnectDelays).containsExactlyElementsOf(delays);
      assertThat(client.connectionState()).isEqualTo(ConnectionState.DISCONNECTED);
    }
  }

  @Test
  void failedConnects_withMaximalJitter_doubleUntilCapped() throws IOException {
    FakeScheduler scheduler = new FakeScheduler();
    try (SyncClient client =
        new SyncClient(
            SyncClientOptions.builder(deadUrl(), "tv-1", () -> "token")
                .backoff(MIN, MAX)
                .jitter(() -> 1.0)
                .scheduler(scheduler)
                .callbackExecutor(Runnable::run)
                .build())) {
      client.connect();
      assertThat(attemptsFailing(scheduler, 8))
          .extracting(Duration::toMillis)
          .containsExactly(100L, 200L, 400L, 800L, 1600L, 1600L, 1600L, 1600L);
    }
  }

  /**
   * Runs the initial connect (scheduled at once) and then {@code n} reconnects, each scheduled by
   * the failure of the one before; returns the {@code n} reconnect delays.
   */
  private static List<Duration> attemptsFailing(FakeScheduler scheduler, int n) {
    FakeScheduler.Task task = scheduler.next();
    assertThat(task.delay).isEqualTo(Duration.ZERO);
    List<Duration> delays = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      task.run();
      task = scheduler.next(); // waits: the connect fails asynchronously
      delays.add(task.delay);
    }
    return delays;
  }

  /** A loopback port that refuses connections (bound, then closed). */
  private static URI deadUrl() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    return URI.create("http://127.0.0.1:" + port);
  }
}
