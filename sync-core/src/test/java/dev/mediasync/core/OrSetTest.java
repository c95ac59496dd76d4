package dev.mediasync.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class OrSetTest {

  private static final long T0 = 1_700_000_000_000L;

  private static Tag tag(long ms, String device) {
    return new Tag(HybridTimestamp.of(T0 + ms, 0), device);
  }

  private static HybridTimestamp at(long ms) {
    return HybridTimestamp.of(T0 + ms, 0);
  }

  @Test
  void add_newTag_elementPresent() {
    OrSet<String> set = OrSet.<String>empty().add("movie", tag(1, "phone"));

    assertThat(set.contains("movie")).isTrue();
    assertThat(set.elements()).containsExactly("movie");
    assertThat(set.tags("movie")).containsExactly(tag(1, "phone"));
    assertThat(set.addedAt("movie")).isEqualTo(at(1));
    assertThat(set.size()).isEqualTo(1);
  }

  @Test
  void remove_concurrentWithAdd_addWins() {
    Tag first = tag(1, "phone");
    OrSet<String> base = OrSet.<String>empty().add("movie", first);
    // The TV removes what it has seen (only the first add); the phone concurrently re-adds.
    OrSet<String> tv = base.remove("movie", base.tags("movie"), at(5));
    OrSet<String> phone = base.add("movie", tag(4, "phone"));

    OrSet<String> opBasedTv = tv.add("movie", tag(4, "phone"));
    OrSet<String> opBasedPhone = phone.remove("movie", Set.of(first), at(5));

    assertThat(opBasedTv.contains("movie")).isTrue();
    assertThat(opBasedPhone.contains("movie")).isTrue();
    assertThat(opBasedTv).isEqualTo(opBasedPhone);
    assertThat(tv.merge(phone)).isEqualTo(opBasedTv);
    assertThat(tv.merge(phone).tags("movie")).containsExactly(tag(4, "phone"));
  }

  @Test
  void remove_onlyObservedTags_keepsOtherTags() {
    OrSet<String> set =
        OrSet.<String>empty().add("movie", tag(1, "phone")).add("movie", tag(2, "tv"));

    OrSet<String> after = set.remove("movie", Set.of(tag(1, "phone")), at(3));

    assertThat(after.contains("movie")).isTrue();
    assertThat(after.tags("movie")).containsExactly(tag(2, "tv"));
    assertThat(after.tombstones()).containsOnlyKeys(tag(1, "phone"));
  }

  @Test
  void remove_allObservedTags_elementAbsent() {
    OrSet<String> set =
        OrSet.<String>empty().add("movie", tag(1, "phone")).add("movie", tag(2, "tv"));

    OrSet<String> after = set.remove("movie", set.tags("movie"), at(3));

    assertThat(after.contains("movie")).isFalse();
    assertThat(after.tags("movie")).isEmpty();
    assertThat(after.addedAt("movie")).isNull();
    assertThat(after.tombstoneCount()).isEqualTo(2);
  }

  @Test
  void remove_beforeItsAddArrives_addIsDeadOnArrival() {
    Tag t = tag(1, "phone");

    OrSet<String> set = OrSet.<String>empty().remove("movie", Set.of(t), at(2));
    OrSet<String> afterAdd = set.add("movie", t);

    assertThat(set.tombstoneCount()).isEqualTo(1);
    assertThat(afterAdd.contains("movie")).isFalse();
    assertThat(afterAdd).isSameAs(set);
  }

  @Test
  void remove_unseenTagOfOtherElement_doesNotTouchPresentElements() {
    OrSet<String> set = OrSet.<String>empty().add("a", tag(1, "phone"));

    OrSet<String> after = set.remove("a", Set.of(tag(2, "tv")), at(3));

    assertThat(after.contains("a")).isTrue();
    assertThat(after.tombstoneCount()).isEqualTo(1);
  }

  @Test
  void add_duplicateTag_isIdempotent() {
    OrSet<String> once = OrSet.<String>empty().add("movie", tag(1, "phone"));

    OrSet<String> twice = once.add("movie", tag(1, "phone"));

    assertThat(twice).isSameAs(once);
    assertThat(twice.tags("movie")).hasSize(1);
  }

  @Test
  void remove_duplicate_isIdempotent() {
    OrSet<String> set = OrSet.<String>empty().add("movie", tag(1, "phone"));
    OrSet<String> once = set.remove("movie", Set.of(tag(1, "phone")), at(2));

    OrSet<String> twice = once.remove("movie", Set.of(tag(1, "phone")), at(2));

    assertThat(twice).isSameAs(once);
    assertThat(once.remove("movie", Set.of(tag(1, "phone")), at(1))).isSameAs(once);
  }

  @Test
  void remove_sameTagTwiceLater_keepsLatestRemoveTime() {
    OrSet<String> set = OrSet.<String>empty().remove("movie", Set.of(tag(1, "phone")), at(2));

    OrSet<String> after = set.remove("movie", Set.of(tag(1, "phone")), at(7));

    assertThat(after.tombstones()).containsEntry(tag(1, "phone"), at(7));
  }

  @Test
  void compact_stablePoint_dropsCoveredTombstonesAndSetsWatermark() {
    OrSet<String> set =
        OrSet.<String>empty()
            .add("a", tag(1, "phone"))
            .add("b", tag(2, "phone"))
            .add("c", tag(3, "phone"))
            .remove("a", Set.of(tag(1, "phone")), at(4))
            .remove("b", Set.of(tag(2, "phone")), at(8));
    assertThat(set.tombstoneCount()).isEqualTo(2);

    OrSet<String> compacted = set.compact(at(5));

    assertThat(compacted.tombstoneCount()).isEqualTo(1);
    assertThat(compacted.tombstones()).containsOnlyKeys(tag(2, "phone"));
    assertThat(compacted.watermark()).isEqualTo(at(5));
    assertThat(compacted.elements()).containsExactly("c");
  }

  @Test
  void compact_removeExactlyAtStable_isDropped() {
    OrSet<String> set =
        OrSet.<String>empty().add("a", tag(1, "phone")).remove("a", Set.of(tag(1, "phone")), at(4));

    assertThat(set.compact(at(4)).tombstoneCount()).isZero();
    assertThat(set.compact(at(3)).tombstoneCount()).isEqualTo(1);
  }

  @Test
  void add_lateDuplicateBelowWatermark_isIgnored() {
    OrSet<String> compacted =
        OrSet.<String>empty()
            .add("a", tag(1, "phone"))
            .remove("a", Set.of(tag(1, "phone")), at(4))
            .compact(at(5));
    assertThat(compacted.tombstoneCount()).isZero();

    OrSet<String> afterDuplicate = compacted.add("a", tag(1, "phone"));

    assertThat(afterDuplicate.contains("a")).isFalse();
    assertThat(afterDuplicate).isSameAs(compacted);
    // A new add after the watermark is accepted.
    assertThat(compacted.add("a", tag(6, "tv")).contains("a")).isTrue();
  }

  @Test
  void remove_lateDuplicateBelowWatermark_isIgnored() {
    OrSet<String> compacted =
        OrSet.<String>empty()
            .add("a", tag(1, "phone"))
            .remove("a", Set.of(tag(1, "phone")), at(4))
            .compact(at(5));

    assertThat(compacted.remove("a", Set.of(tag(1, "phone")), at(4))).isSameAs(compacted);
  }

  @Test
  void remove_newerThanWatermarkOfOldTag_sameStateWhetherCompactedBeforeOrAfter() {
    // Found by OrSetProperties: tag t1 is stable at S, then removed at r > S. The replica that
    // compacted at S before the remove arrived used to drop the tombstone, the one that compacted
    // after kept it: same ops, same stable point, unequal states.
    Tag t1 = tag(1, "phone");
    HybridTimestamp stable = at(1);
    OrSet<String> base = OrSet.<String>empty().add("a", t1);

    OrSet<String> compactedFirst = base.compact(stable).remove("a", Set.of(t1), at(3));
    OrSet<String> removedFirst = base.remove("a", Set.of(t1), at(3)).compact(stable);

    assertThat(compactedFirst.contains("a")).isFalse();
    assertThat(compactedFirst).isEqualTo(removedFirst);
    assertThat(compactedFirst.tombstones()).containsEntry(t1, at(3));
    assertThat(compactedFirst.compact(at(3)).tombstoneCount()).isZero();
  }

  @Test
  void compact_lowerStableThanWatermark_keepsWatermark() {
    OrSet<String> compacted = OrSet.<String>empty().add("a", tag(1, "phone")).compact(at(5));

    assertThat(compacted.compact(at(3)).watermark()).isEqualTo(at(5));
    assertThat(compacted.compact(at(5))).isSameAs(compacted);
  }

  @Test
  void merge_compactedAndUncompactedReplica_removedElementStaysRemoved() {
    OrSet<String> base = OrSet.<String>empty().add("a", tag(1, "phone"));
    OrSet<String> removed = base.remove("a", Set.of(tag(1, "phone")), at(2));
    OrSet<String> compacted = removed.compact(at(2));
    OrSet<String> stale = removed.add("b", tag(3, "tv"));

    assertThat(compacted.merge(stale)).isEqualTo(stale.merge(compacted));
    assertThat(compacted.merge(stale).elements()).containsExactly("b");
    assertThat(compacted.merge(stale).tombstoneCount()).isZero();
  }

  @Test
  void restore_storedParts_equalsOriginal() {
    OrSet<String> set =
        OrSet.<String>empty()
            .add("a", tag(1, "phone"))
            .add("b", tag(2, "tv"))
            .remove("b", Set.of(tag(2, "tv")), at(3))
            .compact(at(1));

    OrSet<String> restored = OrSet.restore(set.liveTags(), set.tombstones(), set.watermark());

    assertThat(restored).isEqualTo(set).hasSameHashCodeAs(set);
  }
}
