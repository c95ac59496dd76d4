package dev.mediasync.core;

import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A map whose every key holds an independent {@link LwwRegister}: used for watch progress per
 * content id and for preferences per key. Merge is key-wise register merge, so it inherits the
 * register's laws and its tie rule (equal timestamps: the lexicographically greater device id
 * wins).
 *
 * <p>Immutable; iteration is in key order so equal maps serialize to equal bytes.
 *
 * @param <K> key type, {@link Comparable}
 * @param <V> value type, immutable
 */
public final class LwwMap<K extends Comparable<K>, V> {

  @SuppressWarnings({"rawtypes", "unchecked"})
  private static final LwwMap<?, ?> EMPTY = new LwwMap(Collections.emptyNavigableMap());

  private final NavigableMap<K, LwwRegister<V>> entries;

  private LwwMap(NavigableMap<K, LwwRegister<V>> entries) {
    this.entries = entries;
  }

  @SuppressWarnings("unchecked")
  public static <K extends Comparable<K>, V> LwwMap<K, V> empty() {
    return (LwwMap<K, V>) EMPTY;
  }

  /** Reassembles a map from stored registers. */
  public static <K extends Comparable<K>, V> LwwMap<K, V> restore(Map<K, LwwRegister<V>> entries) {
    return new LwwMap<>(Collections.unmodifiableNavigableMap(new TreeMap<>(entries)));
  }

  public LwwRegister<V> get(K key) {
    return entries.get(key);
  }

  public NavigableMap<K, LwwRegister<V>> entries() {
    return entries;
  }

  public int size() {
    return entries.size();
  }

  /** True if a write at ({@code ts}, {@code device}) to {@code key} would win. */
  public boolean wouldApply(K key, HybridTimestamp ts, String device) {
    LwwRegister<V> current = entries.get(key);
    return current == null || current.isBeatenBy(ts, device);
  }

  /** The map after a write to one key; the same instance if the write loses. */
  public LwwMap<K, V> put(K key, V value, HybridTimestamp ts, String device) {
    Objects.requireNonNull(key, "key");
    if (!wouldApply(key, ts, device)) {
      return this;
    }
    NavigableMap<K, LwwRegister<V>> next = new TreeMap<>(entries);
    next.put(key, LwwRegister.of(value, ts, device));
    return new LwwMap<>(Collections.unmodifiableNavigableMap(next));
  }

  /** Key-wise merge; commutative, associative and idempotent like the register's. */
  public LwwMap<K, V> merge(LwwMap<K, V> other) {
    if (other == this) {
      return this;
    }
    NavigableMap<K, LwwRegister<V>> next = new TreeMap<>(entries);
    other.entries.forEach((k, reg) -> next.merge(k, reg, LwwRegister::merge));
    return new LwwMap<>(Collections.unmodifiableNavigableMap(next));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LwwMap<?, ?> other && entries.equals(other.entries);
  }

  @Override
  public int hashCode() {
    return entries.hashCode();
  }

  @Override
  public String toString() {
    return "LwwMap" + entries;
  }
}
