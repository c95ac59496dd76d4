package dev.mediasync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HybridClockTest {

  private static final long T0 = 1_700_000_000_000L;

  private final FakeClock wall = new FakeClock(T0);
  private final HybridClock clock = new HybridClock(wall, 1_000);

  @Test
  void now_wallClockAdvances_usesWallClockWithZeroCounter() {
    HybridTimestamp first = clock.now();
    wall.advance(5);
    HybridTimestamp second = clock.now();

    assertThat(first).isEqualTo(HybridTimestamp.of(T0, 0));
    assertThat(second).isEqualTo(HybridTimestamp.of(T0 + 5, 0));
    assertThat(clock.peek()).isEqualTo(second);
  }

  @Test
  void now_wallClockStalls_incrementsCounter() {
    HybridTimestamp a = clock.now();
    HybridTimestamp b = clock.now();
    HybridTimestamp c = clock.now();

    assertThat(List.of(a, b, c)).isSorted().doesNotHaveDuplicates();
    assertThat(c).isEqualTo(HybridTimestamp.of(T0, 2));
  }

  @Test
  void now_wallClockJumpsBack_staysStrictlyIncreasing() {
    HybridTimestamp before = clock.now();
    wall.advance(-10_000);
    HybridTimestamp after = clock.now();
    HybridTimestamp later = clock.now();

    assertThat(after).isGreaterThan(before);
    assertThat(after.millis()).isEqualTo(T0);
    assertThat(later).isGreaterThan(after);
  }

  @Test
  void now_wallClockBeforeEpoch_staysWellFormedAndIncreasing() {
    HybridTimestamp before = clock.now();
    wall.set(-5);
    HybridTimestamp after = clock.now();

    assertThat(after).isGreaterThan(before);
  }

  @Test
  void now_wallClockJumpsForward_followsWallClock() {
    HybridTimestamp before = clock.now();
    clock.now();
    wall.advance(3_600_000);
    HybridTimestamp after = clock.now();

    assertThat(after).isGreaterThan(before);
    assertThat(after).isEqualTo(HybridTimestamp.of(T0 + 3_600_000, 0));
  }

  @Test
  void observe_remoteAhead_returnsAfterRemoteAndLast() {
    HybridTimestamp last = clock.now();
    HybridTimestamp remote = HybridTimestamp.of(T0 + 500, 7);

    HybridTimestamp merged = clock.observe(remote);

    assertThat(merged).isGreaterThan(remote).isGreaterThan(last);
    assertThat(merged).isEqualTo(HybridTimestamp.of(T0 + 500, 8));
    assertThat(clock.now()).isGreaterThan(merged);
  }

  @Test
  void observe_remoteBehind_returnsAfterLast() {
    clock.now();
    HybridTimestamp last = clock.now();
    HybridTimestamp remote = HybridTimestamp.of(T0 - 100, 3);

    HybridTimestamp merged = clock.observe(remote);

    assertThat(merged).isGreaterThan(last).isGreaterThan(remote);
  }

  @Test
  void observe_remoteSameMillis_takesMaxCounterPlusOne() {
    clock.now(); // (T0, 0)
    HybridTimestamp merged = clock.observe(HybridTimestamp.of(T0, 9));

    assertThat(merged).isEqualTo(HybridTimestamp.of(T0, 10));
  }

  @Test
  void observe_wallClockAheadOfBoth_usesWallClock() {
    clock.now();
    wall.advance(50);

    HybridTimestamp merged = clock.observe(HybridTimestamp.of(T0 + 10, 99));

    assertThat(merged).isEqualTo(HybridTimestamp.of(T0 + 50, 0));
  }

  @Test
  void observe_remoteBeyondMaxSkew_throwsAndLeavesClockUnchanged() {
    HybridTimestamp last = clock.now();
    HybridTimestamp remote = HybridTimestamp.of(T0 + 1_001, 0);

    assertThatThrownBy(() -> clock.observe(remote))
        .isInstanceOf(ClockSkewException.class)
        .satisfies(
            e -> {
              ClockSkewException skew = (ClockSkewException) e;
              assertThat(skew.aheadByMillis()).isEqualTo(1_001);
              assertThat(skew.maxSkewMillis()).isEqualTo(1_000);
            });
    assertThat(clock.peek()).isEqualTo(last);
    assertThat(clock.now()).isEqualTo(HybridTimestamp.of(T0, 1));
  }

  @Test
  void observe_remoteExactlyAtMaxSkew_isAccepted() {
    HybridTimestamp remote = HybridTimestamp.of(T0 + 1_000, HybridTimestamp.MAX_COUNTER - 1);

    HybridTimestamp merged = clock.observe(remote);

    assertThat(merged).isGreaterThan(remote);
    assertThat(merged).isEqualTo(HybridTimestamp.of(T0 + 1_000, HybridTimestamp.MAX_COUNTER));
  }

  @Test
  void checkSkew_remoteBeyondMaxSkew_throwsWithoutChangingClock() {
    HybridTimestamp last = clock.now();

    assertThatThrownBy(() -> clock.checkSkew(HybridTimestamp.of(T0 + 2_000, 0)))
        .isInstanceOf(ClockSkewException.class);
    clock.checkSkew(HybridTimestamp.of(T0 + 1_000, 0));
    assertThat(clock.peek()).isEqualTo(last);
  }

  @Test
  void constructor_negativeMaxSkew_throws() {
    assertThatThrownBy(() -> new HybridClock(wall, -1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(new HybridClock(wall).maxSkewMillis())
        .isEqualTo(HybridClock.DEFAULT_MAX_SKEW_MILLIS);
  }

  @Test
  void now_counterExhaustedInOneMillisecond_borrowsNextMillisNeverWraps() {
    int calls = HybridTimestamp.MAX_COUNTER + 1 + 10; // 65,546 calls with the wall clock stalled
    List<HybridTimestamp> out = new ArrayList<>(calls);
    for (int i = 0; i < calls; i++) {
      out.add(clock.now());
    }

    for (int i = 1; i < out.size(); i++) {
      assertThat(out.get(i)).as("reading %d", i).isGreaterThan(out.get(i - 1));
    }
    assertThat(out.get(HybridTimestamp.MAX_COUNTER))
        .isEqualTo(HybridTimestamp.of(T0, HybridTimestamp.MAX_COUNTER));
    assertThat(out.get(HybridTimestamp.MAX_COUNTER + 1)).isEqualTo(HybridTimestamp.of(T0 + 1, 0));
    assertThat(out.get(calls - 1)).isEqualTo(HybridTimestamp.of(T0 + 1, 9));

    // When the wall clock catches up with the borrowed millisecond, order still holds.
    wall.advance(1);
    assertThat(clock.now()).isEqualTo(HybridTimestamp.of(T0 + 1, 10));
  }

  @Test
  void observe_remoteWithMaxCounter_borrowsNextMillis() {
    HybridTimestamp remote = HybridTimestamp.of(T0 + 10, HybridTimestamp.MAX_COUNTER);

    HybridTimestamp merged = clock.observe(remote);

    assertThat(merged).isEqualTo(HybridTimestamp.of(T0 + 11, 0));
    assertThat(merged).isGreaterThan(remote);
  }
}
