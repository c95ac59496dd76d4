package dev.mediasync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class HybridClockProperties {

  private static final long T0 = 1_700_000_000_000L;
  private static final long MAX_SKEW = 1_000;

  enum Kind {
    NOW,
    OBSERVE,
    FORWARD,
    BACK,
    STALL
  }

  /**
   * One step. For OBSERVE, {@code amount} is the remote's offset from the wall clock (may exceed
   * the skew bound) and {@code counter} its logical counter; for clock moves it is the distance.
   */
  record Step(Kind kind, long amount, int counter) {}

  @Provide
  Arbitrary<List<Step>> steps() {
    Arbitrary<Step> step =
        Combinators.combine(
                Arbitraries.of(Kind.class),
                Arbitraries.longs().between(-3 * MAX_SKEW, 2 * MAX_SKEW),
                Arbitraries.oneOf(
                    Arbitraries.integers().between(0, 5),
                    Arbitraries.just(HybridTimestamp.MAX_COUNTER),
                    Arbitraries.integers().between(0, HybridTimestamp.MAX_COUNTER)))
            .as((k, a, c) -> new Step(k, a, c));
    return step.list().ofMaxSize(60);
  }

  @Property
  void nowAndObserve_anyInterleavingWithClockMoves_strictlyIncreasing(
      @ForAll("steps") List<Step> steps) {
    FakeClock wall = new FakeClock(T0);
    HybridClock clock = new HybridClock(wall, MAX_SKEW);
    HybridTimestamp last = clock.peek();
    for (Step s : steps) {
      switch (s.kind()) {
        case NOW -> {
          HybridTimestamp next = clock.now();
          assertThat(next).isGreaterThan(last);
          last = next;
        }
        case OBSERVE -> {
          long remoteMillis = Math.max(0, wall.currentTimeMillis() + s.amount());
          HybridTimestamp remote = HybridTimestamp.of(remoteMillis, s.counter());
          if (remoteMillis - wall.currentTimeMillis() > MAX_SKEW) {
            assertThatThrownBy(() -> clock.observe(remote)).isInstanceOf(ClockSkewException.class);
            assertThat(clock.peek()).isEqualTo(last);
          } else {
            HybridTimestamp next = clock.observe(remote);
            assertThat(next).isGreaterThan(last).isGreaterThan(remote);
            last = next;
          }
        }
        case FORWARD -> wall.advance(Math.abs(s.amount()));
        case BACK -> wall.advance(-Math.abs(s.amount()));
        case STALL -> {}
      }
      assertThat(clock.peek()).isEqualTo(last);
    }
  }
}
