package dev.mediasync.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mediasync.server.auth.TokenIssuer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.ConcurrentHistogram;

/**
 * Users x devices connected by WebSocket, an open-loop writer, and the bookkeeping that matches
 * every write to its ack and to its delivery on each other device of the user.
 *
 * <p>Each write embeds a unique number (the key): progress in {@code position_seconds}, a
 * preference in its {@code value}, a watchlist add in its content id {@code w<key>}; a watchlist
 * remove uses the negated key of the add it removes. The op id is {@code o<key>}.
 */
final class LoadRunner implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final long DURATION_SECONDS = 365L * 24 * 3600; // the protocol's maximum

  final LoadConfig cfg;
  final String runId;
  final Vertx vertx;
  final WebSocketClient wsClient;
  final HttpClient httpClient;
  final User[] users;
  final ConcurrentHashMap<Long, Pending> pending = new ConcurrentHashMap<>();
  final AtomicLong keys = new AtomicLong();
  final ConcurrentHistogram connectLatency = new ConcurrentHistogram(3);
  final AtomicInteger connected = new AtomicInteger();

  // Errors: all must stay 0 in a clean run.
  final LongAdder errorFrames = new LongAdder();
  final LongAdder writeFailures = new LongAdder();
  final LongAdder disconnects = new LongAdder();
  final LongAdder connectFailures = new LongAdder();
  final LongAdder misrouted = new LongAdder();
  final LongAdder unmatched = new LongAdder();
  final LongAdder offlineEvents = new LongAdder();
  final LongAdder receivedMessages = new LongAdder();
  final LongAdder receivedBytes = new LongAdder();
  final List<String> errorSamples = Collections.synchronizedList(new ArrayList<>());

  volatile Metrics current;
  volatile boolean closing;

  LoadRunner(LoadConfig cfg) {
    this.cfg = cfg;
    this.runId = Long.toString(System.currentTimeMillis() % 100_000_000L, 36);
    // Native epoll where available, as the server: less client CPU per message on a shared machine.
    this.vertx =
        Vertx.vertx(
            new VertxOptions()
                .setEventLoopPoolSize(cfg.clientThreads)
                .setPreferNativeTransport(true));
    this.wsClient =
        vertx.createWebSocketClient(
            new WebSocketClientOptions()
                .setMaxConnections(Integer.MAX_VALUE)
                .setTcpNoDelay(true)
                .setConnectTimeout(30_000));
    this.httpClient =
        vertx.createHttpClient(
            new HttpClientOptions().setTcpNoDelay(true).setKeepAlive(true),
            new PoolOptions().setHttp1MaxSize(256));
    TokenIssuer issuer = TokenIssuer.hs256(cfg.secret);
    users = new User[cfg.users];
    for (int u = 0; u < cfg.users; u++) {
      users[u] = new User(u, "bench-" + runId + "-u" + u, issuer);
    }
  }

  // ---- connecting ---------------------------------------------------------------------------

  /**
   * Connects and closes {@code --connect-warmup} devices of extra users the same way the measured
   * ones will connect, then forgets their figures: a fresh client JVM (and a fresh server) runs its
   * first connects in the interpreter, which says nothing about a running service.
   */
  void warmUpConnects() {
    if (cfg.connectWarmup <= 0) {
      return;
    }
    TokenIssuer issuer = TokenIssuer.hs256(cfg.secret);
    List<Device> warm = new ArrayList<>();
    for (int u = 0; warm.size() < cfg.connectWarmup; u++) {
      Collections.addAll(warm, new User(-1, "bench-" + runId + "-warm" + u, issuer).devices);
    }
    warm = warm.subList(0, cfg.connectWarmup);
    long failed = cfg.connectRate > 0 ? connectPaced(warm, cfg.connectRate) : connectBatches(warm);
    // All first, then close: a closed device's device_offline must not count on a sibling that
    // has not been retired yet.
    // And wait for the closes: the server's work for them (device_offline, presence, the log)
    // would otherwise land on the first measured connects.
    warm.forEach(d -> d.retired = true);
    awaitAll(warm.stream().map(Device::retire).toList());
    connectLatency.reset();
    connected.addAndGet(-(int) (warm.size() - failed)); // failed warm-up connects stay errors
  }

  /**
   * Connects every device, {@code batch} at a time, or with {@code --connect-rate} on a fixed
   * schedule; returns how many failed.
   */
  long connectAll(int limit) {
    List<Device> all = new ArrayList<>();
    for (User u : users) {
      Collections.addAll(all, u.devices);
    }
    if (limit < all.size()) {
      all = all.subList(0, limit);
    }
    return cfg.connectRate > 0 ? connectPaced(all, cfg.connectRate) : connectBatches(all);
  }

  private long connectBatches(List<Device> all) {
    long failures = 0;
    for (int i = 0; i < all.size(); i += cfg.batch) {
      List<Future<Void>> batch = new ArrayList<>();
      for (Device d : all.subList(i, Math.min(all.size(), i + cfg.batch))) {
        batch.add(d.connect(System.nanoTime()));
      }
      failures += failedOf(batch);
      if (!cfg.quiet && all.size() > cfg.batch) {
        System.out.printf("  connected %,d / %,d%n", connected.get(), all.size());
      }
    }
    return failures;
  }

  /**
   * Open loop: device i starts connecting at {@code start + i / rate} whether or not earlier ones
   * were welcomed, and its connect latency counts from that scheduled time, so a server that falls
   * behind shows as latency instead of a slower schedule (no coordinated omission).
   */
  private long connectPaced(List<Device> all, int rate) {
    List<Future<Void>> started = new ArrayList<>(all.size());
    long start = System.nanoTime();
    double intervalNanos = 1e9 / rate;
    for (int i = 0; i < all.size(); i++) {
      long scheduled = start + (long) (i * intervalNanos);
      long wait;
      while ((wait = scheduled - System.nanoTime()) > 0) {
        LockSupport.parkNanos(wait);
      }
      started.add(all.get(i).connect(scheduled));
      if (!cfg.quiet && (i + 1) % rate == 0) {
        System.out.printf("  started %,d / %,d connects%n", i + 1, all.size());
      }
    }
    return failedOf(started);
  }

  /** Waits up to 60 s for the connects to end; how many did not succeed. */
  private static long failedOf(List<Future<Void>> connects) {
    awaitAll(connects);
    return connects.stream().filter(f -> !f.succeeded()).count();
  }

  /** Waits up to 60 s for every future to end, whatever its outcome. */
  private static void awaitAll(List<Future<Void>> futures) {
    try {
      Future.join(futures).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      // the callers read each future's outcome themselves, or do not need it
    }
  }

  // ---- writing ------------------------------------------------------------------------------

  /** Writes at {@code rate}/s for {@code seconds}, open loop, into {@code m}. */
  void runPhase(Metrics m, int rate, double seconds) {
    current = m;
    long durationNanos = (long) (seconds * 1e9);
    double intervalNanos = 1e9 / rate;
    long start = System.nanoTime();
    m.startNanos = start;
    long i = 0;
    while (true) {
      long scheduled = start + (long) (i * intervalNanos);
      if (scheduled - start >= durationNanos) {
        break;
      }
      long now = System.nanoTime();
      if (scheduled > now) {
        LockSupport.parkNanos(scheduled - now);
        continue;
      }
      write(m, scheduled);
      i++;
    }
    m.endNanos = start + durationNanos;
  }

  /** Waits until every write of {@code m} has its ack and deliveries, or the drain time ends. */
  void drain(Metrics m) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(cfg.drainSeconds);
    while (m.outstanding.get() > 0 && System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
    m.drainedNanos = System.nanoTime();
  }

  private void write(Metrics m, long scheduled) {
    ThreadLocalRandom rnd = ThreadLocalRandom.current();
    User u = users[rnd.nextInt(users.length)];
    Device writer =
        cfg.crossNode()
            ? u.devices[0]
            : u.devices[Math.floorMod(u.nextWriter.getAndIncrement(), u.devices.length)];
    int roll = rnd.nextInt(100);
    long key = keys.incrementAndGet();
    String kind;
    String body;
    boolean isAdd = false;
    if (roll < cfg.progressPct) {
      kind = "progress";
      body =
          "\"content_id\":\"tmdb:"
              + (key % 5)
              + "\",\"position_seconds\":"
              + key
              + ",\"duration_seconds\":"
              + DURATION_SECONDS
              + ",\"state\":\"playing\"";
    } else if (roll < cfg.progressPct + cfg.watchlistPct) {
      kind = "watchlist";
      long open = u.openAdd;
      if (open > 0 && u.openAddAcked) {
        u.openAdd = -1;
        key = -open;
        body = "\"operation\":\"remove\",\"content_id\":\"w" + open + "\"";
      } else {
        u.openAdd = key;
        u.openAddAcked = false;
        isAdd = true;
        body = "\"operation\":\"add\",\"content_id\":\"w" + key + "\"";
      }
    } else {
      kind = "preference";
      body = "\"key\":\"k" + (key % 4) + "\",\"value\":" + key;
    }
    String opId = "o" + key;
    int others = 0;
    for (Device d : u.devices) {
      if (d != writer && d.ws != null) {
        others++;
      }
    }
    Pending p = new Pending(key, u, writer, scheduled, m, others + 1, isAdd);
    pending.put(key, p);
    m.writes.increment();
    m.expectedDeliveries.add(others);
    m.outstanding.addAndGet(others + 1L);
    p.sent = System.nanoTime();
    if (cfg.viaRest) {
      sendRest(p, kind, body, opId);
    } else {
      String type =
          switch (kind) {
            case "progress" -> "progress_update";
            case "watchlist" -> "watchlist_update";
            default -> "preference_update";
          };
      String frame = "{\"type\":\"" + type + "\"," + body + ",\"op_id\":\"" + opId + "\"}";
      ClientWebSocket ws = writer.ws;
      if (ws == null) {
        fail(p, "writer not connected");
        return;
      }
      ws.writeTextMessage(frame).onFailure(e -> fail(p, "ws write: " + e));
    }
  }

  private void sendRest(Pending p, String kind, String body, String opId) {
    URI url = p.writer.url;
    HttpMethod method = HttpMethod.POST;
    String path;
    String json;
    if (kind.equals("preference")) {
      int comma = body.indexOf(',');
      String keyName = body.substring("\"key\":\"".length(), comma - 1);
      method = HttpMethod.PUT;
      path = "/api/v1/sync/preferences/" + keyName;
      json = "{" + body.substring(comma + 1) + ",\"op_id\":\"" + opId + "\"}";
    } else {
      path = "/api/v1/sync/" + kind;
      json = "{" + body + ",\"op_id\":\"" + opId + "\"}";
    }
    RequestOptions ro =
        new RequestOptions()
            .setMethod(method)
            .setHost(url.getHost())
            .setPort(url.getPort())
            .setURI(path)
            .putHeader("Authorization", "Bearer " + p.writer.restToken)
            .putHeader("Content-Type", "application/json");
    httpClient
        .request(ro)
        .compose(req -> req.send(Buffer.buffer(json)))
        .compose(resp -> resp.body().map(b -> new Object[] {resp.statusCode(), b}))
        .onComplete(
            ar -> {
              long now = System.nanoTime();
              if (ar.failed()) {
                fail(p, "rest: " + ar.cause());
                return;
              }
              int status = (Integer) ar.result()[0];
              if (status != 200) {
                fail(p, "rest " + status + ": " + ar.result()[1]);
                return;
              }
              String b = ar.result()[1].toString();
              onAck(p, now, !b.contains("\"applied\":false"));
            });
  }

  private void fail(Pending p, String why) {
    writeFailures.increment();
    sample(why);
    p.metrics.outstanding.addAndGet(-p.remaining.getAndSet(0));
    pending.remove(p.key);
  }

  void sample(String s) {
    if (errorSamples.size() < 20) {
      errorSamples.add(s.length() > 300 ? s.substring(0, 300) : s);
    }
  }

  private void onAck(Pending p, long now, boolean applied) {
    Metrics m = p.metrics;
    m.ack.recordValue(micros(now - p.scheduled));
    m.acks.increment();
    if (!applied) {
      m.notApplied.increment();
    }
    if (p.isAdd) {
      p.user.openAddAcked = true;
    }
    p.countDown();
  }

  static long micros(long nanos) {
    return Math.max(0, nanos / 1000);
  }

  long totalErrors() {
    return errorFrames.sum()
        + writeFailures.sum()
        + disconnects.sum()
        + connectFailures.sum()
        + misrouted.sum()
        + unmatched.sum()
        + offlineEvents.sum();
  }

  @Override
  public void close() {
    closing = true;
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      // best effort at the end of a run
    }
  }

  // ---- model --------------------------------------------------------------------------------

  final class User {
    final int index;
    final String id;
    final String token;
    final Device[] devices;
    final AtomicInteger nextWriter = new AtomicInteger();
    volatile long openAdd = -1;
    volatile boolean openAddAcked;

    User(int index, String id, TokenIssuer issuer) {
      this.index = index;
      this.id = id;
      this.token = issuer.issue(id, null, Duration.ofHours(6));
      this.devices = new Device[cfg.devices];
      for (int k = 0; k < cfg.devices; k++) {
        devices[k] =
            new Device(
                this,
                "d" + k,
                cfg.urlFor(k),
                cfg.viaRest ? issuer.issue(id, "d" + k, Duration.ofHours(6)) : null);
      }
    }
  }

  final class Device {
    final User user;
    final String id;
    final URI url;
    final String restToken;
    volatile ClientWebSocket ws;

    /** A warm-up device being closed: its close and whatever it still receives do not count. */
    volatile boolean retired;

    long connectStart;
    final Promise<Void> welcomed = Promise.promise();
    final Promise<Void> closed = Promise.promise();

    Device(User user, String id, URI url, String restToken) {
      this.user = user;
      this.id = id;
      this.url = url;
      this.restToken = restToken;
    }

    /** Closes a warm-up device; the future completes once its socket is closed. */
    Future<Void> retire() {
      retired = true;
      ClientWebSocket socket = ws;
      if (socket == null) {
        return Future.succeededFuture();
      }
      socket.close();
      return closed.future();
    }

    /** Connects; the connect latency counts from {@code startNanos} (now, or a scheduled time). */
    Future<Void> connect(long startNanos) {
      ClientWebSocket socket = wsClient.webSocket();
      socket.textMessageHandler(this::onText);
      socket.closeHandler(
          v -> {
            ws = null;
            closed.tryComplete();
            if (!closing && !retired) {
              disconnects.increment();
              sample("disconnect " + user.id + "/" + id + " status=" + socket.closeStatusCode());
            }
          });
      socket.exceptionHandler(
          e -> {
            if (!closing) {
              sample("socket " + user.id + "/" + id + ": " + e);
            }
          });
      WebSocketConnectOptions o =
          new WebSocketConnectOptions()
              .setHost(url.getHost())
              .setPort(url.getPort())
              .setURI("/ws?device_id=" + id)
              .addHeader("Authorization", "Bearer " + user.token);
      connectStart = startNanos;
      socket
          .connect(o)
          .onFailure(
              e -> {
                connectFailures.increment();
                sample("connect " + user.id + "/" + id + ": " + e);
                welcomed.tryFail(e);
              });
      vertx.setTimer(
          60_000,
          t -> {
            if (welcomed.tryFail("no welcome within 60 s")) {
              connectFailures.increment();
            }
          });
      return welcomed
          .future()
          .onSuccess(
              v -> {
                ws = socket;
                connected.incrementAndGet();
              });
    }

    private void onText(String text) {
      if (retired) {
        return;
      }
      long now = System.nanoTime();
      receivedMessages.increment();
      receivedBytes.add(text.length());
      JsonNode n;
      try {
        n = JSON.readTree(text);
      } catch (Exception e) {
        errorFrames.increment();
        sample("unparsable frame: " + text);
        return;
      }
      String type = n.path("type").asText();
      switch (type) {
        case "welcome" -> {
          connectLatency.recordValue(micros(now - connectStart));
          welcomed.tryComplete();
        }
        case "ack" -> {
          String op = n.path("op_id").asText("");
          Pending p = op.startsWith("o") ? pending.get(parseKey(op.substring(1))) : null;
          if (p == null) {
            unmatched.increment();
            sample("unmatched ack " + text);
          } else {
            onAck(p, now, n.path("applied").asBoolean(true));
          }
        }
        case "progress_update" ->
            delivered(type, (long) n.path("position_seconds").asDouble(), text, now);
        case "preference_update" -> delivered(type, n.path("value").asLong(), text, now);
        case "watchlist_update" -> {
          long k = parseKey(n.path("content_id").asText().substring(1));
          boolean remove = n.path("operation").asText().equals("remove");
          delivered(remove ? "watchlist_update(remove)" : type, remove ? -k : k, text, now);
        }
        case "error" -> {
          errorFrames.increment();
          sample("error frame to " + user.id + "/" + id + ": " + text);
        }
        case "device_offline" -> {
          if (!closing) {
            offlineEvents.increment();
            sample("device_offline to " + user.id + "/" + id + ": " + text);
          }
        }
        default -> {
          // device_online, heartbeat_ack, ...: presence traffic, not counted as ops
        }
      }
    }

    private void delivered(String type, long key, String text, long now) {
      Pending p = pending.get(key);
      if (p == null) {
        unmatched.increment();
        sample("unmatched delivery to " + user.id + "/" + id + ": " + text);
        return;
      }
      if (p.user != user || p.writer == this) {
        misrouted.increment();
        sample("misrouted to " + user.id + "/" + id + ": " + text);
        return;
      }
      Metrics m = p.metrics;
      long us = micros(now - p.scheduled);
      m.sync.recordValue(us);
      m.syncInterval.recordValue(us);
      m.syncFromSend.recordValue(micros(now - p.sent));
      m.deliveries.increment();
      m.recordBytes(type, text.length());
      p.countDown();
    }
  }

  static long parseKey(String s) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return Long.MIN_VALUE;
    }
  }

  final class Pending {
    final long key;
    final User user;
    final Device writer;
    final long scheduled;
    final Metrics metrics;
    final AtomicInteger remaining;
    final boolean isAdd;
    volatile long sent;

    Pending(
        long key,
        User user,
        Device writer,
        long scheduled,
        Metrics metrics,
        int remaining,
        boolean isAdd) {
      this.key = key;
      this.user = user;
      this.writer = writer;
      this.scheduled = scheduled;
      this.metrics = metrics;
      this.remaining = new AtomicInteger(remaining);
      this.isAdd = isAdd;
    }

    void countDown() {
      int left = remaining.decrementAndGet();
      if (left < 0) {
        return; // the write already failed and was written off
      }
      metrics.outstanding.decrementAndGet();
      if (left == 0) {
        pending.remove(key);
      }
    }
  }
}
