package dev.mediasync.core;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

class HybridTimestampProperties {

  @Property
  void parse_toStringOfAnyPackedValue_roundTrips(@ForAll long packed) {
    HybridTimestamp ts = HybridTimestamp.fromPacked(packed);

    assertThat(HybridTimestamp.parse(ts.toString())).isEqualTo(ts);
    assertThat(HybridTimestamp.of(ts.millis(), ts.counter())).isEqualTo(ts);
  }

  @Property
  void compareTo_anyTwo_matchesMillisThenCounterOrder(
      @ForAll @LongRange(min = 0, max = HybridTimestamp.MAX_MILLIS) long m1,
      @ForAll @IntRange(min = 0, max = HybridTimestamp.MAX_COUNTER) int c1,
      @ForAll @LongRange(min = 0, max = HybridTimestamp.MAX_MILLIS) long m2,
      @ForAll @IntRange(min = 0, max = HybridTimestamp.MAX_COUNTER) int c2) {
    int expected = m1 != m2 ? Long.compare(m1, m2) : Integer.compare(c1, c2);

    assertThat(Integer.signum(HybridTimestamp.of(m1, c1).compareTo(HybridTimestamp.of(m2, c2))))
        .isEqualTo(Integer.signum(expected));
  }
}
