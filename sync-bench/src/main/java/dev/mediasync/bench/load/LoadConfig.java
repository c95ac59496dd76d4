package dev.mediasync.bench.load;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Command-line options of the load generator; see {@link LoadMain#USAGE}. */
public final class LoadConfig {
  public String scenario;
  public final List<URI> urls = new ArrayList<>();
  public byte[] secret;
  public int users = 1000;
  public int devices = 3;
  public int rate = 2000;
  public int durationSeconds = 30;
  public int warmupSeconds = 30;
  public int progressPct = 70;
  public int watchlistPct = 20;
  public int preferencePct = 10;
  public boolean viaRest;
  public Path out;
  public Integer serverPid;
  public int connections = 10_000;
  public int batch = 500;

  /** Connects per second on a fixed schedule (open loop); 0: in batches of {@link #batch}. */
  public int connectRate;

  /** Devices of extra users connected (the same way) and closed before the measured ones. */
  public int connectWarmup;

  public int holdSeconds = 10;
  public List<Integer> steps = new ArrayList<>();
  public int stepSeconds = 10;
  public double p99LimitMs = 10.0;
  public int drainSeconds = 5;
  public int clientThreads = 2;
  public boolean quiet;

  /** Parses {@code <scenario> --flag value ...}. */
  public static LoadConfig parse(String[] args) {
    if (args.length == 0 || args[0].startsWith("-")) {
      throw new IllegalArgumentException("first argument must be the scenario");
    }
    LoadConfig c = new LoadConfig();
    c.scenario = args[0];
    boolean usersGiven = false;
    for (int i = 1; i < args.length; i++) {
      String flag = args[i];
      if (flag.equals("--quiet")) {
        c.quiet = true;
        continue;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(flag + " needs a value");
      }
      String v = args[++i];
      switch (flag) {
        case "--url" -> c.urls.add(URI.create(v));
        case "--secret" -> c.secret = v.getBytes(StandardCharsets.UTF_8);
        case "--users" -> {
          c.users = positive(flag, v);
          usersGiven = true;
        }
        case "--devices" -> c.devices = positive(flag, v);
        case "--rate" -> c.rate = positive(flag, v);
        case "--duration" -> c.durationSeconds = positive(flag, v);
        case "--warmup" -> c.warmupSeconds = Integer.parseInt(v);
        case "--mix" -> c.mix(v);
        case "--via" -> {
          if (!v.equals("ws") && !v.equals("rest")) {
            throw new IllegalArgumentException("--via must be ws or rest");
          }
          c.viaRest = v.equals("rest");
        }
        case "--out" -> c.out = Path.of(v);
        case "--server-pid" -> c.serverPid = positive(flag, v);
        case "--connections" -> c.connections = positive(flag, v);
        case "--batch" -> c.batch = positive(flag, v);
        case "--connect-rate" -> c.connectRate = Integer.parseInt(v);
        case "--connect-warmup" -> c.connectWarmup = Integer.parseInt(v);
        case "--hold" -> c.holdSeconds = Integer.parseInt(v);
        case "--steps" -> {
          for (String s : v.split(",")) {
            c.steps.add(positive(flag, s.trim()));
          }
        }
        case "--step-duration" -> c.stepSeconds = positive(flag, v);
        case "--p99-limit-ms" -> c.p99LimitMs = Double.parseDouble(v);
        case "--drain" -> c.drainSeconds = Integer.parseInt(v);
        case "--client-threads" -> c.clientThreads = positive(flag, v);
        default -> throw new IllegalArgumentException("unknown option " + flag);
      }
    }
    if (c.urls.isEmpty()) {
      throw new IllegalArgumentException("--url is required");
    }
    if (c.secret == null || c.secret.length < 32) {
      throw new IllegalArgumentException("--secret is required (the server's SYNC_JWT_SECRET)");
    }
    switch (c.scenario) {
      case "latency", "throughput", "cross-node" -> {}
      case "connections" -> {
        if (!usersGiven) {
          c.users = (c.connections + c.devices - 1) / c.devices;
        }
      }
      default -> throw new IllegalArgumentException("unknown scenario " + c.scenario);
    }
    if (c.scenario.equals("cross-node") && c.urls.size() < 2) {
      throw new IllegalArgumentException("cross-node needs two --url (the same one twice works)");
    }
    if (c.steps.isEmpty()) {
      c.steps.addAll(List.of(2000, 4000, 8000, 16000, 32000, 64000));
    }
    if (c.out == null) {
      c.out = Path.of("bench-out", c.scenario);
    }
    return c;
  }

  private void mix(String v) {
    progressPct = 0;
    watchlistPct = 0;
    preferencePct = 0;
    for (String part : v.split(",")) {
      String[] kv = part.split("=");
      if (kv.length != 2) {
        throw new IllegalArgumentException("--mix wants progress=70,watchlist=20,preference=10");
      }
      int pct = Integer.parseInt(kv[1].trim());
      switch (kv[0].trim()) {
        case "progress" -> progressPct = pct;
        case "watchlist" -> watchlistPct = pct;
        case "preference" -> preferencePct = pct;
        default -> throw new IllegalArgumentException("unknown --mix kind " + kv[0]);
      }
    }
    if (progressPct + watchlistPct + preferencePct != 100) {
      throw new IllegalArgumentException("--mix must add up to 100");
    }
  }

  private static int positive(String flag, String v) {
    int n = Integer.parseInt(v);
    if (n <= 0) {
      throw new IllegalArgumentException(flag + " must be positive");
    }
    return n;
  }

  public boolean crossNode() {
    return scenario.equals("cross-node");
  }

  /** The server a device connects to: device k of a user goes to url[k % urls]. */
  public URI urlFor(int deviceIndex) {
    if (crossNode()) {
      return deviceIndex == 0 ? urls.get(0) : urls.get(1);
    }
    return urls.get(deviceIndex % urls.size());
  }
}
