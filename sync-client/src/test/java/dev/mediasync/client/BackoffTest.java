package dev.mediasync.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private static final Duration MIN = Duration.ofMillis(100);
  private static final Duration MAX = Duration.ofSeconds(5);

  @Test
  void ceiling_doublesPerAttempt_untilCapped() {
    Backoff b = new Backoff(MIN, MAX, () -> 0.5);
    assertThat(b.ceiling(0)).isEqualTo(Duration.ofMillis(100));
    assertThat(b.ceiling(1)).isEqualTo(Duration.ofMillis(200));
    assertThat(b.ceiling(5)).isEqualTo(Duration.ofMillis(3200));
    assertThat(b.ceiling(6)).isEqualTo(MAX);
    assertThat(b.ceiling(1_000)).isEqualTo(MAX);
  }

  @Test
  void delay_fullJitter_staysWithinZeroAndCeiling() {
    Random seeded = new Random(42);
    Backoff b = new Backoff(MIN, MAX, seeded::nextDouble);
    for (int attempt = 0; attempt < 40; attempt++) {
      for (int i = 0; i < 50; i++) {
        assertThat(b.delay(attempt)).isBetween(Duration.ZERO, b.ceiling(attempt));
      }
    }
  }

  @Test
  void delay_isActuallyJittered() {
    Random seeded = new Random(7);
    Backoff b = new Backoff(MIN, MAX, seeded::nextDouble);
    assertThat(java.util.stream.IntStream.range(0, 20).mapToObj(i -> b.delay(8)).distinct())
        .hasSizeGreaterThan(10);
  }

  @Test
  void delay_randomAtItsBounds_givesZeroOrTheCeiling() {
    assertThat(new Backoff(MIN, MAX, () -> 0.0).delay(3)).isEqualTo(Duration.ZERO);
    assertThat(new Backoff(MIN, MAX, () -> 1.0).delay(3)).isEqualTo(Duration.ofMillis(800));
  }

  @Test
  void constructor_minAboveMax_isRefused() {
    assertThatThrownBy(() -> new Backoff(MAX, MIN, () -> 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
