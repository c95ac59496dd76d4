package dev.mediasync.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LwwRegisterTest {

  private static final long T0 = 1_700_000_000_000L;

  @Test
  void merge_concurrentProgressUpdates_latestTimestampWins() {
    // Phone reports 120 s at T0+10; TV, concurrently, 300 s at T0+20.
    LwwRegister<Integer> phone = LwwRegister.of(120, HybridTimestamp.of(T0 + 10, 0), "phone");
    LwwRegister<Integer> tv = LwwRegister.of(300, HybridTimestamp.of(T0 + 20, 0), "tv");

    assertThat(phone.merge(tv)).isSameAs(tv);
    assertThat(tv.merge(phone)).isSameAs(tv);
    assertThat(phone.merge(tv).value()).isEqualTo(300);
  }

  @Test
  void merge_sameMillisHigherCounter_higherCounterWins() {
    LwwRegister<String> a = LwwRegister.of("a", HybridTimestamp.of(T0, 1), "zzz");
    LwwRegister<String> b = LwwRegister.of("b", HybridTimestamp.of(T0, 2), "aaa");

    assertThat(a.merge(b).value()).isEqualTo("b");
    assertThat(b.merge(a).value()).isEqualTo("b");
  }

  @Test
  void merge_equalTimestamps_greaterDeviceIdWins() {
    HybridTimestamp ts = HybridTimestamp.of(T0, 5);
    LwwRegister<Integer> phone = LwwRegister.of(120, ts, "phone");
    LwwRegister<Integer> tv = LwwRegister.of(300, ts, "tv");

    assertThat(phone.merge(tv).deviceId()).isEqualTo("tv");
    assertThat(tv.merge(phone).deviceId()).isEqualTo("tv");
    assertThat(phone.isBeatenBy(ts, "tv")).isTrue();
    assertThat(tv.isBeatenBy(ts, "phone")).isFalse();
  }

  @Test
  void set_olderWrite_isIgnored() {
    LwwRegister<Integer> reg = LwwRegister.of(300, HybridTimestamp.of(T0 + 20, 0), "tv");

    assertThat(reg.set(100, HybridTimestamp.of(T0 + 19, 0), "phone")).isSameAs(reg);
    assertThat(reg.set(400, HybridTimestamp.of(T0 + 21, 0), "phone").value()).isEqualTo(400);
  }

  @Test
  void set_sameWriteAgain_isIgnored() {
    HybridTimestamp ts = HybridTimestamp.of(T0, 0);
    LwwRegister<Integer> reg = LwwRegister.of(7, ts, "tv");

    assertThat(reg.set(7, ts, "tv")).isSameAs(reg);
    assertThat(reg.merge(LwwRegister.of(7, ts, "tv"))).isEqualTo(reg);
  }

  @Test
  void equals_sameWrite_equalAndSameHash() {
    HybridTimestamp ts = HybridTimestamp.of(T0, 0);
    LwwRegister<Integer> a = LwwRegister.of(null, ts, "tv");
    LwwRegister<Integer> b = LwwRegister.of(null, ts, "tv");

    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a).isNotEqualTo(LwwRegister.of(1, ts, "tv"));
  }
}
