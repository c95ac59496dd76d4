package dev.mediasync.core;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Shared generators for the CRDT properties. */
final class CrdtArbitraries {

  static final long T0 = 1_700_000_000_000L;

  private CrdtArbitraries() {}

  /** Timestamps from a small range, so ties and near-ties are common. */
  static Arbitrary<HybridTimestamp> timestamps() {
    return Combinators.combine(
            Arbitraries.longs().between(T0, T0 + 5), Arbitraries.integers().between(0, 3))
        .as(HybridTimestamp::of);
  }

  static Arbitrary<String> devices() {
    return Arbitraries.of("phone", "tv", "tablet", "web", "tv2");
  }

  /**
   * A register write. The value is a function of (timestamp, device): in the service one device
   * never makes two different writes with the same HLC reading, and the register relies on that
   * (equal timestamp and device means the same write).
   */
  static Arbitrary<LwwRegister<String>> registers() {
    return Combinators.combine(timestamps(), devices())
        .as((ts, dev) -> LwwRegister.of(dev + "@" + ts, ts, dev));
  }
}
