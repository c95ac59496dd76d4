package dev.mediasync.bench.jmh;

import dev.mediasync.core.HybridTimestamp;
import dev.mediasync.core.OrSet;
import dev.mediasync.core.Tag;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of OR-Set add, remove and state merge at different sizes. The set is immutable, so add and
 * remove copy the element map: expect O(n).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class OrSetBenchmark {

  private static final long T0 = 1_700_000_000_000L;

  @Param({"10", "1000", "100000"})
  public int size;

  private OrSet<String> set;
  private OrSet<String> otherReplica;
  private String presentElement;
  private Set<Tag> presentTags;
  private Tag newTag;
  private HybridTimestamp removeAt;

  @Setup
  public void setUp() {
    // Built with restore(): building 100,000 elements with add() would be quadratic.
    Map<String, Set<Tag>> live = new HashMap<>();
    Map<String, Set<Tag>> otherLive = new HashMap<>();
    Map<Tag, HybridTimestamp> otherTombs = new HashMap<>();
    for (int i = 0; i < size; i++) {
      String element = element(i);
      Tag tag = new Tag(HybridTimestamp.of(T0 + i, 0), "phone");
      live.put(element, Set.of(tag));
      // The other replica saw the same adds, removed every tenth element and added its own.
      if (i % 10 == 0) {
        otherTombs.put(tag, HybridTimestamp.of(T0 + size + i, 0));
      } else {
        otherLive.put(element, Set.of(tag));
      }
      if (i % 7 == 0) {
        otherLive
            .computeIfAbsent(element(size + i), e -> new java.util.HashSet<>())
            .add(new Tag(HybridTimestamp.of(T0 + i, 1), "tv"));
      }
    }
    set = OrSet.restore(live, Map.of(), null);
    otherReplica = OrSet.restore(otherLive, otherTombs, null);
    presentElement = element(size / 2);
    presentTags = set.tags(presentElement);
    newTag = new Tag(HybridTimestamp.of(T0 + 10L * size, 0), "tablet");
    removeAt = HybridTimestamp.of(T0 + 10L * size, 1);
  }

  private static String element(int i) {
    return "content-" + i;
  }

  @Benchmark
  public OrSet<String> add_newElement() {
    return set.add("new-content", newTag);
  }

  @Benchmark
  public OrSet<String> remove_presentElement() {
    return set.remove(presentElement, presentTags, removeAt);
  }

  @Benchmark
  public OrSet<String> merge_divergedReplicas() {
    return set.merge(otherReplica);
  }
}
