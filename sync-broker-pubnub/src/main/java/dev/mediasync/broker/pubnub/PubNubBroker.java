package dev.mediasync.broker.pubnub;

import dev.mediasync.core.HybridTimestamp;
import dev.mediasync.engine.port.Broker;
import dev.mediasync.engine.port.Envelope;
import dev.mediasync.engine.port.Route;
import dev.mediasync.engine.port.Topic;
import dev.mediasync.protocol.JsonCodec;
import dev.mediasync.protocol.Limits;
import dev.mediasync.protocol.ServerMessage;
import dev.mediasync.protocol.ServerMessage.DeviceCommand;
import dev.mediasync.protocol.ServerMessage.DeviceOffline;
import dev.mediasync.protocol.ServerMessage.DeviceOnline;
import dev.mediasync.protocol.ServerMessage.HandoffResult;
import dev.mediasync.protocol.ServerMessage.Notification;
import dev.mediasync.protocol.ServerMessage.SyncOp;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Broker} over PubNub's REST API, spoken with Vert.x's {@link WebClient} (publish, time)
 * and {@code HttpClient} (the subscribe long-poll, which must be reset when the channel set
 * changes). The official PubNub Java SDK is not used: it brings its own HTTP stack and runtime
 * (OkHttp/Retrofit/Gson, Kotlin in recent versions) next to Vert.x's and runs its own threads. Its
 * configuration does have {@code origin} and {@code secure} settings; whether it works reliably
 * against a plain-HTTP local origin was not verified here, and was not needed: the REST calls used
 * are few and documented, and the local fake ({@code FakePubNub}) speaks them.
 *
 * <h2>Publish</h2>
 *
 * <p>{@code POST /publish/{pub_key}/{sub_key}/0/{channel}/0?uuid=<node>&meta=<json>} with the
 * envelope's JSON as the body, so a PubNub client subscribed to {@code user.{id}.sync} receives
 * exactly what a WebSocket device receives ({@code {"type":"watchlist_update",...}}). Routing never
 * changes the body: it travels in PubNub's {@code meta} ({@code u} on the subscribe side) as {@code
 * {"v":1,"node":..,"user":..,"route":"every_device"|"all_except"|"only","device_id"?:..,
 * "op_timestamp"?:".."}}.
 *
 * <p>{@link #publish} never blocks and never fails a write. It delivers to this node's own
 * subscribers at once (as {@code InProcessBroker} does), then queues the PubNub request. The queue
 * holds at most {@code maxQueued} publishes (queued or in flight); when full, the oldest queued one
 * is dropped, its future failed, and {@link Stats#droppedQueueFull} counted. At most one request
 * per channel is in flight, so one channel's messages reach PubNub in publish order. Timeouts,
 * connection errors, 5xx and 429 are retried with exponential backoff ({@code initialBackoff},
 * doubling to {@code maxBackoff}) up to {@code maxAttempts}; other 4xx fail at once. A message over
 * PubNub's 32 KiB (percent-encoded message + meta + channel, as PubNub counts) is not sent: counted
 * ({@link Stats#oversized}) and logged; devices on this node have it already, others catch up from
 * the op store.
 *
 * <h2>Subscribe</h2>
 *
 * <p>One long-poll loop per broker over the channels of every user with a local subscription:
 * {@code GET /v2/subscribe/{sub_key}/{ch1,ch2,..}/0?tt=<t>&tr=<r>&uuid=<node>}. The first call
 * ({@code tt=0}) returns the current timetoken; each next call passes the previous answer's {@code
 * t.t}/{@code t.r}, so nothing published between two polls is missed. A change of the channel set
 * resets the in-flight poll and polls again from the same timetoken. Every received message is
 * validated like client input before any handler sees it: the channel must be {@code user.{valid
 * id}.{sync|devices|notifications}} of a subscribed user, {@code meta} must name the same user and
 * a valid route, the body must decode with {@link JsonCodec} to a type that belongs on that topic
 * (ops on sync, presence and device commands on devices, notifications on notifications) with valid
 * ids; a forged or malformed message is dropped, logged and counted ({@link Stats#rejected}).
 * Handlers get the codec's re-encoding of the message, in PubNub's order, one at a time per
 * subscription. A message whose {@code meta.node} is this node's uuid is this node's own publish
 * coming back: it was delivered locally already and is skipped (node-id dedup), so every subscriber
 * gets each envelope once (Broker rule 3) and this node's devices keep receiving live traffic when
 * PubNub is slow or down.
 */
public final class PubNubBroker implements Broker {
  private static final Logger log = LoggerFactory.getLogger(PubNubBroker.class);

  private static final Pattern CHANNEL =
      Pattern.compile("user\\.([A-Za-z0-9._:@-]{1,128})\\.(sync|devices|notifications)");

  private final Vertx vertx;
  private final Context context;
  private final PubNubOptions options;
  private final JsonCodec codec;
  private final HttpClientAgent http;
  private final WebClient web;

  // ---- statistics -------------------------------------------------------------------------------
  private final AtomicLong published = new AtomicLong();
  private final AtomicLong retried = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong droppedQueueFull = new AtomicLong();
  private final AtomicLong oversized = new AtomicLong();
  private final AtomicLong received = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final AtomicLong ownEchoes = new AtomicLong();

  /** Counters, for metrics and tests. */
  public record Stats(
      long published,
      long retried,
      long failed,
      long droppedQueueFull,
      long oversized,
      long received,
      long rejected,
      long ownEchoes,
      int held) {}

  // ---- publish queue: guarded by `this` ---------------------------------------------------------
  private enum State {
    QUEUED,
    IN_FLIGHT,
    DONE
  }

  private static final class Pending {
    final ChannelQueue queue;
    final String body;
    final String meta;
    final Promise<Void> promise = Promise.promise();
    State state = State.QUEUED;
    int attempts;

    Pending(ChannelQueue queue, String body, String meta) {
      this.queue = queue;
      this.body = body;
      this.meta = meta;
    }
  }

  private static final class ChannelQueue {
    final String channel;
    final ArrayDeque<Pending> queued = new ArrayDeque<>();
    boolean busy;
    boolean ready;

    ChannelQueue(String channel) {
      this.channel = channel;
    }
  }

  private final Map<String, ChannelQueue> channels = new HashMap<>();
  private final ArrayDeque<ChannelQueue> readyChannels = new ArrayDeque<>();
  private final ArrayDeque<Pending> order = new ArrayDeque<>();
  private int held;
  private int inFlight;
  private boolean closed;

  // ---- subscriptions ----------------------------------------------------------------------------
  private static final class Sub {
    final Consumer<Envelope> handler;

    Sub(Consumer<Envelope> handler) {
      this.handler = handler;
    }

    /** Calls the handler under the subscription's lock: one thread at a time (rule 6). */
    synchronized void deliver(Envelope e) {
      try {
        handler.accept(e);
      } catch (RuntimeException ex) {
        log.warn("subscriber failed on {}: {}", e.channel(), ex.toString());
      }
    }
  }

  private final Map<String, List<Sub>> subsByUser = new ConcurrentHashMap<>();

  // ---- poll loop: touched on `context` only -----------------------------------------------------
  private Set<String> pollChannels = new TreeSet<>();
  private String timetoken = "0";
  private String region = null;
  private long generation;
  private HttpClientRequest currentPoll;
  private int pollFailures;
  private final List<Promise<Void>> waitingForHandshake = new ArrayList<>();

  public PubNubBroker(Vertx vertx, PubNubOptions options) {
    this(vertx, options, new JsonCodec());
  }

  public PubNubBroker(Vertx vertx, PubNubOptions options, JsonCodec codec) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.options = options;
    this.codec = codec;
    HttpClientOptions httpOptions =
        new HttpClientOptions()
            .setSsl(options.secure())
            .setDefaultHost(options.host())
            .setDefaultPort(options.port())
            .setConnectTimeout(
                (int) Math.min(Integer.MAX_VALUE, options.requestTimeout().toMillis()))
            .setKeepAlive(true);
    // Publishes (maxInFlight) plus one long-poll plus a spare for ping.
    this.http =
        vertx.createHttpClient(
            httpOptions, new PoolOptions().setHttp1MaxSize(options.maxInFlight() + 2));
    this.web =
        WebClient.wrap(
            http,
            new WebClientOptions()
                .setDefaultHost(options.host())
                .setDefaultPort(options.port())
                .setSsl(options.secure()));
  }

  public PubNubOptions options() {
    return options;
  }

  public Stats stats() {
    int h;
    synchronized (this) {
      h = held;
    }
    return new Stats(
        published.get(),
        retried.get(),
        failed.get(),
        droppedQueueFull.get(),
        oversized.get(),
        received.get(),
        rejected.get(),
        ownEchoes.get(),
        h);
  }

  // =============================================================================================
  // publish
  // =============================================================================================

  @Override
  public Future<Void> publish(Envelope envelope) {
    deliverLocally(envelope);
    String channel = envelope.channel();
    String meta = meta(envelope);
    int size =
        Pct.encodedLength(envelope.json()) + Pct.encodedLength(meta) + Pct.encodedLength(channel);
    if (size > options.maxMessageBytes()) {
      long n = oversized.incrementAndGet();
      if (n == 1 || n % 100 == 0) {
        log.warn(
            "not published to PubNub: {} bytes on {} exceed PubNub's {} (oversized so far: {})",
            size,
            channel,
            options.maxMessageBytes(),
            n);
      }
      return Future.failedFuture(
          new PubNubException("message too large for PubNub: " + size + " bytes", 413));
    }
    List<Pending> toSend;
    Pending p;
    Pending dropped = null;
    synchronized (this) {
      if (closed) {
        return Future.failedFuture(new PubNubException("broker closed", 0));
      }
      ChannelQueue q = channels.computeIfAbsent(channel, ChannelQueue::new);
      p = new Pending(q, envelope.json(), meta);
      if (held >= options.maxQueued()) {
        dropped = dropOldestQueued();
        if (dropped == null) {
          // everything held is in flight: the new one is the one that cannot be kept
          dropped = p;
        }
      }
      if (dropped != p) {
        q.queued.add(p);
        order.add(p);
        held++;
        markReady(q);
      }
      toSend = takeSendable();
    }
    if (dropped != null) {
      long n = droppedQueueFull.incrementAndGet();
      if (n == 1 || n % 1000 == 0) {
        log.warn(
            "PubNub publish queue full ({}): dropped the oldest message (dropped so far: {})",
            options.maxQueued(),
            n);
      }
      dropped.promise.tryFail(
          new PubNubException(
              "dropped: PubNub publish queue full (" + options.maxQueued() + ")", 0));
    }
    if (!toSend.isEmpty()) {
      // HTTP work happens on the broker's context, never on the caller's thread
      context.runOnContext(v -> toSend.forEach(this::attempt));
    }
    return p.promise.future();
  }

  /** Removes the oldest message not yet in flight; null if there is none. Holds `this`. */
  private Pending dropOldestQueued() {
    for (Iterator<Pending> it = order.iterator(); it.hasNext(); ) {
      Pending candidate = it.next();
      if (candidate.state == State.DONE) {
        it.remove();
      } else if (candidate.state == State.QUEUED) {
        it.remove();
        // channel queues are FIFO subsets of `order`, so this is its channel's head
        candidate.queue.queued.remove(candidate);
        candidate.state = State.DONE;
        held--;
        if (candidate.queue.queued.isEmpty() && !candidate.queue.busy) {
          channels.remove(candidate.queue.channel);
        }
        return candidate;
      }
    }
    return null;
  }

  private void markReady(ChannelQueue q) {
    if (!q.busy && !q.ready && !q.queued.isEmpty()) {
      q.ready = true;
      readyChannels.add(q);
    }
  }

  /** Moves ready channels' heads to in flight, up to maxInFlight. Holds `this`. */
  private List<Pending> takeSendable() {
    List<Pending> out = new ArrayList<>();
    while (inFlight < options.maxInFlight() && !readyChannels.isEmpty()) {
      ChannelQueue q = readyChannels.poll();
      q.ready = false;
      Pending next = q.queued.poll();
      if (next == null) {
        continue;
      }
      q.busy = true;
      next.state = State.IN_FLIGHT;
      inFlight++;
      out.add(next);
    }
    if (order.size() > 2 * options.maxQueued()) {
      order.removeIf(x -> x.state == State.DONE);
    }
    return out;
  }

  private void attempt(Pending p) {
    p.attempts++;
    String uri =
        "/publish/"
            + Pct.encode(options.publishKey())
            + "/"
            + Pct.encode(options.subscribeKey())
            + "/0/"
            + Pct.encode(p.queue.channel)
            + "/0?uuid="
            + Pct.encode(options.uuid())
            + "&meta="
            + Pct.encode(p.meta);
    web.request(HttpMethod.POST, uri)
        .putHeader("Content-Type", "application/json")
        .timeout(options.requestTimeout().toMillis())
        .sendBuffer(Buffer.buffer(p.body))
        .onComplete(ar -> context.runOnContext(v -> attempted(p, ar.result(), ar.cause())));
  }

  private void attempted(Pending p, HttpResponse<Buffer> resp, Throwable error) {
    if (error == null && resp.statusCode() == 200 && sentReceipt(resp)) {
      published.incrementAndGet();
      finish(p, null);
      return;
    }
    int status = error == null ? resp.statusCode() : 0;
    String what = error != null ? error.toString() : status + " " + clip(resp.bodyAsString());
    if (status == 413
        || (error == null && String.valueOf(resp.bodyAsString()).contains("Too Large"))) {
      oversized.incrementAndGet();
      log.warn("PubNub refused a message on {} as too large: {}", p.queue.channel, what);
      finish(p, new PubNubException("PubNub: message too large", 413));
      return;
    }
    boolean retryable = status == 0 || status == 429 || status >= 500 || status == 200;
    boolean isClosed;
    synchronized (this) {
      isClosed = closed;
    }
    if (retryable && p.attempts < options.maxAttempts() && !isClosed) {
      retried.incrementAndGet();
      long delay = Math.max(1, options.backoff(p.attempts).toMillis());
      log.debug("PubNub publish on {} failed ({}), retry in {} ms", p.queue.channel, what, delay);
      vertx.setTimer(delay, t -> attempt(p));
      return;
    }
    failed.incrementAndGet();
    log.warn(
        "PubNub publish on {} failed after {} attempt(s): {}", p.queue.channel, p.attempts, what);
    finish(p, new PubNubException("PubNub publish failed: " + what, status));
  }

  private static boolean sentReceipt(HttpResponse<Buffer> resp) {
    try {
      JsonArray a = new JsonArray(resp.bodyAsString());
      return a.size() >= 1 && Integer.valueOf(1).equals(a.getInteger(0));
    } catch (RuntimeException e) {
      return false;
    }
  }

  private void finish(Pending p, Throwable failure) {
    List<Pending> toSend;
    synchronized (this) {
      if (p.state != State.DONE) {
        p.state = State.DONE;
        held--;
      }
      ChannelQueue q = p.queue;
      q.busy = false;
      inFlight--;
      if (q.queued.isEmpty()) {
        channels.remove(q.channel, q);
      } else {
        markReady(q);
      }
      toSend = takeSendable();
    }
    if (failure == null) {
      p.promise.tryComplete();
    } else {
      p.promise.tryFail(failure);
    }
    toSend.forEach(this::attempt);
  }

  private String meta(Envelope e) {
    JsonObject m = new JsonObject().put("v", 1).put("node", options.uuid()).put("user", e.userId());
    Route r = e.route();
    m.put("route", r.kind().name().toLowerCase(java.util.Locale.ROOT));
    if (r.deviceId() != null) {
      m.put("device_id", r.deviceId());
    }
    if (e.opTimestamp() != null) {
      m.put("op_timestamp", e.opTimestamp().toString());
    }
    return m.encode();
  }

  private void deliverLocally(Envelope e) {
    List<Sub> subs = subsByUser.get(e.userId());
    if (subs != null) {
      for (Sub s : subs) {
        s.deliver(e);
      }
    }
  }

  // =============================================================================================
  // subscribe
  // =============================================================================================

  @Override
  public Future<Subscription> subscribe(String userId, Consumer<Envelope> handler) {
    Sub sub = new Sub(handler);
    subsByUser.computeIfAbsent(userId, k -> new CopyOnWriteArrayList<>()).add(sub);
    Promise<Void> ready = Promise.promise();
    context.runOnContext(v -> channelsChanged(ready));
    long readyTimer =
        vertx.setTimer(
            Math.max(1, options.subscribeReadyTimeout().toMillis()),
            t -> {
              if (ready.tryComplete()) {
                log.warn(
                    "PubNub subscribe for {} not confirmed within {}; live delivery from other"
                        + " nodes resumes when PubNub answers",
                    userId,
                    options.subscribeReadyTimeout());
              }
            });
    return ready
        .future()
        .map(
            v -> {
              vertx.cancelTimer(readyTimer);
              Subscription s = () -> unsubscribe(userId, sub);
              return s;
            });
  }

  private Future<Void> unsubscribe(String userId, Sub sub) {
    subsByUser.computeIfPresent(
        userId,
        (k, list) -> {
          list.remove(sub);
          return list.isEmpty() ? null : list;
        });
    context.runOnContext(v -> channelsChanged(null));
    return Future.succeededFuture();
  }

  /** On context: recompute the channel set; restart the poll if it changed. */
  private void channelsChanged(Promise<Void> ready) {
    synchronized (this) {
      if (closed) {
        if (ready != null) {
          ready.tryFail(new PubNubException("broker closed", 0));
        }
        return;
      }
    }
    Set<String> wanted = new TreeSet<>();
    for (String user : subsByUser.keySet()) {
      for (Topic t : Topic.values()) {
        wanted.add(t.channel(user));
      }
    }
    boolean changed = !wanted.equals(pollChannels);
    if (changed) {
      pollChannels = wanted;
      generation++;
      if (currentPoll != null) {
        currentPoll.reset();
        currentPoll = null;
      }
      if (wanted.isEmpty()) {
        // idle: no poll; the next subscriber starts from a fresh timetoken
        timetoken = "0";
        region = null;
        return;
      }
    }
    if (ready != null) {
      if (!"0".equals(timetoken)) {
        // the next poll asks for everything after a timetoken taken before this call
        ready.tryComplete();
      } else {
        waitingForHandshake.add(ready);
      }
    }
    if (changed) {
      poll(generation);
    }
  }

  private void poll(long gen) {
    if (gen != generation || pollChannels.isEmpty()) {
      return;
    }
    String uri =
        "/v2/subscribe/"
            + Pct.encode(options.subscribeKey())
            + "/"
            + String.join(",", pollChannels.stream().map(Pct::encode).toList())
            + "/0?tt="
            + timetoken
            + (region != null ? "&tr=" + Pct.encode(region) : "")
            + "&uuid="
            + Pct.encode(options.uuid());
    RequestOptions ro =
        new RequestOptions()
            .setMethod(HttpMethod.GET)
            .setURI(uri)
            .setIdleTimeout(options.subscribeTimeout().toMillis());
    http.request(ro)
        .compose(
            req -> {
              if (gen != generation) {
                req.reset();
                return Future.failedFuture("stale poll");
              }
              currentPoll = req;
              return req.send().compose(resp -> resp.body().map(b -> Map.entry(resp, b)));
            })
        .onComplete(
            ar ->
                context.runOnContext(
                    v -> {
                      if (gen != generation) {
                        return;
                      }
                      currentPoll = null;
                      if (ar.failed()) {
                        pollFailed(gen, ar.cause().toString());
                      } else if (ar.result().getKey().statusCode() != 200) {
                        pollFailed(
                            gen,
                            ar.result().getKey().statusCode()
                                + " "
                                + clip(ar.result().getValue().toString()));
                      } else {
                        pollAnswered(gen, ar.result().getValue());
                      }
                    }));
  }

  private void pollFailed(long gen, String what) {
    pollFailures++;
    long delay = options.backoff(pollFailures).toMillis();
    if (pollFailures == 1 || pollFailures % 10 == 0) {
      log.warn(
          "PubNub subscribe failed ({} in a row): {}; retry in {} ms", pollFailures, what, delay);
    }
    vertx.setTimer(Math.max(1, delay), t -> context.runOnContext(v -> poll(gen)));
  }

  private void pollAnswered(long gen, Buffer body) {
    JsonObject answer;
    String nextTt;
    Object nextRegion;
    JsonArray messages;
    try {
      answer = new JsonObject(body);
      JsonObject t = answer.getJsonObject("t");
      nextTt = String.valueOf(t.getValue("t"));
      nextRegion = t.getValue("r");
      if (!nextTt.matches("[0-9]{1,20}")) {
        throw new IllegalArgumentException("bad timetoken " + clip(nextTt));
      }
      messages = answer.getJsonArray("m", new JsonArray());
    } catch (RuntimeException e) {
      pollFailed(gen, "malformed subscribe answer: " + e);
      return;
    }
    pollFailures = 0;
    for (int i = 0; i < messages.size(); i++) {
      Object m = messages.getValue(i);
      if (m instanceof JsonObject message) {
        handleIncoming(message);
      } else {
        reject("not an object", null);
      }
    }
    timetoken = nextTt;
    region = nextRegion == null ? null : String.valueOf(nextRegion);
    if (!waitingForHandshake.isEmpty()) {
      List<Promise<Void>> ready = new ArrayList<>(waitingForHandshake);
      waitingForHandshake.clear();
      ready.forEach(Promise::tryComplete);
    }
    poll(gen);
  }

  /** Validates one received message and hands it to the user's subscribers. */
  void handleIncoming(JsonObject m) {
    Object kind = m.getValue("e");
    if (kind != null && !Integer.valueOf(0).equals(kind)) {
      return; // signals, objects, files, message actions: not ours
    }
    received.incrementAndGet();
    Object c = m.getValue("c");
    Matcher cm = c instanceof String s ? CHANNEL.matcher(s) : null;
    if (cm == null || !cm.matches()) {
      reject("unknown channel", c);
      return;
    }
    String userId = cm.group(1);
    Topic topic = topicOf(cm.group(2));
    List<Sub> subs = subsByUser.get(userId);
    if (subs == null) {
      return; // unsubscribed meanwhile
    }
    Object u = m.getValue("u");
    if (!(u instanceof JsonObject meta)) {
      reject("no meta", c);
      return;
    }
    if (!userId.equals(meta.getValue("user"))) {
      reject("meta user does not match the channel", c);
      return;
    }
    Object node = meta.getValue("node");
    if (!(node instanceof String)) {
      reject("meta without node", c);
      return;
    }
    if (options.uuid().equals(node)) {
      ownEchoes.incrementAndGet(); // our own publish: delivered locally already
      return;
    }
    Route route = route(meta);
    if (route == null) {
      reject("bad route", c);
      return;
    }
    Object d = m.getValue("d");
    if (!(d instanceof JsonObject payload)) {
      reject("message is not a JSON object", c);
      return;
    }
    String canonical;
    HybridTimestamp opTimestamp = null;
    try {
      String raw = payload.encode();
      ServerMessage msg =
          topic == Topic.SYNC ? codec.decodeOp(raw) : codec.decodeServerMessage(raw);
      if (!fits(topic, msg, route)) {
        reject("message type does not belong on " + topic.suffix(), c);
        return;
      }
      if (msg instanceof SyncOp op) {
        opTimestamp = op.timestamp();
        Object metaTs = meta.getValue("op_timestamp");
        if (metaTs != null && !op.timestamp().toString().equals(metaTs)) {
          reject("meta op_timestamp does not match the op", c);
          return;
        }
      }
      canonical = codec.encode(msg);
    } catch (RuntimeException e) {
      reject("invalid message: " + e.getMessage(), c);
      return;
    }
    Envelope envelope = new Envelope(userId, topic, canonical, route, opTimestamp);
    for (Sub s : subs) {
      s.deliver(envelope);
    }
  }

  private static boolean fits(Topic topic, ServerMessage msg, Route route) {
    return switch (topic) {
      case SYNC -> msg instanceof SyncOp;
      case DEVICES ->
          msg instanceof DeviceOnline
              || msg instanceof DeviceOffline
              || msg instanceof HandoffResult
              || (msg instanceof DeviceCommand cmd
                  && route.kind() == Route.Kind.ONLY
                  && route.deviceId().equals(cmd.targetDeviceId()));
      case NOTIFICATIONS -> msg instanceof Notification;
    };
  }

  private static Topic topicOf(String suffix) {
    for (Topic t : Topic.values()) {
      if (t.suffix().equals(suffix)) {
        return t;
      }
    }
    throw new IllegalArgumentException(suffix);
  }

  private static Route route(JsonObject meta) {
    Object kind = meta.getValue("route");
    Object device = meta.getValue("device_id");
    if ("every_device".equals(kind)) {
      return Route.EVERY_DEVICE;
    }
    if (!(device instanceof String id) || !Limits.isValidId(id)) {
      return null;
    }
    if ("all_except".equals(kind)) {
      return Route.allExcept(id);
    }
    if ("only".equals(kind)) {
      return Route.only(id);
    }
    return null;
  }

  private void reject(String why, Object channel) {
    long n = rejected.incrementAndGet();
    if (n <= 10 || n % 100 == 0) {
      log.warn(
          "dropped a message from PubNub on {}: {} (dropped so far: {})",
          channel instanceof String s ? clip(s) : "?",
          why,
          n);
    }
  }

  // =============================================================================================

  /** {@code GET /time/0}: a cheap request proving the origin answers. */
  @Override
  public Future<Void> ping() {
    return web.get("/time/0")
        .timeout(options.requestTimeout().toMillis())
        .send()
        .compose(
            resp ->
                resp.statusCode() == 200
                    ? Future.<Void>succeededFuture()
                    : Future.failedFuture(
                        new PubNubException(
                            "PubNub time: " + resp.statusCode(), resp.statusCode())));
  }

  /** Stops the poll, fails what is still queued, closes the HTTP client. */
  @Override
  public Future<Void> close() {
    List<Pending> abandoned = new ArrayList<>();
    synchronized (this) {
      if (closed) {
        return Future.succeededFuture();
      }
      closed = true;
      for (ChannelQueue q : channels.values()) {
        abandoned.addAll(q.queued);
        q.queued.clear();
      }
      readyChannels.clear();
    }
    abandoned.forEach(p -> p.promise.tryFail(new PubNubException("broker closed", 0)));
    subsByUser.clear();
    Promise<Void> stopped = Promise.promise();
    context.runOnContext(
        v -> {
          generation++;
          if (currentPoll != null) {
            currentPoll.reset();
            currentPoll = null;
          }
          waitingForHandshake.forEach(p -> p.tryFail(new PubNubException("broker closed", 0)));
          waitingForHandshake.clear();
          stopped.complete();
        });
    return stopped.future().compose(v -> http.close()).recover(e -> Future.succeededFuture());
  }

  private static String clip(String s) {
    if (s == null) {
      return "null";
    }
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }
}
