package dev.mediasync.bench.load;

import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * {@code java -jar sync-bench/target/sync-bench.jar <scenario> --url ... --secret ...}: the load
 * generator for the sync service (issue #7). See {@link #USAGE} and {@code docs/performance.md}.
 */
public final class LoadMain {
  static final String USAGE =
      """
      usage: java -jar sync-bench/target/sync-bench.jar <scenario> --url http://127.0.0.1:8083
               [--url ...] --secret <SYNC_JWT_SECRET> [options]

      scenarios:
        latency      U users x D devices on WebSocket, open-loop writes at --rate for --duration
                     after --warmup; sync latency (scheduled send -> each other device receives)
        throughput   like latency, stepping the rate (--steps) until p99 > --p99-limit-ms, errors,
                     lost deliveries or achieved < 95% of target; reports the highest rate held
        connections  ramps to --connections idle devices in --batch steps, holds --hold s;
                     connect latency and server memory per connection (with --server-pid)
                     (every scenario connects this way; --connect-rate N instead starts N
                     connects per second on a fixed schedule, latency from the scheduled time)
        cross-node   latency with device 0 of each user (the writer) on url 1, the others on url 2

      options (defaults):
        --users 1000 --devices 3 --rate 2000 --duration 30 --warmup 30 (the server's JIT
                     compiler is still busy in the first ~40 s: it is not measured)
        --mix progress=70,watchlist=20,preference=10   --via ws|rest (ws)
        --out bench-out/<scenario>   --server-pid <pid> (RSS/CPU/heap/GC of the server)
        --connections 10000 --batch 500 --connect-rate 0 (0: batches) --hold 10
        --connect-warmup 0 (devices of extra users connected and closed first, not counted)
        --steps 2000,4000,8000,16000,32000,64000 --step-duration 10 --p99-limit-ms 10
        --drain 5 (s to wait for in-flight deliveries)  --client-threads 2  --quiet

      exit status: 0 clean run, 1 errors/disconnects/lost deliveries, 2 bad usage
      """;

  private LoadMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help")) {
      System.out.print(USAGE);
      System.exit(args.length == 0 ? 2 : 0);
    }
    LoadConfig cfg;
    try {
      cfg = LoadConfig.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.err.print(USAGE);
      System.exit(2);
      return;
    }
    Outcome o = run(cfg);
    System.out.println();
    System.out.println(Report.markdown(o.result()));
    System.out.println(
        "wrote " + o.out().toAbsolutePath() + "/{result.json,summary.md,latency.svg}");
    System.exit(o.errors() == 0 ? 0 : 1);
  }

  /** What a run produced: the result document, the error total, where the files went. */
  public record Outcome(Map<String, Object> result, long errors, Path out) {}

  public static Outcome run(LoadConfig cfg) throws Exception {
    ServerProbe probe = cfg.serverPid == null ? null : new ServerProbe(cfg.serverPid);
    ServerHistograms serverHistograms = new ServerHistograms(cfg.urls);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("scenario", cfg.scenario);
    result.put("tool", "sync-bench LoadMain");
    result.put("date", OffsetDateTime.now(ZoneOffset.UTC).withNano(0).toString());
    Map<String, Object> config = configMap(cfg);
    result.put("config", config);
    result.put("loadavg_at_start", loadavg());
    List<Map<String, Object>> phases = new ArrayList<>();
    Map<String, Histogram> curves = new LinkedHashMap<>();
    Map<String, Object> server = new LinkedHashMap<>();
    long lost = 0;
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(daemon());
    try (LoadRunner runner = new LoadRunner(cfg)) {
      config.put("client_transport", runner.vertx.isNativeTransportEnabled() ? "epoll" : "nio");
      Progress progress = new Progress(runner, cfg.quiet);
      ticker.scheduleAtFixedRate(progress, 1, 1, TimeUnit.SECONDS);

      if (cfg.connectWarmup > 0) {
        log(cfg, "warming up: %,d connects of extra users, not counted", cfg.connectWarmup);
        runner.warmUpConnects();
      }
      ServerProbe.Snapshot baseline = probe == null ? null : probe.take(true);
      int target = cfg.scenario.equals("connections") ? cfg.connections : cfg.users * cfg.devices;
      log(
          cfg,
          "connecting %,d devices (%,d users x %d) to %s",
          target,
          cfg.users,
          cfg.devices,
          cfg.urls);
      progress.phase = "connect";
      long t0 = System.nanoTime();
      runner.connectAll(target);
      double connectSeconds = (System.nanoTime() - t0) / 1e9;
      Map<String, Object> conn = new LinkedHashMap<>();
      conn.put("attempted", target);
      conn.put("connected", runner.connected.get());
      boolean paced = cfg.connectRate > 0;
      conn.put(
          "mode",
          paced
              ? "paced, " + cfg.connectRate + " connects/s"
              : "batches of " + cfg.batch + " at once");
      conn.put("latency_from", paced ? "scheduled start" : "TCP connect start");
      conn.put("ramp_seconds", Report.round(connectSeconds));
      conn.put("connect_latency_us", Report.percentiles(runner.connectLatency));
      result.put("connections", conn);
      curves.put("connect", runner.connectLatency);

      if (cfg.scenario.equals("connections")) {
        progress.phase = "hold";
        log(cfg, "holding %,d idle connections for %d s", runner.connected.get(), cfg.holdSeconds);
        ServerProbe.sleep(cfg.holdSeconds * 1000L);
      }
      if (probe != null) {
        ServerProbe.Snapshot idle = probe.take(true);
        int n = Math.max(1, runner.connected.get());
        server.put("pid", cfg.serverPid);
        server.put("baseline_after_gc", baseline.toMap());
        server.put("idle_after_gc_with_connections", idle.toMap());
        server.put("rss_bytes_per_idle_connection", (idle.rssBytes() - baseline.rssBytes()) / n);
        server.put(
            "heap_bytes_per_idle_connection",
            (idle.heapUsedBytes() - baseline.heapUsedBytes()) / n);
      }

      if (!cfg.scenario.equals("connections")) {
        int firstRate = cfg.scenario.equals("throughput") ? cfg.steps.get(0) : cfg.rate;
        if (cfg.warmupSeconds > 0) {
          Metrics warm = new Metrics("warmup", firstRate);
          progress.phase = "warmup";
          log(cfg, "warm-up: %d writes/s for %d s", firstRate, cfg.warmupSeconds);
          runner.runPhase(warm, firstRate, cfg.warmupSeconds);
          runner.drain(warm);
        }
        List<Integer> rates = cfg.scenario.equals("throughput") ? cfg.steps : List.of(cfg.rate);
        int seconds = cfg.scenario.equals("throughput") ? cfg.stepSeconds : cfg.durationSeconds;
        Integer held = null;
        Metrics headline = null;
        ServerProbe.Snapshot before = null;
        ServerProbe.Snapshot after = null;
        long writes = 0;
        for (int rate : rates) {
          Metrics m =
              new Metrics(cfg.scenario.equals("throughput") ? "rate-" + rate : "measure", rate);
          long errorsBefore = runner.totalErrors();
          progress.phase = m.name;
          log(cfg, "measuring: %d writes/s for %d s", rate, seconds);
          ServerProbe.Snapshot b = probe == null ? null : probe.take(false);
          long clientWait0 = ServerProbe.runQueueWaitMillis("self");
          ServerHistograms.Snapshot serverBefore = serverHistograms.scrape();
          try (HostProbe hostProbe = HostProbe.start(cfg.out)) {
            runner.runPhase(m, rate, seconds);
            runner.drain(m);
            m.host = hostProbe.toMap();
          }
          ServerHistograms.Snapshot serverAfter = serverHistograms.scrape();
          if (serverBefore != null && serverAfter != null) {
            m.serverHistograms = ServerHistograms.between(serverBefore, serverAfter);
          }
          long clientWait1 = ServerProbe.runQueueWaitMillis("self");
          ServerProbe.Snapshot a = probe == null ? null : probe.take(false);
          if (before == null) {
            before = b;
          }
          after = a;
          writes += m.writes.sum();
          Map<String, Object> pm = Report.phase(m);
          if (a != null) {
            pm.put(
                "server_cpu_ms_per_op",
                Report.round(
                    (double) (a.cpuMillis() - b.cpuMillis()) / Math.max(1, m.writes.sum())));
            pm.put(
                "server_cpu_utilisation",
                Report.round(
                    (a.cpuMillis() - b.cpuMillis()) / ((a.nanoTime() - b.nanoTime()) / 1e6)));
          }
          pm.put("client_runqueue_wait_ms", clientWait1 - clientWait0);
          if (a != null) {
            pm.put("server_runqueue_wait_ms", a.runQueueWaitMillis() - b.runQueueWaitMillis());
          }
          phases.add(pm);
          curves.put("sync " + m.name, m.sync);
          lost += m.lostDeliveries() + m.missingAcks();
          long stepErrors = runner.totalErrors() - errorsBefore;
          double p99Ms = m.sync.getValueAtPercentile(99) / 1000.0;
          boolean ok =
              stepErrors == 0
                  && m.lostDeliveries() == 0
                  && m.missingAcks() == 0
                  && m.achievedRate() >= 0.95 * rate
                  && (!cfg.scenario.equals("throughput") || p99Ms <= cfg.p99LimitMs);
          pm.put("held", ok);
          if (headline == null || ok) {
            headline = m;
          }
          if (cfg.scenario.equals("throughput")) {
            log(
                cfg,
                "  step %d/s: p99 %.2f ms, achieved %.0f/s, errors %d, lost %d -> %s",
                rate,
                p99Ms,
                m.achievedRate(),
                stepErrors,
                m.lostDeliveries(),
                ok ? "held" : "did not hold");
            if (!ok) {
              // a failed step is reported but its shortfall is the finding, not a run error
              lost -= m.lostDeliveries() + m.missingAcks();
              break;
            }
            held = rate;
          }
        }
        if (!cfg.scenario.equals("throughput")) {
          curves.put("ack " + headline.name, headline.ack);
        }
        result.put("headline", Report.phase(headline));
        if (cfg.scenario.equals("throughput")) {
          result.put("max_sustained_rate", held == null ? 0 : held);
        }
        if (before != null) {
          server.put("cpu_ms_during_measurement", after.cpuMillis() - before.cpuMillis());
          server.put(
              "cpu_ms_per_op",
              Report.round(
                  (double) (after.cpuMillis() - before.cpuMillis()) / Math.max(1, writes)));
          server.put("gc_count_during_measurement", after.gcCount() - before.gcCount());
          server.put(
              "gc_seconds_during_measurement",
              Report.round(after.gcSeconds() - before.gcSeconds()));
          server.put("rss_bytes_after", after.rssBytes());
          server.put("heap_used_bytes_after", after.heapUsedBytes());
        }
      }
      result.put("phases", phases);
      if (!server.isEmpty()) {
        result.put("server", server);
      }
      progress.phase = null;
      Map<String, Object> errors = new LinkedHashMap<>();
      errors.put("error_frames", runner.errorFrames.sum());
      errors.put("write_failures", runner.writeFailures.sum());
      errors.put("connect_failures", runner.connectFailures.sum());
      errors.put("unexpected_disconnects", runner.disconnects.sum());
      errors.put("device_offline_events", runner.offlineEvents.sum());
      errors.put("misrouted_deliveries", runner.misrouted.sum());
      errors.put("unmatched_messages", runner.unmatched.sum());
      errors.put("lost_deliveries_or_acks", lost);
      long total = runner.totalErrors() + lost;
      errors.put("total", total);
      result.put("errors", errors);
      result.put("error_samples", new ArrayList<>(runner.errorSamples));
      Map<String, Object> client = new LinkedHashMap<>();
      client.put("received_messages", runner.receivedMessages.sum());
      client.put("received_payload_bytes", runner.receivedBytes.sum());
      result.put("client", client);
      result.put("loadavg_at_end", loadavg());
      Report.write(cfg.out, result, curves);
      return new Outcome(result, total, cfg.out);
    } finally {
      ticker.shutdownNow();
    }
  }

  private static Map<String, Object> configMap(LoadConfig c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("urls", c.urls.stream().map(Object::toString).toList());
    m.put("users", c.users);
    m.put("devices", c.devices);
    m.put("rate", c.rate);
    m.put("duration_s", c.durationSeconds);
    m.put("warmup_s", c.warmupSeconds);
    m.put(
        "mix",
        "progress="
            + c.progressPct
            + ",watchlist="
            + c.watchlistPct
            + ",preference="
            + c.preferencePct);
    m.put("via", c.viaRest ? "rest" : "ws");
    if (c.scenario.equals("throughput")) {
      m.put("steps", c.steps);
      m.put("step_duration_s", c.stepSeconds);
      m.put("p99_limit_ms", c.p99LimitMs);
    }
    if (c.scenario.equals("connections")) {
      m.put("connections", c.connections);
      m.put("hold_s", c.holdSeconds);
    }
    // Every scenario connects this way, so every report says how.
    m.put("batch", c.batch);
    m.put("connect_rate", c.connectRate);
    m.put("connect_warmup", c.connectWarmup);
    m.put("client_event_loops", c.clientThreads);
    m.put("available_processors", Runtime.getRuntime().availableProcessors());
    return m;
  }

  /** The machine's load average: other processes competing for the cores skew every figure. */
  static String loadavg() {
    try {
      return java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (java.io.IOException e) {
      return "n/a";
    }
  }

  static void log(LoadConfig cfg, String fmt, Object... args) {
    if (!cfg.quiet) {
      System.out.println(String.format(Locale.ROOT, fmt, args));
    }
  }

  private static java.util.concurrent.ThreadFactory daemon() {
    return r -> {
      Thread t = new Thread(r, "load-progress");
      t.setDaemon(true);
      return t;
    };
  }

  /** The once-a-second progress line. */
  static final class Progress implements Runnable {
    private final LoadRunner runner;
    private final boolean quiet;
    private final long start = System.nanoTime();
    volatile String phase;
    private Metrics last;
    private long lastWrites;
    private long lastDeliveries;

    Progress(LoadRunner runner, boolean quiet) {
      this.runner = runner;
      this.quiet = quiet;
    }

    @Override
    public void run() {
      try {
        tick();
      } catch (RuntimeException e) {
        System.err.println("progress: " + e);
      }
    }

    private void tick() {
      String p = phase;
      if (quiet || p == null) {
        return;
      }
      double elapsed = (System.nanoTime() - start) / 1e9;
      Metrics m = runner.current;
      if (p.equals("connect") || p.equals("hold") || m == null) {
        System.out.printf(
            Locale.ROOT,
            "[%6.1fs %-9s] connected %,d  disconnects %d  errors %d%n",
            elapsed,
            p,
            runner.connected.get(),
            runner.disconnects.sum(),
            runner.totalErrors());
        return;
      }
      if (m != last) {
        last = m;
        lastWrites = 0;
        lastDeliveries = 0;
      }
      long w = m.writes.sum();
      long d = m.deliveries.sum();
      Histogram iv = m.syncInterval.getIntervalHistogram();
      System.out.printf(
          Locale.ROOT,
          "[%6.1fs %-9s] rate %,6d/s  delivered %,7d/s  p99 sync %7.2f ms  in-flight %,d"
              + "  errors %d%n",
          elapsed,
          p,
          w - lastWrites,
          d - lastDeliveries,
          iv.getValueAtPercentile(99) / 1000.0,
          m.outstanding.get(),
          runner.totalErrors());
      lastWrites = w;
      lastDeliveries = d;
    }
  }
}
