package dev.mediasync.bench.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Figures of the server process read from outside: RSS and CPU time from {@code /proc}, heap and GC
 * counters from {@code jstat -gc}, a full GC by {@code jcmd <pid> GC.run}. Linux and a JDK on the
 * path; a figure that cannot be read is -1.
 */
final class ServerProbe {
  private final int pid;
  private final long ticksPerSecond;

  ServerProbe(int pid) {
    this.pid = pid;
    this.ticksPerSecond = clockTicks();
  }

  /** One reading; {@code gcFirst} runs a full GC first (for idle-memory figures). */
  record Snapshot(
      long nanoTime,
      long rssBytes,
      long cpuMillis,
      long heapUsedBytes,
      long heapCommittedBytes,
      long gcCount,
      double gcSeconds,
      int threads,
      long runQueueWaitMillis) {
    Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("rss_bytes", rssBytes);
      m.put("cpu_ms_total", cpuMillis);
      m.put("heap_used_bytes", heapUsedBytes);
      m.put("heap_committed_bytes", heapCommittedBytes);
      m.put("gc_count_total", gcCount);
      m.put("gc_seconds_total", gcSeconds);
      m.put("threads", threads);
      m.put("runqueue_wait_ms_total", runQueueWaitMillis);
      return m;
    }
  }

  Snapshot take(boolean gcFirst) {
    if (gcFirst) {
      run("jcmd", String.valueOf(pid), "GC.run");
      sleep(300);
    }
    long rss = -1;
    int threads = -1;
    try {
      for (String line : Files.readAllLines(Path.of("/proc", "" + pid, "status"))) {
        if (line.startsWith("VmRSS:")) {
          rss = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        } else if (line.startsWith("Threads:")) {
          threads = Integer.parseInt(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      // stays -1
    }
    long cpu = -1;
    try {
      String stat = Files.readString(Path.of("/proc", "" + pid, "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // after "pid (comm) ", field 0 is state (field 3 of the man page): utime is 14, stime 15
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
      cpu = ticks * 1000 / ticksPerSecond;
    } catch (IOException | RuntimeException e) {
      // stays -1
    }
    long used = -1;
    long committed = -1;
    long gcCount = -1;
    double gcSeconds = -1;
    String jstat = run("jstat", "-gc", String.valueOf(pid));
    if (jstat != null) {
      String[] lines = jstat.trim().split("\n");
      if (lines.length >= 2) {
        String[] head = lines[0].trim().split("\\s+");
        String[] vals = lines[lines.length - 1].trim().split("\\s+");
        Map<String, Double> v = new HashMap<>();
        for (int i = 0; i < Math.min(head.length, vals.length); i++) {
          try {
            v.put(head[i], Double.parseDouble(vals[i]));
          } catch (NumberFormatException e) {
            // "-" for absent collectors
          }
        }
        double usedKb = 0;
        double committedKb = 0;
        for (String c : List.of("S0U", "S1U", "EU", "OU")) {
          usedKb += v.getOrDefault(c, 0.0);
        }
        for (String c : List.of("S0C", "S1C", "EC", "OC")) {
          committedKb += v.getOrDefault(c, 0.0);
        }
        used = (long) (usedKb * 1024);
        committed = (long) (committedKb * 1024);
        gcCount =
            (long)
                (v.getOrDefault("YGC", 0.0)
                    + v.getOrDefault("FGC", 0.0)
                    + v.getOrDefault("CGC", 0.0));
        gcSeconds = v.getOrDefault("GCT", -1.0);
      }
    }
    return new Snapshot(
        System.nanoTime(),
        rss,
        cpu,
        used,
        committed,
        gcCount,
        gcSeconds,
        threads,
        runQueueWaitMillis(String.valueOf(pid)));
  }

  /**
   * Time the process's threads spent runnable but waiting for a core ({@code
   * /proc/<pid>/task/<tid>/schedstat}, second field), summed, in ms: other processes on the machine
   * show up here. -1 if unreadable.
   */
  static long runQueueWaitMillis(String pid) {
    try (var tasks = Files.list(Path.of("/proc", pid, "task"))) {
      long nanos = 0;
      for (Path t : tasks.toList()) {
        try {
          String[] f = Files.readString(t.resolve("schedstat")).trim().split(" ");
          nanos += Long.parseLong(f[1]);
        } catch (IOException | RuntimeException e) {
          // a thread that ended meanwhile
        }
      }
      return nanos / 1_000_000;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static long clockTicks() {
    String s = run("getconf", "CLK_TCK");
    try {
      return s == null ? 100 : Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      return 100;
    }
  }

  static String run(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        return null;
      }
      return new String(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
