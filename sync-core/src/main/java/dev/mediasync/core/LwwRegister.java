package dev.mediasync.core;

import java.util.Objects;

/**
 * A last-writer-wins register (Shapiro et al., "A comprehensive study of Convergent and Commutative
 * Replicated Data Types", 2011, §3.2.1), ordered by {@link HybridTimestamp}.
 *
 * <p><b>Winner rule:</b> the higher timestamp wins; on equal timestamps the lexicographically
 * greater {@code deviceId} ({@link String#compareTo}) wins. Equal timestamp and device id means the
 * same write, so either side may be kept. This makes {@link #merge} commutative, associative and
 * idempotent.
 *
 * <p><b>Clock-skew caveat:</b> "last" means "highest HLC", not "last in real time". A device whose
 * clock runs ahead wins until real time catches up; the service bounds that by refusing remote
 * timestamps more than the configured skew ahead ({@link HybridClock}).
 *
 * <p>Immutable; {@code equals}/{@code hashCode} compare the whole state.
 *
 * @param <V> the value type; must itself be immutable
 */
public final class LwwRegister<V> {

  private final V value;
  private final HybridTimestamp timestamp;
  private final String deviceId;

  private LwwRegister(V value, HybridTimestamp timestamp, String deviceId) {
    this.value = value;
    this.timestamp = Objects.requireNonNull(timestamp, "timestamp");
    this.deviceId = Objects.requireNonNull(deviceId, "deviceId");
  }

  public static <V> LwwRegister<V> of(V value, HybridTimestamp timestamp, String deviceId) {
    return new LwwRegister<>(value, timestamp, deviceId);
  }

  public V value() {
    return value;
  }

  public HybridTimestamp timestamp() {
    return timestamp;
  }

  public String deviceId() {
    return deviceId;
  }

  /** True if a write at ({@code ts}, {@code device}) would beat this register's write. */
  public boolean isBeatenBy(HybridTimestamp ts, String device) {
    int byTime = ts.compareTo(timestamp);
    return byTime > 0 || (byTime == 0 && device.compareTo(deviceId) > 0);
  }

  /** The register after a local or remote write; unchanged if the write loses. */
  public LwwRegister<V> set(V newValue, HybridTimestamp ts, String device) {
    return isBeatenBy(ts, device) ? new LwwRegister<>(newValue, ts, device) : this;
  }

  /** The winner of the two writes, per the rule in the class doc. */
  public LwwRegister<V> merge(LwwRegister<V> other) {
    return isBeatenBy(other.timestamp, other.deviceId) ? other : this;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LwwRegister<?> other
        && timestamp.equals(other.timestamp)
        && deviceId.equals(other.deviceId)
        && Objects.equals(value, other.value);
  }

  @Override
  public int hashCode() {
    return Objects.hash(value, timestamp, deviceId);
  }

  @Override
  public String toString() {
    return "LwwRegister[" + value + " @" + timestamp + " by " + deviceId + "]";
  }
}
