package dev.mediasync.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class LwwMapProperties {

  record Put(String key, LwwRegister<String> write) {}

  @Provide
  Arbitrary<List<Put>> puts() {
    return Combinators.combine(
            Arbitraries.of("movie-1", "movie-2", "ep-3", "volume"), CrdtArbitraries.registers())
        .as(Put::new)
        .list()
        .ofMaxSize(12);
  }

  private static LwwMap<String, String> apply(List<Put> puts) {
    LwwMap<String, String> map = LwwMap.empty();
    for (Put p : puts) {
      map = map.put(p.key(), p.write().value(), p.write().timestamp(), p.write().deviceId());
    }
    return map;
  }

  @Property(tries = 1000)
  void merge_anyTwo_isCommutative(@ForAll("puts") List<Put> a, @ForAll("puts") List<Put> b) {
    LwwMap<String, String> ma = apply(a);
    LwwMap<String, String> mb = apply(b);

    assertThat(ma.merge(mb)).isEqualTo(mb.merge(ma));
  }

  @Property(tries = 1000)
  void merge_anyThree_isAssociative(
      @ForAll("puts") List<Put> a, @ForAll("puts") List<Put> b, @ForAll("puts") List<Put> c) {
    LwwMap<String, String> ma = apply(a);
    LwwMap<String, String> mb = apply(b);
    LwwMap<String, String> mc = apply(c);

    assertThat(ma.merge(mb).merge(mc)).isEqualTo(ma.merge(mb.merge(mc)));
  }

  @Property(tries = 1000)
  void merge_withItselfOrACopy_isIdempotent(@ForAll("puts") List<Put> a) {
    LwwMap<String, String> ma = apply(a);

    assertThat(ma.merge(ma)).isEqualTo(ma);
    assertThat(ma.merge(LwwMap.restore(ma.entries()))).isEqualTo(ma);
    assertThat(ma.merge(LwwMap.empty())).isEqualTo(ma);
  }

  @Property(tries = 1000)
  void put_anyDeliveryOrder_equalsStateMergeOfParts(
      @ForAll("puts") List<Put> a, @ForAll("puts") List<Put> b, @ForAll Random random) {
    List<Put> all = new ArrayList<>(a);
    all.addAll(b);
    Collections.shuffle(all, random);

    assertThat(apply(all)).isEqualTo(apply(a).merge(apply(b)));
  }
}
