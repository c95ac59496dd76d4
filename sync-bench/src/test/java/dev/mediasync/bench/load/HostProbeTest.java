package dev.mediasync.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostProbeTest {

  @TempDir Path dir;

  @Test
  @SuppressWarnings("unchecked")
  void recordsTimerAndDiskSamples_andRemovesItsScratchFile() throws Exception {
    Map<String, Object> seen;
    try (HostProbe probe = HostProbe.start(dir)) {
      // The probe measures real time by design; wait for its first samples, not for a duration.
      long deadline = System.nanoTime() + 10_000_000_000L;
      do {
        seen = probe.toMap();
      } while (count(seen, "fdatasync_us") < 2 && System.nanoTime() < deadline && pause());
    }
    assertThat(count(seen, "timer_overshoot_us")).isPositive();
    assertThat(count(seen, "fdatasync_us")).isGreaterThanOrEqualTo(2);
    Map<String, Object> disk = (Map<String, Object>) seen.get("fdatasync_us");
    assertThat(((Number) disk.get("max")).longValue())
        .isGreaterThanOrEqualTo(((Number) disk.get("p50")).longValue());
    try (var files = Files.list(dir)) {
      assertThat(files).isEmpty();
    }
  }

  @SuppressWarnings("unchecked")
  private static long count(Map<String, Object> probe, String key) {
    return ((Number) ((Map<String, Object>) probe.get(key)).get("count")).longValue();
  }

  private static boolean pause() throws InterruptedException {
    Thread.sleep(20);
    return true;
  }
}
