package dev.mediasync.bench.load;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * How noisy the machine is while a phase runs, so a result says whether its tail came from the
 * service or from the host. On a VM the same build measured p99 4.4 ms in one hour and 10-99 ms in
 * the next, and the peer slowed down as much (docs/performance.md, "Round 3").
 *
 * <ul>
 *   <li><b>Timer overshoot</b>: a thread parks for 1 ms, again and again, and records how much
 *       later than asked it woke. On an idle core that is tens of microseconds; milliseconds mean
 *       the (virtual) CPU was taken away. It runs in the load generator's process, so it sees the
 *       load generator's cores, not the server's.
 *   <li><b>fdatasync</b>: every 100 ms, one 4 KiB write to a file in the output folder, then {@link
 *       FileChannel#force force(false)}: the disk's durable-write latency, which the server's
 *       commits wait for.
 * </ul>
 */
final class HostProbe implements AutoCloseable {
  static final long TIMER_PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
  static final long DISK_PERIOD_MILLIS = 100;

  private final Histogram timerOvershootMicros = new Histogram(60_000_000L, 3);
  private final Histogram fdatasyncMicros = new Histogram(60_000_000L, 3);
  private final Path scratch;
  private final Thread timer;
  private final Thread disk;
  private volatile boolean running = true;

  private HostProbe(Path dir) throws IOException {
    Files.createDirectories(dir);
    scratch = Files.createTempFile(dir, "host-probe", ".bin");
    timer = daemon("host-probe-timer", this::timerLoop);
    disk = daemon("host-probe-disk", this::diskLoop);
  }

  /** Starts both probes; {@code dir} holds the disk probe's scratch file until {@link #close}. */
  static HostProbe start(Path dir) throws IOException {
    HostProbe p = new HostProbe(dir);
    p.timer.start();
    p.disk.start();
    return p;
  }

  private static Thread daemon(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    return t;
  }

  private void timerLoop() {
    while (running) {
      long before = System.nanoTime();
      LockSupport.parkNanos(TIMER_PERIOD_NANOS);
      long late = System.nanoTime() - before - TIMER_PERIOD_NANOS;
      synchronized (timerOvershootMicros) {
        timerOvershootMicros.recordValue(Math.max(0, late / 1000));
      }
    }
  }

  private void diskLoop() {
    ByteBuffer page = ByteBuffer.allocateDirect(4096);
    try (FileChannel ch = FileChannel.open(scratch, StandardOpenOption.WRITE)) {
      while (running) {
        page.clear();
        long before = System.nanoTime();
        ch.write(page, 0);
        ch.force(false);
        long took = System.nanoTime() - before;
        synchronized (fdatasyncMicros) {
          fdatasyncMicros.recordValue(took / 1000);
        }
        Thread.sleep(DISK_PERIOD_MILLIS);
      }
    } catch (IOException e) {
      // A read-only or full output folder: the timer probe still runs; the report shows 0 samples.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Percentiles so far (microseconds): {@code timer_overshoot_us} and {@code fdatasync_us}. */
  Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    synchronized (timerOvershootMicros) {
      m.put("timer_overshoot_us", Report.percentiles(timerOvershootMicros));
    }
    synchronized (fdatasyncMicros) {
      m.put("fdatasync_us", Report.percentiles(fdatasyncMicros));
    }
    return m;
  }

  @Override
  public void close() {
    running = false;
    disk.interrupt();
    try {
      timer.join(1_000);
      disk.join(1_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      Files.deleteIfExists(scratch);
    } catch (IOException ignored) {
      // A leftover 4 KiB scratch file in the output folder is harmless.
    }
  }
}
