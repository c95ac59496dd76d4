package dev.mediasync.bench.jmh;

import dev.mediasync.core.HybridTimestamp;
import dev.mediasync.core.LwwRegister;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Cost of merging two last-writer-wins registers (watch progress). */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class LwwRegisterBenchmark {

  private LwwRegister<Integer> older;
  private LwwRegister<Integer> newer;
  private LwwRegister<Integer> tieLow;
  private LwwRegister<Integer> tieHigh;

  @Setup
  public void setUp() {
    long t0 = 1_700_000_000_000L;
    older = LwwRegister.of(120, HybridTimestamp.of(t0, 0), "phone");
    newer = LwwRegister.of(300, HybridTimestamp.of(t0 + 10, 0), "tv");
    tieLow = LwwRegister.of(120, HybridTimestamp.of(t0, 3), "phone");
    tieHigh = LwwRegister.of(300, HybridTimestamp.of(t0, 3), "tv");
  }

  @Benchmark
  public LwwRegister<Integer> merge_differentTimestamps() {
    return older.merge(newer);
  }

  @Benchmark
  public LwwRegister<Integer> merge_equalTimestampsDeviceTieBreak() {
    return tieLow.merge(tieHigh);
  }
}
