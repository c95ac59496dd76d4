package dev.mediasync.engine;

import dev.mediasync.core.HybridTimestamp;
import dev.mediasync.core.PhysicalClock;
import dev.mediasync.engine.port.Broker;
import dev.mediasync.engine.port.CatchUp;
import dev.mediasync.engine.port.Envelope;
import dev.mediasync.engine.port.LoggedOp;
import dev.mediasync.engine.port.OpStore;
import dev.mediasync.protocol.CloseCode;
import dev.mediasync.protocol.JsonCodec;
import dev.mediasync.protocol.ServerMessage.Snapshot;
import dev.mediasync.protocol.UserState;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * The sessions connected to this node, grouped by user, and the one broker subscription per user
 * that feeds them.
 *
 * <p>Opening a session follows the handshake of docs/protocol.md: subscribe first, then read the op
 * log after {@code since}, then go live (see {@link LiveSession}); a device never misses an op that
 * falls between the read and the subscription.
 */
public final class SessionHub {

  private final Broker broker;
  private final OpStore store;
  private final SyncService sync;
  private final JsonCodec codec;
  private final PhysicalClock clock;
  private final EngineOptions options;
  private final SyncListener listener;

  private final Map<String, UserSessions> users = new ConcurrentHashMap<>();

  /** One user's local sessions and the broker subscription shared by them. */
  private final class UserSessions {
    final String userId;
    final List<LiveSession> sessions = new CopyOnWriteArrayList<>();
    final Future<Broker.Subscription> subscription;

    UserSessions(String userId) {
      this.userId = userId;
      this.subscription = broker.subscribe(userId, this::deliver);
    }

    void deliver(Envelope envelope) {
      int sent = 0;
      for (LiveSession s : sessions) {
        if (s.deliver(envelope)) {
          sent++;
        }
      }
      listener.fannedOut(sent);
      listener.delivered(envelope, sent);
    }
  }

  public SessionHub(
      Broker broker,
      OpStore store,
      SyncService sync,
      JsonCodec codec,
      PhysicalClock clock,
      EngineOptions options,
      SyncListener listener) {
    this.broker = broker;
    this.store = store;
    this.sync = sync;
    this.codec = codec;
    this.clock = clock;
    this.options = options;
    this.listener = listener;
  }

  /**
   * Registers {@code channel} and brings it live: once subscribed, the {@code welcome} message,
   * then the catch-up after {@code since} (null: none), then live traffic. The future completes
   * once the session is live.
   */
  public Future<LiveSession> open(
      DeviceChannel channel, HybridTimestamp since, Supplier<String> welcome) {
    LiveSession session = new LiveSession(channel, clock.currentTimeMillis());
    UserSessions group;
    synchronized (this) {
      group = users.computeIfAbsent(channel.userId(), UserSessions::new);
      group.sessions.add(session);
    }
    listener.sessionOpened();
    return group
        .subscription
        // The welcome goes out once the subscription is live, so nothing published after it can
        // be missed, and before the catch-up, so it stays the first message.
        .compose(sub -> channel.sendPaced(welcome.get()))
        .compose(v -> since == null ? Future.succeededFuture() : catchUp(session, since))
        .map(
            v -> {
              session.goLive();
              return session;
            })
        .onFailure(e -> close(session));
  }

  /** Unregisters a session; the last one of a user drops the user's subscription. */
  public void close(LiveSession session) {
    String userId = session.channel().userId();
    UserSessions emptied = null;
    synchronized (this) {
      UserSessions group = users.get(userId);
      if (group != null && group.sessions.remove(session) && group.sessions.isEmpty()) {
        users.remove(userId);
        emptied = group;
      }
    }
    if (emptied != null) {
      emptied.subscription.onSuccess(Broker.Subscription::unsubscribe);
    }
  }

  /** Closes every session silent for longer than the presence timeout. */
  public int sweepIdle() {
    long now = clock.currentTimeMillis();
    long timeout = options.presenceTimeout().toMillis();
    int closed = 0;
    for (UserSessions group : users.values()) {
      for (LiveSession s : group.sessions) {
        if (now - s.lastActivityMillis() >= timeout) {
          s.channel().close(CloseCode.PRESENCE_TIMEOUT);
          closed++;
        }
      }
    }
    return closed;
  }

  /** Every session on this node, e.g. to close them at shutdown. */
  public List<LiveSession> sessions() {
    List<LiveSession> all = new ArrayList<>();
    users.values().forEach(g -> all.addAll(g.sessions));
    return all;
  }

  /** True if a device of {@code userId} is connected to this node. */
  public boolean hasSessions(String userId) {
    return users.containsKey(userId);
  }

  public int sessionCount() {
    int n = 0;
    for (UserSessions g : users.values()) {
      n += g.sessions.size();
    }
    return n;
  }

  private Future<Void> catchUp(LiveSession session, HybridTimestamp since) {
    String userId = session.channel().userId();
    return store
        .since(userId, since, options.catchUpLimit())
        .recover(e -> Future.failedFuture(SyncService.unavailable(e)))
        .compose(
            result ->
                result.truncated() ? sendSnapshot(session, userId) : sendOps(session, result));
  }

  private Future<Void> sendOps(LiveSession session, CatchUp result) {
    listener.catchUpServed(false, result.ops().size());
    return sendFrom(session, result.ops(), 0);
  }

  /** Sends ops in order, pausing whenever the socket's queue is full until it drains. */
  private Future<Void> sendFrom(LiveSession session, List<LoggedOp> ops, int from) {
    for (int i = from; i < ops.size(); i++) {
      LoggedOp op = ops.get(i);
      Future<Void> sent = session.sendCatchUp(op.payload(), op.timestamp());
      if (!sent.isComplete()) {
        int next = i + 1;
        return sent.compose(v -> sendFrom(session, ops, next));
      }
    }
    return Future.succeededFuture();
  }

  private Future<Void> sendSnapshot(LiveSession session, String userId) {
    return sync.state(userId)
        .map(
            (UserState state) -> {
              session.sendCatchUp(
                  codec.encode(new Snapshot(state, state.latest())), state.latest());
              listener.catchUpServed(true, 0);
              return null;
            });
  }
}
