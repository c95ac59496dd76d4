package dev.mediasync.broker.redis;

import dev.mediasync.engine.port.Broker;
import dev.mediasync.engine.port.Envelope;
import dev.mediasync.engine.port.Topic;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Broker} for several nodes: Redis pub/sub on the contract's channel names, {@code
 * user.{id}.sync|devices|notifications} (prefixed by an optional namespace, empty in production).
 * The payload is {@link WireFormat}: a header line with route, op timestamp and node id, then the
 * device JSON unchanged.
 *
 * <p>Two connections per node, both owned by one Vert.x context (all state below is confined to it,
 * so there are no locks):
 *
 * <ul>
 *   <li><b>Publisher</b>: publishes are queued from any thread and written in batches (one socket
 *       write per event-loop turn, pipelined: no waiting for replies), so one node's publishes on a
 *       channel keep their order. A publish while the connection is down fails at once; one not
 *       answered within the request timeout fails and the connection is replaced.
 *   <li><b>Subscriber</b>: one SUBSCRIBE of a user's three channels when the node's first local
 *       subscription for that user appears, UNSUBSCRIBE when the last goes. Exact channel names,
 *       not a pattern: user ids may contain dots, so {@code user.a.*} would also match user {@code
 *       a.b}. {@link #subscribe}'s future completes when Redis has confirmed the SUBSCRIBE (rule
 *       5); confirmations are counted per user, so a quick unsubscribe/subscribe cannot be
 *       confirmed by the acknowledgement of an older SUBSCRIBE. Messages are handled on the
 *       context, in order.
 * </ul>
 *
 * <p>When a connection is lost, the broker reconnects with backoff (100 ms doubling to 2 s) and
 * re-subscribes every user that still has local subscriptions. Envelopes published while the
 * subscriber was away are lost to this node: {@link #onDeliveryGap} listeners hear about it (the
 * replica cache drops its replicas), and devices recover what they missed by reconnecting with
 * {@code since=}.
 */
public final class RedisBroker implements Broker {
  private static final Logger log = LoggerFactory.getLogger(RedisBroker.class);
  private static final int MAX_BATCH = 512;
  private static final long MIN_RECONNECT_MS = 100;
  private static final long MAX_RECONNECT_MS = 2_000;

  private final Vertx vertx;
  private final Context ctx;
  private final Redis client;
  private final String nodeId;
  private final String namespace;
  private final long timeoutMs;

  private final ConcurrentLinkedQueue<Pending> outbox = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean flushScheduled = new AtomicBoolean();
  private final List<Runnable> gapListeners = new CopyOnWriteArrayList<>();
  private final Promise<Void> ready = Promise.promise();

  // Confined to ctx.
  private RedisConnection pub;
  private RedisConnection sub;
  private boolean closed;
  private final Connector publisher = new Connector(this::publisherConnected);
  private final Connector subscriber = new Connector(this::subscriberConnected);
  private final ArrayDeque<Batch> inFlight = new ArrayDeque<>();
  private final Map<String, UserChannels> users = new HashMap<>();
  private long watchdog = -1;

  private record Pending(Request request, Promise<Response> promise) {}

  private record Batch(long sentNanos, List<Promise<Response>> promises) {}

  /** One user's channels on the subscriber connection. */
  private final class UserChannels {
    final String userId;
    final String[] channels;
    final List<Consumer<Envelope>> handlers = new CopyOnWriteArrayList<>();
    final List<Waiter> waiters = new ArrayList<>();
    boolean subscribedOnServer;
    int acksExpected;
    int acksReceived;

    UserChannels(String userId) {
      this.userId = userId;
      Topic[] topics = Topic.values();
      this.channels = new String[topics.length];
      for (int i = 0; i < topics.length; i++) {
        channels[i] = namespace + topics[i].channel(userId);
      }
    }

    boolean confirmed() {
      return subscribedOnServer && acksReceived >= acksExpected;
    }
  }

  private record Waiter(
      Consumer<Envelope> handler,
      Promise<Subscription> promise,
      Subscription subscription,
      long timer) {}

  /**
   * @param vertx the Vert.x instance whose event loop runs the broker
   * @param client a Redis client (see {@link RedisSupport#client})
   * @param nodeId this node's id, written into every payload
   * @param namespace prefix of every channel name; empty in production (the contract's names)
   * @param timeoutMs how long a publish, ping or subscribe may wait for Redis
   */
  public RedisBroker(Vertx vertx, Redis client, String nodeId, String namespace, long timeoutMs) {
    this.vertx = vertx;
    this.ctx = vertx.getOrCreateContext();
    this.client = client;
    this.nodeId = nodeId;
    this.namespace = namespace;
    this.timeoutMs = timeoutMs;
    ctx.runOnContext(
        v -> {
          watchdog = vertx.setPeriodic(Math.max(50, timeoutMs / 4), id -> expireStale());
          publisher.connect();
          subscriber.connect();
        });
  }

  public String nodeId() {
    return nodeId;
  }

  /** Completes once both connections are up for the first time (it may never complete). */
  public Future<Void> ready() {
    return ready.future();
  }

  private void checkReady() {
    if (pub != null && sub != null) {
      ready.tryComplete();
    }
  }

  // ---------------------------------------------------------------- publish

  @Override
  public Future<Void> publish(Envelope envelope) {
    Request req =
        Request.cmd(Command.PUBLISH)
            .arg(namespace + envelope.channel())
            .arg(WireFormat.encode(envelope, nodeId));
    return enqueue(req).mapEmpty();
  }

  @Override
  public Future<Void> ping() {
    Promise<Void> p = Promise.promise();
    ctx.runOnContext(
        v -> {
          if (sub == null) {
            p.fail(unavailable("subscriber connection is down"));
          } else {
            enqueue(Request.cmd(Command.PING)).<Void>mapEmpty().onComplete(p);
          }
        });
    return p.future();
  }

  private Future<Response> enqueue(Request req) {
    Promise<Response> p = Promise.promise();
    outbox.add(new Pending(req, p));
    if (flushScheduled.compareAndSet(false, true)) {
      ctx.runOnContext(v -> flush());
    }
    return p.future();
  }

  private void flush() {
    flushScheduled.set(false);
    while (!outbox.isEmpty()) {
      List<Request> requests = new ArrayList<>();
      List<Promise<Response>> promises = new ArrayList<>();
      Pending p;
      while (requests.size() < MAX_BATCH && (p = outbox.poll()) != null) {
        requests.add(p.request());
        promises.add(p.promise());
      }
      RedisConnection conn = pub;
      if (conn == null || closed) {
        RuntimeException e = unavailable(closed ? "broker closed" : "publisher connection is down");
        promises.forEach(pr -> pr.tryFail(e));
        continue;
      }
      Batch batch = new Batch(System.nanoTime(), promises);
      inFlight.add(batch);
      conn.batch(requests)
          .onComplete(
              r -> {
                inFlight.remove(batch);
                if (r.succeeded()) {
                  List<Response> replies = r.result();
                  for (int i = 0; i < promises.size(); i++) {
                    promises.get(i).tryComplete(i < replies.size() ? replies.get(i) : null);
                  }
                } else {
                  promises.forEach(pr -> pr.tryFail(r.cause()));
                }
              });
    }
  }

  /** Fails publishes Redis has not answered in time and replaces a connection that hangs. */
  private void expireStale() {
    Batch oldest = inFlight.peek();
    if (oldest == null || System.nanoTime() - oldest.sentNanos() < timeoutMs * 1_000_000) {
      return;
    }
    log.warn("redis did not answer within {} ms; replacing the publisher connection", timeoutMs);
    RedisConnection conn = pub;
    publisherLost(conn, unavailable("no answer from redis within " + timeoutMs + " ms"));
    if (conn != null) {
      conn.close();
    }
  }

  private void publisherConnected(RedisConnection conn) {
    conn.exceptionHandler(e -> publisherLost(conn, e));
    conn.endHandler(v -> publisherLost(conn, unavailable("connection closed")));
    pub = conn;
    log.info("redis publisher connected (node {})", nodeId);
    checkReady();
  }

  private void publisherLost(RedisConnection conn, Throwable cause) {
    if (conn == null || conn != pub) {
      return;
    }
    pub = null;
    log.warn("redis publisher connection lost: {}", cause.toString());
    for (Batch b : inFlight) {
      b.promises().forEach(p -> p.tryFail(cause));
    }
    inFlight.clear();
    vertx.setTimer(MIN_RECONNECT_MS, id -> publisher.connect());
  }

  // ---------------------------------------------------------------- subscribe

  @Override
  public Future<Subscription> subscribe(String userId, Consumer<Envelope> handler) {
    Promise<Subscription> p = Promise.promise();
    // A wrapper per subscription: the same handler subscribed twice is two subscriptions.
    Consumer<Envelope> own = handler::accept;
    ctx.runOnContext(v -> doSubscribe(userId, own, p));
    return p.future();
  }

  private void doSubscribe(String userId, Consumer<Envelope> handler, Promise<Subscription> p) {
    if (closed || sub == null) {
      p.fail(unavailable(closed ? "broker closed" : "subscriber connection is down"));
      return;
    }
    UserChannels u = users.computeIfAbsent(userId, UserChannels::new);
    u.handlers.add(handler);
    if (!u.subscribedOnServer) {
      sendSubscribe(u);
    }
    Subscription subscription = () -> unsubscribe(u.userId, handler);
    if (u.confirmed()) {
      p.complete(subscription);
      return;
    }
    long timer =
        vertx.setTimer(
            timeoutMs,
            id -> {
              if (u.waiters.removeIf(w -> w.promise() == p)) {
                u.handlers.remove(handler);
                p.tryFail(
                    unavailable("redis did not confirm SUBSCRIBE within " + timeoutMs + " ms"));
                maybeUnsubscribe(u);
              }
            });
    u.waiters.add(new Waiter(handler, p, subscription, timer));
  }

  private void sendSubscribe(UserChannels u) {
    Request req = Request.cmd(Command.SUBSCRIBE);
    for (String c : u.channels) {
      req.arg(c);
    }
    u.subscribedOnServer = true;
    u.acksExpected += u.channels.length;
    sub.send(req);
  }

  private Future<Void> unsubscribe(String userId, Consumer<Envelope> handler) {
    Promise<Void> p = Promise.promise();
    ctx.runOnContext(
        v -> {
          UserChannels u = users.get(userId);
          if (u != null && u.handlers.remove(handler)) {
            maybeUnsubscribe(u);
          }
          p.complete();
        });
    return p.future();
  }

  private void maybeUnsubscribe(UserChannels u) {
    if (!u.handlers.isEmpty()) {
      return;
    }
    if (u.subscribedOnServer && sub != null) {
      Request req = Request.cmd(Command.UNSUBSCRIBE);
      for (String c : u.channels) {
        req.arg(c);
      }
      sub.send(req);
    }
    u.subscribedOnServer = false;
    forgetIfIdle(u);
  }

  /** Drops a user's entry once it has no handlers and no SUBSCRIBE confirmation is outstanding. */
  private void forgetIfIdle(UserChannels u) {
    if (u.handlers.isEmpty() && u.waiters.isEmpty() && u.acksReceived >= u.acksExpected) {
      users.remove(u.userId, u);
    }
  }

  private void subscriberConnected(RedisConnection conn) {
    conn.handler(this::onPush);
    conn.exceptionHandler(e -> subscriberLost(conn, e));
    conn.endHandler(v -> subscriberLost(conn, unavailable("connection closed")));
    sub = conn;
    int n = 0;
    for (UserChannels u : users.values()) {
      if (!u.handlers.isEmpty()) {
        sendSubscribe(u);
        n++;
      }
    }
    log.info("redis subscriber connected (node {}); re-subscribed {} users", nodeId, n);
    checkReady();
  }

  /**
   * Keeps one connection open: connects, retries with doubling backoff (up to {@link
   * #MAX_RECONNECT_MS}) while Redis is unreachable, and hands each new connection over. Runs on the
   * broker's context, like everything else here.
   */
  private final class Connector {
    private final Consumer<RedisConnection> onConnected;
    private long backoff = MIN_RECONNECT_MS;

    Connector(Consumer<RedisConnection> onConnected) {
      this.onConnected = onConnected;
    }

    void connect() {
      if (closed) {
        return;
      }
      client
          .connect()
          .onComplete(
              r -> {
                if (closed) {
                  if (r.succeeded()) {
                    r.result().close();
                  }
                  return;
                }
                if (r.failed()) {
                  vertx.setTimer(backoff, id -> connect());
                  backoff = Math.min(MAX_RECONNECT_MS, backoff * 2);
                  return;
                }
                backoff = MIN_RECONNECT_MS;
                onConnected.accept(r.result());
              });
    }
  }

  private void subscriberLost(RedisConnection conn, Throwable cause) {
    if (conn != sub) {
      return;
    }
    sub = null;
    log.warn("redis subscriber connection lost: {}", cause.toString());
    for (Iterator<UserChannels> it = users.values().iterator(); it.hasNext(); ) {
      UserChannels u = it.next();
      for (Waiter w : u.waiters) {
        vertx.cancelTimer(w.timer());
        u.handlers.remove(w.handler());
        w.promise().tryFail(unavailable("subscriber connection lost"));
      }
      u.waiters.clear();
      u.subscribedOnServer = false;
      u.acksExpected = 0;
      u.acksReceived = 0;
      if (u.handlers.isEmpty()) {
        it.remove();
      }
    }
    for (Runnable l : gapListeners) {
      try {
        l.run();
      } catch (RuntimeException e) {
        log.warn("delivery-gap listener failed", e);
      }
    }
    vertx.setTimer(MIN_RECONNECT_MS, id -> subscriber.connect());
  }

  /** A message or a (un)subscribe confirmation on the subscriber connection. */
  private void onPush(Response r) {
    if (r == null
        || (r.type() != ResponseType.PUSH && r.type() != ResponseType.MULTI)
        || r.size() < 3) {
      return;
    }
    String kind = r.get(0).toString();
    if ("message".equals(kind)) {
      deliver(r.get(1).toString(), r.get(2).toString(StandardCharsets.UTF_8));
    } else if ("subscribe".equals(kind)) {
      UserChannels u = users.get(userOf(r.get(1).toString()));
      if (u != null) {
        u.acksReceived++;
        if (u.confirmed() && !u.waiters.isEmpty()) {
          List<Waiter> ready = new ArrayList<>(u.waiters);
          u.waiters.clear();
          for (Waiter w : ready) {
            vertx.cancelTimer(w.timer());
            w.promise().tryComplete(w.subscription());
          }
        }
        forgetIfIdle(u);
      }
    }
  }

  private void deliver(String channel, String payload) {
    String userId = userOf(channel);
    UserChannels u = userId == null ? null : users.get(userId);
    if (u == null || u.handlers.isEmpty()) {
      return;
    }
    Envelope envelope;
    try {
      envelope = WireFormat.decode(userId, topicOf(channel), payload);
    } catch (RuntimeException e) {
      log.warn("dropping a malformed message on {}: {}", channel, e.toString());
      return;
    }
    for (Consumer<Envelope> h : u.handlers) {
      try {
        h.accept(envelope);
      } catch (RuntimeException e) {
        log.warn("subscriber of {} failed", channel, e);
      }
    }
  }

  /** {@code <namespace>user.<id>.<topic>} → id; null if the channel is not ours. */
  private String userOf(String channel) {
    int start = namespace.length() + "user.".length();
    int dot = channel.lastIndexOf('.');
    if (!channel.startsWith(namespace + "user.") || dot <= start) {
      return null;
    }
    return channel.substring(start, dot);
  }

  private static Topic topicOf(String channel) {
    String suffix = channel.substring(channel.lastIndexOf('.') + 1);
    for (Topic t : Topic.values()) {
      if (t.suffix().equals(suffix)) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown topic: " + suffix);
  }

  @Override
  public void onDeliveryGap(Runnable listener) {
    gapListeners.add(listener);
  }

  // ---------------------------------------------------------------- lifecycle

  @Override
  public Future<Void> close() {
    Promise<Void> p = Promise.promise();
    ctx.runOnContext(
        v -> {
          if (closed) {
            p.complete();
            return;
          }
          closed = true;
          vertx.cancelTimer(watchdog);
          RuntimeException e = unavailable("broker closed");
          inFlight.forEach(b -> b.promises().forEach(pr -> pr.tryFail(e)));
          inFlight.clear();
          Pending pending;
          while ((pending = outbox.poll()) != null) {
            pending.promise().tryFail(e);
          }
          users.values().forEach(u -> u.waiters.forEach(w -> w.promise().tryFail(e)));
          users.clear();
          List<Future<Void>> closing = new ArrayList<>();
          if (pub != null) {
            closing.add(pub.close());
          }
          if (sub != null) {
            closing.add(sub.close());
          }
          pub = null;
          sub = null;
          Future.join(closing)
              .eventually(client::close)
              .<Void>mapEmpty()
              .onComplete(r -> p.complete());
        });
    return p.future();
  }

  static RedisUnavailableException unavailable(String message) {
    return new RedisUnavailableException(message);
  }
}
