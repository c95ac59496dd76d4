package dev.mediasync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HybridTimestampTest {

  @Test
  void of_validParts_packsAndUnpacks() {
    HybridTimestamp ts = HybridTimestamp.of(1_700_000_000_123L, 42);

    assertThat(ts.millis()).isEqualTo(1_700_000_000_123L);
    assertThat(ts.counter()).isEqualTo(42);
    assertThat(ts.packed()).isEqualTo((1_700_000_000_123L << 16) | 42);
    assertThat(HybridTimestamp.fromPacked(ts.packed())).isEqualTo(ts);
  }

  @Test
  void of_extremeParts_packsAndUnpacks() {
    HybridTimestamp max =
        HybridTimestamp.of(HybridTimestamp.MAX_MILLIS, HybridTimestamp.MAX_COUNTER);

    assertThat(max.packed()).isEqualTo(-1L);
    assertThat(max.millis()).isEqualTo(HybridTimestamp.MAX_MILLIS);
    assertThat(max.counter()).isEqualTo(HybridTimestamp.MAX_COUNTER);
    assertThat(HybridTimestamp.of(0, 0)).isEqualTo(HybridTimestamp.ZERO);
  }

  @Test
  void of_outOfRangeParts_throws() {
    assertThatThrownBy(() -> HybridTimestamp.of(-1, 0))
        .isInstanceOf(InvalidTimestampException.class);
    assertThatThrownBy(() -> HybridTimestamp.of(HybridTimestamp.MAX_MILLIS + 1, 0))
        .isInstanceOf(InvalidTimestampException.class);
    assertThatThrownBy(() -> HybridTimestamp.of(0, -1))
        .isInstanceOf(InvalidTimestampException.class);
    assertThatThrownBy(() -> HybridTimestamp.of(0, HybridTimestamp.MAX_COUNTER + 1))
        .isInstanceOf(InvalidTimestampException.class);
  }

  @Test
  void compareTo_sameMillis_ordersByCounter() {
    assertThat(HybridTimestamp.of(5, 1)).isGreaterThan(HybridTimestamp.of(5, 0));
    assertThat(HybridTimestamp.of(6, 0)).isGreaterThan(HybridTimestamp.of(5, 0xFFFF));
    assertThat(HybridTimestamp.of(5, 3)).isEqualByComparingTo(HybridTimestamp.of(5, 3));
  }

  @Test
  void compareTo_highBitSet_ordersUnsigned() {
    // Packed values with bit 63 set are negative as signed longs but the largest timestamps.
    HybridTimestamp high = HybridTimestamp.of(1L << 47, 0);
    HybridTimestamp low = HybridTimestamp.of((1L << 47) - 1, HybridTimestamp.MAX_COUNTER);

    assertThat(high.packed()).isNegative();
    assertThat(high).isGreaterThan(low);
    assertThat(high.isAfter(low)).isTrue();
    assertThat(low.isBefore(high)).isTrue();
    assertThat(HybridTimestamp.fromPacked(-1L))
        .isGreaterThan(HybridTimestamp.fromPacked(Long.MAX_VALUE));
    assertThat(HybridTimestamp.max(low, high)).isSameAs(high);
    assertThat(HybridTimestamp.max(high, low)).isSameAs(high);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "-1",
        "abc",
        " 1",
        "1 ",
        "+1",
        "1e5",
        "0x10",
        "1.5",
        "123456789012345678901", // 21 digits
        "18446744073709551616", // 2^64: 20 digits but overflows
        "99999999999999999999"
      })
  void parse_malformedText_throwsInvalidTimestamp(String text) {
    assertThatThrownBy(() -> HybridTimestamp.parse(text))
        .isInstanceOf(InvalidTimestampException.class)
        .hasMessageContaining("timestamp");
  }

  @Test
  void parse_null_throwsInvalidTimestamp() {
    assertThatThrownBy(() -> HybridTimestamp.parse(null))
        .isInstanceOf(InvalidTimestampException.class);
  }

  @Test
  void parse_negativeAndOverflow_namesTheProblem() {
    assertThatThrownBy(() -> HybridTimestamp.parse("-1")).hasMessageContaining("negative");
    assertThatThrownBy(() -> HybridTimestamp.parse("18446744073709551616"))
        .hasMessageContaining("64-bit");
    assertThatThrownBy(() -> HybridTimestamp.parse("123456789012345678901"))
        .hasMessageContaining("20 digits");
  }

  @Test
  void parse_maxValue_roundTrips() {
    HybridTimestamp max = HybridTimestamp.parse("18446744073709551615");

    assertThat(max.packed()).isEqualTo(-1L);
    assertThat(max.millis()).isEqualTo(HybridTimestamp.MAX_MILLIS);
    assertThat(max.counter()).isEqualTo(HybridTimestamp.MAX_COUNTER);
    assertThat(max.toString()).isEqualTo("18446744073709551615");
  }

  @Test
  void parse_zeroAndSmall_roundTrips() {
    assertThat(HybridTimestamp.parse("0")).isEqualTo(HybridTimestamp.ZERO);
    assertThat(HybridTimestamp.parse("65537")).isEqualTo(HybridTimestamp.of(1, 1));
    assertThat(HybridTimestamp.of(1, 1).toString()).isEqualTo("65537");
  }
}
