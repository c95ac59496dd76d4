package dev.mediasync.testkit.pubnub;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local stand-in for PubNub's REST API, enough for the service's PubNub broker and for asserting
 * what it sends:
 *
 * <ul>
 *   <li>{@code POST /publish/{pub}/{sub}/0/{channel}/0} (JSON body) and {@code GET
 *       /publish/{pub}/{sub}/0/{channel}/0/{url-encoded JSON}}, optional {@code meta} and {@code
 *       uuid} query parameters; answers {@code [1,"Sent","<timetoken>"]}. A message whose
 *       percent-encoded channel + message + meta exceed 32 KiB gets {@code 413 [0,"Message Too
 *       Large","<tt>"]}; invalid JSON {@code 400 [0,"Invalid JSON","<tt>"]}; wrong keys {@code 400
 *       [0,"Invalid Key","<tt>"]}.
 *   <li>{@code GET /v2/subscribe/{sub}/{ch1,ch2}/0?tt=&tr=}: {@code tt=0} answers the current
 *       timetoken at once; otherwise every message on those channels newer than {@code tt} (at most
 *       100, in publish order), or waits up to the hold time for one. Messages carry {@code c},
 *       {@code d}, {@code u} (the publish's meta), {@code i} (publisher uuid), {@code p.t}.
 *   <li>{@code GET /time/0}: {@code [<timetoken>]}.
 * </ul>
 *
 * <p>Fault injection: {@link #failNextPublishes}, {@link #failNextSubscribes} (500s), {@link
 * #delayPublishes} / {@link #hangPublishes} (answer late or never). {@link #publishes()} records
 * every accepted publish. Timetokens are 17-digit, strictly increasing, region always 1.
 */
public final class FakePubNub implements AutoCloseable {
  public static final String PUBLISH_KEY = "pub-c-fake";
  public static final String SUBSCRIBE_KEY = "sub-c-fake";
  public static final int MAX_MESSAGE_BYTES = 32 * 1024;
  private static final int MAX_PER_ANSWER = 100;
  private static final int RETAINED = 20_000;

  /** One accepted publish. {@code meta} is null when none was given. */
  public record Published(
      String channel, String message, String meta, String uuid, String method, long timetoken) {
    public JsonObject json() {
      return new JsonObject(message);
    }

    public JsonObject metaJson() {
      return meta == null ? null : new JsonObject(meta);
    }
  }

  private record Stored(long tt, String channel, String message, String meta, String uuid) {}

  private record Waiter(Set<String> channels, long after, HttpServerRequest req, long timer) {}

  private final Vertx vertx;
  private final HttpServer server;
  private final int port;

  /** PubNub's limit on a request's URL. */
  public static final int MAX_URL_BYTES = 32 * 1024;

  private final Duration hold;

  // Guarded by `this` (the server runs on one event loop; the lock covers test threads).
  private final List<Published> publishes = new ArrayList<>();
  private final ArrayDeque<Stored> log = new ArrayDeque<>();
  private final List<Waiter> waiters = new ArrayList<>();
  private long lastTt;
  private int failPublishes;
  private int failSubscribes;
  private long publishDelayMillis;
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger publishAttempts = new AtomicInteger();

  private FakePubNub(Vertx vertx, Duration hold) {
    this.vertx = vertx;
    this.hold = hold;
    // PubNub takes request lines up to 32 KiB (a subscribe names every channel in its URL);
    // Vert.x's default of 4 KiB would refuse a node with ~30 users with 414.
    this.server =
        vertx
            .createHttpServer(
                new io.vertx.core.http.HttpServerOptions().setMaxInitialLineLength(MAX_URL_BYTES))
            .requestHandler(this::handle);
    this.port =
        join(server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture()).actualPort();
  }

  /** A fake on a free loopback port; subscribe long-polls are held up to 5 s. */
  public static FakePubNub start() {
    return start(Duration.ofSeconds(5));
  }

  public static FakePubNub start(Duration hold) {
    return new FakePubNub(Vertx.vertx(), hold);
  }

  public int port() {
    return port;
  }

  /** {@code 127.0.0.1:<port>}, as {@code PUBNUB_ORIGIN} takes it. */
  public String origin() {
    return "127.0.0.1:" + port;
  }

  // ---- assertions -------------------------------------------------------------------------------

  public synchronized List<Published> publishes() {
    return List.copyOf(publishes);
  }

  public synchronized List<Published> publishes(String channel) {
    return publishes.stream().filter(p -> p.channel().equals(channel)).toList();
  }

  /** Waits until {@code channel} has at least {@code n} accepted publishes; returns them. */
  public List<Published> awaitPublishes(String channel, int n, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<Published> got = publishes(channel);
      if (got.size() >= n) {
        return got;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "expected " + n + " publishes on " + channel + " within " + timeout + ", got " + got);
      }
      sleep(5);
    }
  }

  /** Every request received, answered or not. */
  public int requestCount() {
    return requests.get();
  }

  /** Publish requests received, including failed, delayed and refused ones. */
  public int publishAttempts() {
    return publishAttempts.get();
  }

  // ---- fault injection --------------------------------------------------------------------------

  /** The next {@code n} publish requests answer 500 without accepting the message. */
  public synchronized FakePubNub failNextPublishes(int n) {
    failPublishes = n;
    return this;
  }

  /** The next {@code n} subscribe requests answer 500. */
  public synchronized FakePubNub failNextSubscribes(int n) {
    failSubscribes = n;
    return this;
  }

  /** Publishes are accepted and answered only after {@code delay} (zero: at once). */
  public synchronized FakePubNub delayPublishes(Duration delay) {
    publishDelayMillis = delay.toMillis();
    return this;
  }

  /** Publishes are never answered (until {@link #delayPublishes} sets a delay again). */
  public FakePubNub hangPublishes() {
    return delayPublishes(Duration.ofHours(1));
  }

  /**
   * Puts a message on {@code channel} as if another publisher had sent it, without any check:
   * {@code messageJson} and {@code metaJson} (may be null) are copied into subscribe answers as raw
   * JSON, so they must be valid JSON values.
   */
  public void inject(String channel, String messageJson, String metaJson) {
    Json.decodeValue(messageJson);
    if (metaJson != null) {
      Json.decodeValue(metaJson);
    }
    accept(channel, messageJson, metaJson, "forger", "INJECT");
  }

  // ---- HTTP -------------------------------------------------------------------------------------

  private void handle(HttpServerRequest req) {
    requests.incrementAndGet();
    String[] seg = req.path().split("/", -1);
    try {
      if (seg.length >= 3 && seg[1].equals("time") && seg[2].equals("0")) {
        answer(req, 200, "[" + nextTt() + "]");
      } else if (seg.length >= 7 && seg[1].equals("publish")) {
        publish(req, seg);
      } else if (seg.length >= 6 && seg[1].equals("v2") && seg[2].equals("subscribe")) {
        subscribe(req, seg);
      } else {
        answer(req, 404, "{\"error\":true,\"status\":404,\"message\":\"Not Found\"}");
      }
    } catch (RuntimeException e) {
      answer(req, 400, "{\"error\":true,\"status\":400,\"message\":\"" + e.getMessage() + "\"}");
    }
  }

  private void publish(HttpServerRequest req, String[] seg) {
    publishAttempts.incrementAndGet();
    String channel = decode(seg[5]);
    boolean keysOk = decode(seg[2]).equals(PUBLISH_KEY) && decode(seg[3]).equals(SUBSCRIBE_KEY);
    String meta = req.getParam("meta");
    String uuid = req.getParam("uuid");
    long delay;
    boolean fail;
    synchronized (this) {
      fail = failPublishes > 0;
      if (fail) {
        failPublishes--;
      }
      delay = publishDelayMillis;
    }
    if (req.method().name().equals("POST")) {
      req.body()
          .onSuccess(
              body ->
                  later(
                      delay,
                      () ->
                          finishPublish(
                              req,
                              keysOk,
                              fail,
                              channel,
                              body.toString(StandardCharsets.UTF_8),
                              meta,
                              uuid,
                              "POST")));
    } else {
      String message = seg.length >= 8 ? decode(seg[7]) : "";
      later(delay, () -> finishPublish(req, keysOk, fail, channel, message, meta, uuid, "GET"));
    }
  }

  private void later(long delay, Runnable r) {
    if (delay <= 0) {
      r.run();
    } else {
      vertx.setTimer(delay, t -> r.run());
    }
  }

  private void finishPublish(
      HttpServerRequest req,
      boolean keysOk,
      boolean fail,
      String channel,
      String message,
      String meta,
      String uuid,
      String method) {
    if (fail) {
      answer(req, 500, "{\"error\":true,\"status\":500,\"message\":\"Internal Server Error\"}");
      return;
    }
    if (!keysOk) {
      answer(req, 400, "[0,\"Invalid Key\",\"" + nextTt() + "\"]");
      return;
    }
    try {
      Json.decodeValue(message);
      if (meta != null && !(Json.decodeValue(meta) instanceof JsonObject)) {
        throw new DecodeException("meta");
      }
    } catch (DecodeException e) {
      answer(req, 400, "[0,\"Invalid JSON\",\"" + nextTt() + "\"]");
      return;
    }
    int size =
        encodedLength(channel) + encodedLength(message) + (meta == null ? 0 : encodedLength(meta));
    if (size > MAX_MESSAGE_BYTES) {
      answer(req, 413, "[0,\"Message Too Large\",\"" + nextTt() + "\"]");
      return;
    }
    long tt = accept(channel, message, meta, uuid, method);
    answer(req, 200, "[1,\"Sent\",\"" + tt + "\"]");
  }

  private long accept(String channel, String message, String meta, String uuid, String method) {
    List<Waiter> woken = new ArrayList<>();
    long tt;
    synchronized (this) {
      tt = nextTt();
      log.add(new Stored(tt, channel, message, meta, uuid));
      while (log.size() > RETAINED) {
        log.poll();
      }
      if (!method.equals("INJECT")) {
        publishes.add(new Published(channel, message, meta, uuid, method, tt));
      }
      for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
        Waiter w = it.next();
        if (w.channels.contains(channel)) {
          it.remove();
          woken.add(w);
        }
      }
    }
    for (Waiter w : woken) {
      vertx.cancelTimer(w.timer);
      answerMessages(w.req, w.channels, w.after);
    }
    return tt;
  }

  private void subscribe(HttpServerRequest req, String[] seg) {
    boolean fail;
    synchronized (this) {
      fail = failSubscribes > 0;
      if (fail) {
        failSubscribes--;
      }
    }
    if (fail) {
      answer(req, 500, "{\"error\":true,\"status\":500,\"message\":\"Internal Server Error\"}");
      return;
    }
    if (!decode(seg[3]).equals(SUBSCRIBE_KEY)) {
      answer(req, 400, "{\"error\":true,\"status\":400,\"message\":\"Invalid Subscribe Key\"}");
      return;
    }
    Set<String> channels = new HashSet<>();
    for (String c : seg[4].split(",")) {
      if (!c.isEmpty()) {
        channels.add(decode(c));
      }
    }
    String ttParam = req.getParam("tt", "0");
    long after = Long.parseLong(ttParam);
    if (after == 0) {
      long now;
      synchronized (this) {
        now = lastTt == 0 ? nextTt() : lastTt;
      }
      answer(req, 200, "{\"t\":{\"t\":\"" + now + "\",\"r\":1},\"m\":[]}");
      return;
    }
    if (answerMessages(req, channels, after)) {
      return;
    }
    synchronized (this) {
      // re-check under the lock: a publish may have arrived between the two looks
      if (hasNewer(channels, after)) {
        answerMessages(req, channels, after);
        return;
      }
      long timer =
          vertx.setTimer(
              hold.toMillis(),
              t -> {
                boolean mine;
                synchronized (this) {
                  mine = waiters.removeIf(w -> w.req == req);
                }
                if (mine) {
                  answerMessages(req, channels, Long.MAX_VALUE);
                }
              });
      Waiter w = new Waiter(channels, after, req, timer);
      waiters.add(w);
      req.connection()
          .closeHandler(
              v -> {
                synchronized (this) {
                  waiters.remove(w);
                }
                vertx.cancelTimer(timer);
              });
    }
  }

  private boolean hasNewer(Set<String> channels, long after) {
    for (Stored s : log) {
      if (s.tt > after && channels.contains(s.channel)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Answers with the messages after {@code after} (none when {@code after} is MAX: a hold timeout);
   * returns false, answering nothing, if there are none and this is not a timeout.
   */
  private boolean answerMessages(HttpServerRequest req, Set<String> channels, long after) {
    StringBuilder m = new StringBuilder();
    long next;
    int n = 0;
    synchronized (this) {
      next = lastTt == 0 ? nextTt() : lastTt;
      for (Stored s : log) {
        if (s.tt > after && channels.contains(s.channel)) {
          if (n == MAX_PER_ANSWER) {
            break;
          }
          if (n > 0) {
            m.append(',');
          }
          m.append("{\"a\":\"1\",\"f\":0,\"i\":")
              .append(Json.encode(s.uuid == null ? "" : s.uuid))
              .append(",\"p\":{\"t\":\"")
              .append(s.tt)
              .append("\",\"r\":1},\"k\":\"")
              .append(SUBSCRIBE_KEY)
              .append("\",\"c\":")
              .append(Json.encode(s.channel))
              .append(",\"d\":")
              .append(s.message);
          if (s.meta != null) {
            m.append(",\"u\":").append(s.meta);
          }
          m.append('}');
          n++;
          if (n == MAX_PER_ANSWER) {
            next = s.tt;
          }
        }
      }
    }
    if (n == 0 && after != Long.MAX_VALUE) {
      return false;
    }
    answer(req, 200, "{\"t\":{\"t\":\"" + next + "\",\"r\":1},\"m\":[" + m + "]}");
    return true;
  }

  private synchronized long nextTt() {
    lastTt = Math.max(lastTt + 1, System.currentTimeMillis() * 10_000L);
    return lastTt;
  }

  private static void answer(HttpServerRequest req, int status, String body) {
    if (req.response().ended() || req.response().closed()) {
      return;
    }
    req.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json; charset=UTF-8")
        .end(Buffer.buffer(body, "UTF-8"));
  }

  /** Percent-decoding of a path segment ({@code +} stays {@code +}). */
  static String decode(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%' && i + 2 < s.length()) {
        out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** PubNub's size measure: the length after JavaScript's {@code encodeURIComponent}. */
  static int encodedLength(String s) {
    int n = 0;
    for (byte raw : s.getBytes(StandardCharsets.UTF_8)) {
      int b = raw & 0xff;
      boolean plain =
          (b >= 'a' && b <= 'z')
              || (b >= 'A' && b <= 'Z')
              || (b >= '0' && b <= '9')
              || "-_.!~*'()".indexOf(b) >= 0;
      n += plain ? 1 : 3;
    }
    return n;
  }

  @Override
  public void close() {
    join(server.close().toCompletionStage().toCompletableFuture());
    join(vertx.close().toCompletionStage().toCompletableFuture());
  }

  private static <T> T join(CompletableFuture<T> f) {
    try {
      return f.get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "FakePubNub" + Arrays.asList(origin());
  }
}
