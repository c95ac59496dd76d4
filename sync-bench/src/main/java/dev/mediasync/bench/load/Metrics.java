package dev.mediasync.bench.load;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What one phase of a run measured (warm-up, the measured window, one throughput step). Every write
 * carries the phase it was scheduled in, so late deliveries land in the right phase. Latencies are
 * in microseconds, measured from the write's scheduled time.
 */
final class Metrics {
  final String name;
  final int targetRate;
  final ConcurrentHistogram sync = new ConcurrentHistogram(3);

  /** Sync latency from the actual send, not the schedule: shows the sender's own lag. */
  final ConcurrentHistogram syncFromSend = new ConcurrentHistogram(3);

  final ConcurrentHistogram ack = new ConcurrentHistogram(3);
  final Recorder syncInterval = new Recorder(3);
  final LongAdder writes = new LongAdder();
  final LongAdder acks = new LongAdder();
  final LongAdder notApplied = new LongAdder();
  final LongAdder expectedDeliveries = new LongAdder();
  final LongAdder deliveries = new LongAdder();
  final AtomicLong outstanding = new AtomicLong();
  final Map<String, ByteStats> bytes = new ConcurrentHashMap<>();
  volatile long startNanos;
  volatile long endNanos;
  volatile long drainedNanos;

  /** {@link HostProbe#toMap()} taken over the phase, or null if no probe ran (warm-up). */
  volatile Map<String, Object> host;

  /** {@link ServerHistograms#between} over the phase, or null if the service's were not read. */
  volatile Map<String, Object> serverHistograms;

  Metrics(String name, int targetRate) {
    this.name = name;
    this.targetRate = targetRate;
  }

  void recordBytes(String type, int n) {
    bytes.computeIfAbsent(type, t -> new ByteStats()).record(n);
  }

  double seconds() {
    return (endNanos - startNanos) / 1e9;
  }

  double achievedRate() {
    return writes.sum() / seconds();
  }

  long lostDeliveries() {
    return expectedDeliveries.sum() - deliveries.sum();
  }

  long missingAcks() {
    return writes.sum() - acks.sum();
  }

  /** Deliveries per second over the window from start to the last delivery. */
  double deliveredPerSecond() {
    long end = drainedNanos > 0 ? drainedNanos : endNanos;
    return deliveries.sum() / ((end - startNanos) / 1e9);
  }

  Map<String, ByteStats> bytesSorted() {
    return new TreeMap<>(bytes);
  }

  /** Min/avg/max of message sizes (WebSocket payload bytes) of one type. */
  static final class ByteStats {
    long min = Long.MAX_VALUE;
    long max;
    long sum;
    long count;

    synchronized void record(long n) {
      min = Math.min(min, n);
      max = Math.max(max, n);
      sum += n;
      count++;
    }

    synchronized double avg() {
      return count == 0 ? 0 : (double) sum / count;
    }
  }

  static Histogram copyOf(Histogram h) {
    return h.copy();
  }
}
