package dev.mediasync.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Comparator;
import java.util.stream.Stream;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class LwwRegisterProperties {

  @Provide
  Arbitrary<LwwRegister<String>> registers() {
    return CrdtArbitraries.registers();
  }

  @Property(tries = 1000)
  void merge_anyTwo_isCommutative(
      @ForAll("registers") LwwRegister<String> a, @ForAll("registers") LwwRegister<String> b) {
    assertThat(a.merge(b)).isEqualTo(b.merge(a));
  }

  @Property(tries = 1000)
  void merge_anyThree_isAssociative(
      @ForAll("registers") LwwRegister<String> a,
      @ForAll("registers") LwwRegister<String> b,
      @ForAll("registers") LwwRegister<String> c) {
    assertThat(a.merge(b).merge(c)).isEqualTo(a.merge(b.merge(c)));
  }

  @Property(tries = 1000)
  void merge_withItselfOrACopy_isIdempotent(@ForAll("registers") LwwRegister<String> a) {
    LwwRegister<String> copy = LwwRegister.of(a.value(), a.timestamp(), a.deviceId());

    assertThat(a.merge(a)).isEqualTo(a);
    assertThat(a.merge(copy)).isEqualTo(a);
  }

  @Property(tries = 1000)
  void merge_anyThree_keepsMaxByTimestampThenDevice(
      @ForAll("registers") LwwRegister<String> a,
      @ForAll("registers") LwwRegister<String> b,
      @ForAll("registers") LwwRegister<String> c) {
    LwwRegister<String> expected =
        Stream.of(a, b, c)
            .max(
                Comparator.comparing(LwwRegister<String>::timestamp)
                    .thenComparing(LwwRegister::deviceId))
            .orElseThrow();

    assertThat(a.merge(b).merge(c)).isEqualTo(expected);
  }

  @Property(tries = 1000)
  void set_anyWrite_equalsMergeWithThatWrite(
      @ForAll("registers") LwwRegister<String> a, @ForAll("registers") LwwRegister<String> w) {
    assertThat(a.set(w.value(), w.timestamp(), w.deviceId())).isEqualTo(a.merge(w));
  }
}
