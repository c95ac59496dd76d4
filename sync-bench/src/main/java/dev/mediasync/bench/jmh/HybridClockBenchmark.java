package dev.mediasync.bench.jmh;

import dev.mediasync.core.HybridClock;
import dev.mediasync.core.HybridTimestamp;
import dev.mediasync.core.PhysicalClock;
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

/** Cost of reading the hybrid logical clock. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class HybridClockBenchmark {

  private HybridClock systemClock;
  private HybridClock stalledClock;
  private HybridTimestamp remote;

  @Setup
  public void setUp() {
    systemClock = new HybridClock(PhysicalClock.system());
    long fixed = System.currentTimeMillis();
    // A wall clock that never moves: every reading takes the counter path (and borrows ms).
    stalledClock = new HybridClock(() -> fixed, Long.MAX_VALUE / 4);
    remote = HybridTimestamp.of(fixed, 5);
  }

  @Benchmark
  public HybridTimestamp now_systemClock() {
    return systemClock.now();
  }

  @Benchmark
  public HybridTimestamp now_stalledClock() {
    return stalledClock.now();
  }

  @Benchmark
  public HybridTimestamp observe_systemClock() {
    return systemClock.observe(remote);
  }
}
