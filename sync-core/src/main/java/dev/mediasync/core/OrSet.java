package dev.mediasync.core;

import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An add-wins observed-remove set (Shapiro et al., "A comprehensive study of Convergent and
 * Commutative Replicated Data Types", 2011, §3.3.5, "OR-Set").
 *
 * <p><b>Tags.</b> Every add carries a unique {@link Tag} (its HLC timestamp and device). A remove
 * names the tags its device had observed, and removes only those; an add that the remover had not
 * seen survives, so a concurrent add and remove leave the element present (<i>add wins</i>).
 *
 * <p><b>Out-of-order delivery.</b> Ops may arrive duplicated and in any order. A remove may name a
 * tag whose add has not arrived yet: the tag is kept as a tombstone, so when the add arrives it is
 * dead on arrival. This is the "keep the remove until the add arrives" design, not a causal
 * context; it needs no vector clock and costs one tombstone per removed tag.
 *
 * <p><b>Tombstone bound.</b> {@link #compact(HybridTimestamp)} drops tombstones whose remove is at
 * or before a <i>stable</i> timestamp: one that every replica has acknowledged, so every op at or
 * before it has been delivered everywhere. The set then remembers that point as its watermark and
 * ignores any late duplicate add whose tag is at or before it and is not live.
 *
 * <p><b>Clock-skew caveat.</b> Tags are ordered by HLC only for compaction; membership never
 * depends on which clock ran ahead.
 *
 * <p>Immutable: every "modifying" method returns a new set (copying the element map, O(n)).
 * Iteration order is sorted, so equal states serialize to equal bytes.
 *
 * @param <E> element type; immutable and {@link Comparable}
 */
public final class OrSet<E extends Comparable<E>> {

  @SuppressWarnings({"rawtypes", "unchecked"})
  private static final OrSet<?> EMPTY =
      new OrSet(Collections.emptyNavigableMap(), Collections.emptyNavigableMap(), null);

  /** Live tags per element; an element is present iff it has at least one live tag. */
  private final NavigableMap<E, NavigableSet<Tag>> live;

  /** Removed tags and the timestamp of the remove that removed them. */
  private final NavigableMap<Tag, HybridTimestamp> tombstones;

  /** Highest stable timestamp compacted at, or null if never compacted. */
  private final HybridTimestamp watermark;

  private OrSet(
      NavigableMap<E, NavigableSet<Tag>> live,
      NavigableMap<Tag, HybridTimestamp> tombstones,
      HybridTimestamp watermark) {
    this.live = live;
    this.tombstones = tombstones;
    this.watermark = watermark;
  }

  @SuppressWarnings("unchecked")
  public static <E extends Comparable<E>> OrSet<E> empty() {
    return (OrSet<E>) EMPTY;
  }

  /** Reassembles a set from stored parts (as written by a store); no validation beyond nulls. */
  public static <E extends Comparable<E>> OrSet<E> restore(
      Map<E, ? extends Set<Tag>> live,
      Map<Tag, HybridTimestamp> tombstones,
      HybridTimestamp watermark) {
    NavigableMap<E, NavigableSet<Tag>> copy = new TreeMap<>();
    live.forEach(
        (e, tags) -> {
          if (!tags.isEmpty()) {
            copy.put(
                Objects.requireNonNull(e),
                Collections.unmodifiableNavigableSet(new TreeSet<>(tags)));
          }
        });
    return new OrSet<>(
        Collections.unmodifiableNavigableMap(copy),
        Collections.unmodifiableNavigableMap(new TreeMap<>(tombstones)),
        watermark);
  }

  public boolean contains(E element) {
    return live.containsKey(element);
  }

  /** Present elements in sorted order. */
  public NavigableSet<E> elements() {
    return Collections.unmodifiableNavigableSet(live.navigableKeySet());
  }

  /** The live tags of {@code element}: what a remove issued now would name. Empty if absent. */
  public NavigableSet<Tag> tags(E element) {
    NavigableSet<Tag> tags = live.get(element);
    return tags == null ? Collections.emptyNavigableSet() : tags;
  }

  /** All live tags per element, sorted. */
  public NavigableMap<E, NavigableSet<Tag>> liveTags() {
    return live;
  }

  /** Removed tags and when they were removed, sorted by tag. */
  public NavigableMap<Tag, HybridTimestamp> tombstones() {
    return tombstones;
  }

  public int tombstoneCount() {
    return tombstones.size();
  }

  public HybridTimestamp watermark() {
    return watermark;
  }

  public int size() {
    return live.size();
  }

  /** The earliest live tag of {@code element}: when it was (first still-live) added. */
  public HybridTimestamp addedAt(E element) {
    NavigableSet<Tag> tags = live.get(element);
    return tags == null ? null : tags.first().timestamp();
  }

  /**
   * Applies an add. Idempotent: the same tag twice changes nothing. An add whose tag was already
   * removed, or that is a late duplicate from before the watermark, changes nothing.
   */
  public OrSet<E> add(E element, Tag tag) {
    Objects.requireNonNull(element, "element");
    if (tombstones.containsKey(tag) || isCompactedAway(tag) || tags(element).contains(tag)) {
      return this;
    }
    NavigableMap<E, NavigableSet<Tag>> nextLive = new TreeMap<>(live);
    NavigableSet<Tag> tags = new TreeSet<>(tags(element));
    tags.add(tag);
    nextLive.put(element, Collections.unmodifiableNavigableSet(tags));
    return new OrSet<>(Collections.unmodifiableNavigableMap(nextLive), tombstones, watermark);
  }

  /**
   * Applies a remove of the given tags of {@code element}, made at {@code removedAt}. Tags not
   * (yet) seen are remembered, so their add is dead when it arrives. A remove at or before the
   * watermark is a late duplicate and changes nothing. Idempotent.
   */
  public OrSet<E> remove(E element, Set<Tag> observed, HybridTimestamp removedAt) {
    Objects.requireNonNull(element, "element");
    Objects.requireNonNull(removedAt, "removedAt");
    NavigableMap<Tag, HybridTimestamp> nextTombs = null;
    for (Tag tag : observed) {
      HybridTimestamp prior = tombstones.get(tag);
      // Whether to remember the tag depends on the remove, not on the tag: a remove at or before
      // the watermark is a late duplicate of one every replica already applied and forgot, but a
      // newer remove of an old tag must leave the same tombstone whether it arrives before or
      // after this replica compacted, or replicas with the same ops end in different states.
      if ((prior == null && !isAtOrBeforeWatermark(removedAt))
          || (prior != null && removedAt.isAfter(prior))) {
        if (nextTombs == null) {
          nextTombs = new TreeMap<>(tombstones);
        }
        // Keep the latest remove time of a tag, so compaction waits for every remove of it.
        nextTombs.put(tag, prior == null ? removedAt : HybridTimestamp.max(prior, removedAt));
      }
    }
    NavigableSet<Tag> current = tags(element);
    NavigableSet<Tag> remaining = new TreeSet<>(current);
    remaining.removeAll(observed);
    if (nextTombs == null && remaining.size() == current.size()) {
      return this;
    }
    NavigableMap<E, NavigableSet<Tag>> nextLive = live;
    if (remaining.size() != current.size()) {
      nextLive = new TreeMap<>(live);
      if (remaining.isEmpty()) {
        nextLive.remove(element);
      } else {
        nextLive.put(element, Collections.unmodifiableNavigableSet(remaining));
      }
      nextLive = Collections.unmodifiableNavigableMap(nextLive);
    }
    return new OrSet<>(
        nextLive,
        nextTombs == null ? tombstones : Collections.unmodifiableNavigableMap(nextTombs),
        watermark);
  }

  /**
   * Drops tombstones whose remove is at or before {@code stable}. Only correct when every replica
   * has acknowledged every op at or before {@code stable}; afterwards late duplicates of adds at or
   * before it are ignored.
   */
  public OrSet<E> compact(HybridTimestamp stable) {
    HybridTimestamp nextMark = watermark == null ? stable : HybridTimestamp.max(watermark, stable);
    NavigableMap<Tag, HybridTimestamp> kept = new TreeMap<>();
    tombstones.forEach(
        (tag, removedAt) -> {
          if (removedAt.isAfter(stable)) {
            kept.put(tag, removedAt);
          }
        });
    if (kept.size() == tombstones.size() && Objects.equals(nextMark, watermark)) {
      return this;
    }
    return new OrSet<>(live, Collections.unmodifiableNavigableMap(kept), nextMark);
  }

  /**
   * State-based merge: the union of what both replicas know. A tag is live if some replica has it
   * live, no replica removed it, and it was not compacted away by a replica whose watermark covers
   * it (that replica removed and forgot it). Commutative, associative and idempotent.
   */
  public OrSet<E> merge(OrSet<E> other) {
    if (other == this) {
      return this;
    }
    NavigableMap<Tag, HybridTimestamp> tombs = new TreeMap<>(tombstones);
    other.tombstones.forEach((tag, at) -> tombs.merge(tag, at, HybridTimestamp::max));
    HybridTimestamp mark = maxNullable(watermark, other.watermark);
    NavigableMap<E, NavigableSet<Tag>> merged = new TreeMap<>();
    collectLive(this, other, tombs, merged);
    collectLive(other, this, tombs, merged);
    // Tombstones the merged watermark already covers are no longer needed by either side.
    if (mark != null) {
      tombs.values().removeIf(at -> !at.isAfter(mark));
    }
    NavigableMap<E, NavigableSet<Tag>> frozen = new TreeMap<>();
    merged.forEach((e, tags) -> frozen.put(e, Collections.unmodifiableNavigableSet(tags)));
    return new OrSet<>(
        Collections.unmodifiableNavigableMap(frozen),
        Collections.unmodifiableNavigableMap(tombs),
        mark);
  }

  private static <E extends Comparable<E>> void collectLive(
      OrSet<E> from,
      OrSet<E> peer,
      NavigableMap<Tag, HybridTimestamp> tombs,
      NavigableMap<E, NavigableSet<Tag>> into) {
    from.live.forEach(
        (element, tags) -> {
          for (Tag tag : tags) {
            boolean forgottenByPeer =
                peer.isCompactedAway(tag) && !peer.tags(element).contains(tag);
            if (!tombs.containsKey(tag) && !forgottenByPeer) {
              into.computeIfAbsent(element, e -> new TreeSet<>()).add(tag);
            }
          }
        });
  }

  private boolean isCompactedAway(Tag tag) {
    return isAtOrBeforeWatermark(tag.timestamp());
  }

  private boolean isAtOrBeforeWatermark(HybridTimestamp ts) {
    return watermark != null && !ts.isAfter(watermark);
  }

  private static HybridTimestamp maxNullable(HybridTimestamp a, HybridTimestamp b) {
    if (a == null) {
      return b;
    }
    return b == null ? a : HybridTimestamp.max(a, b);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OrSet<?> other
        && live.equals(other.live)
        && tombstones.equals(other.tombstones)
        && Objects.equals(watermark, other.watermark);
  }

  @Override
  public int hashCode() {
    return Objects.hash(live, tombstones, watermark);
  }

  @Override
  public String toString() {
    return "OrSet" + live.keySet() + " (" + tombstones.size() + " tombstones)";
  }
}
