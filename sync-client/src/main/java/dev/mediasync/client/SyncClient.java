package dev.mediasync.client;

import dev.mediasync.core.ClockSkewException;
import dev.mediasync.core.HybridClock;
import dev.mediasync.core.HybridTimestamp;
import dev.mediasync.protocol.ClientMessage;
import dev.mediasync.protocol.ClientMessage.HandoffAck;
import dev.mediasync.protocol.ClientMessage.PreferenceWrite;
import dev.mediasync.protocol.ClientMessage.ProgressWrite;
import dev.mediasync.protocol.ClientMessage.WatchlistWrite;
import dev.mediasync.protocol.ClientMessage.Write;
import dev.mediasync.protocol.HandoffStatus;
import dev.mediasync.protocol.JsonCodec;
import dev.mediasync.protocol.PlaybackState;
import dev.mediasync.protocol.Progress;
import dev.mediasync.protocol.RawJson;
import dev.mediasync.protocol.ServerMessage;
import dev.mediasync.protocol.ServerMessage.Ack;
import dev.mediasync.protocol.ServerMessage.DeviceCommand;
import dev.mediasync.protocol.ServerMessage.DeviceOffline;
import dev.mediasync.protocol.ServerMessage.DeviceOnline;
import dev.mediasync.protocol.ServerMessage.HandoffResult;
import dev.mediasync.protocol.ServerMessage.HeartbeatAck;
import dev.mediasync.protocol.ServerMessage.Notification;
import dev.mediasync.protocol.ServerMessage.Snapshot;
import dev.mediasync.protocol.ServerMessage.SyncOp;
import dev.mediasync.protocol.ServerMessage.Welcome;
import dev.mediasync.protocol.SyncException;
import dev.mediasync.protocol.UserState;
import dev.mediasync.protocol.WatchlistOperation;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A device's connection to the sync service, with a local replica of the user's state.
 *
 * <pre>{@code
 * SyncClient client = new SyncClient(SyncClientOptions.builder(uri, "tv-1", tokens::current).build());
 * client.addListener(new SyncListener() {
 *   public void onStateChanged(UserState s) { render(s.watchlist().elements()); }
 * });
 * client.connect();
 * client.addToWatchlist("tmdb:550");            // visible in state() at once, sent when online
 * }</pre>
 *
 * <p><b>Local state, outbox, acks.</b> {@link #state()} is the server-confirmed state with this
 * device's unacknowledged writes applied on top (see {@link Replica}). A write gets a UUID {@code
 * op_id} and a provisional timestamp from the client's own {@link HybridClock} when it is made, is
 * validated by the server's codec on the spot (a bad write throws here, it never enters the
 * outbox), is shown at once and goes into the outbox. The outbox is sent in order whenever the
 * client is connected; each connection resends everything not yet acknowledged, with the same
 * {@code op_id} and body, so a write whose ack was lost is answered {@code duplicate} and applied
 * once. The server does not echo a write to its writer: the ack's timestamp turns the write into
 * the op the server applied, which then replaces the provisional one. A watchlist remove names the
 * tags of the adds visible when it was made, so an add of another device that this one had not seen
 * survives (add wins).
 *
 * <p><b>Connection.</b> {@link #connect()} opens a WebSocket with {@code since=} the highest op
 * timestamp received (0 at first: the server sends the whole log or a snapshot). A lost connection
 * is retried after exponential backoff with full jitter ({@link Backoff}); the count resets at each
 * {@code welcome}. While connected a {@code heartbeat} goes out every interval; if nothing at all
 * arrives for two intervals the socket is presumed dead and replaced.
 *
 * <p><b>Threads.</b> Thread-safe: every public method may be called from any thread. State is
 * guarded by one lock, held only for in-memory work (sends are queued, never awaited). Listener
 * callbacks run on the callback executor, in event order, outside the lock. The outbox lives in
 * memory: writes still pending when the process ends are lost ({@link #pendingWrites()} shows
 * them).
 */
public final class SyncClient implements AutoCloseable {
  private final SyncClientOptions options;
  private final JsonCodec codec = new JsonCodec();
  private final HybridClock clock;
  private final Backoff backoff;
  private final Scheduler scheduler;
  private final Callbacks callbacks;
  private final HttpClient http;
  private final ScheduledExecutorService ownedScheduler;
  private final ExecutorService ownedCallbacks;
  private final Object lock = new Object();

  // Guarded by lock.
  private final Replica replica;
  private final Set<String> sentOnCurrent = new HashSet<>();
  private ConnectionState state = ConnectionState.DISCONNECTED;
  private Connection current;
  private Scheduler.Cancellable reconnectTimer;
  private Scheduler.Cancellable heartbeatTimer;
  private int attempt;
  private long lastFrameMillis;
  private boolean started;
  private UserState lastEmitted = UserState.EMPTY;

  public SyncClient(SyncClientOptions options) {
    this.options = options;
    // The server is the authority on time: never refuse its readings as skewed.
    this.clock = new HybridClock(options.clock(), Long.MAX_VALUE);
    this.backoff = new Backoff(options.backoffMin(), options.backoffMax(), options.jitter());
    this.replica = new Replica(options.deviceId());
    if (options.scheduler() != null) {
      this.ownedScheduler = null;
      this.scheduler = options.scheduler();
    } else {
      this.ownedScheduler =
          Executors.newSingleThreadScheduledExecutor(daemon("mediasync-client-timer"));
      this.scheduler = Scheduler.of(ownedScheduler);
    }
    if (options.callbackExecutor() != null) {
      this.ownedCallbacks = null;
      this.callbacks = new Callbacks(options.callbackExecutor());
    } else {
      this.ownedCallbacks = Executors.newSingleThreadExecutor(daemon("mediasync-client-callback"));
      this.callbacks = new Callbacks(ownedCallbacks);
    }
    this.http = options.httpClient() != null ? options.httpClient() : HttpClient.newHttpClient();
  }

  public void addListener(SyncListener listener) {
    callbacks.add(listener);
  }

  public void removeListener(SyncListener listener) {
    callbacks.remove(listener);
  }

  /** Starts connecting (in the background) and keeps reconnecting until {@link #close()}. */
  public void connect() {
    synchronized (lock) {
      if (started || state == ConnectionState.CLOSED) {
        return;
      }
      started = true;
      reconnectTimer = scheduler.schedule(Duration.ZERO, this::openConnection);
    }
  }

  /** Closes the socket with 1000 and stops every timer. Pending writes stay unsent. */
  @Override
  public void close() {
    synchronized (lock) {
      if (state == ConnectionState.CLOSED) {
        return;
      }
      cancelTimers();
      if (current != null) {
        current.close();
        current = null;
      }
      setState(ConnectionState.CLOSED);
    }
    if (ownedScheduler != null) {
      ownedScheduler.shutdownNow();
    }
    if (ownedCallbacks != null) {
      ownedCallbacks.shutdown(); // queued callbacks (the CLOSED event) still run
    }
  }

  public ConnectionState connectionState() {
    synchronized (lock) {
      return state;
    }
  }

  /** The user's state as this device sees it: confirmed by the server, plus pending writes. */
  public UserState state() {
    synchronized (lock) {
      return replica.visible();
    }
  }

  /** Writes not yet acknowledged, oldest first, as they are (or will be) sent. */
  public List<Write> pendingWrites() {
    synchronized (lock) {
      return replica.pendingWrites();
    }
  }

  /** Adds {@code contentId} to the watchlist; returns the write's op_id. */
  public String addToWatchlist(String contentId) {
    return write(
        (opId, ts) -> new WatchlistWrite(WatchlistOperation.ADD, contentId, null, opId, ts));
  }

  /**
   * Removes {@code contentId}: exactly the adds this device can see now. An add made concurrently
   * on another device and not yet seen here survives (add wins). Returns the write's op_id.
   */
  public String removeFromWatchlist(String contentId) {
    return write(
        (opId, ts) ->
            new WatchlistWrite(WatchlistOperation.REMOVE, contentId, List.of(), opId, ts));
  }

  /** Sets the playback position of {@code contentId} (last writer wins); returns the op_id. */
  public String updateProgress(
      String contentId, double positionSeconds, double durationSeconds, PlaybackState state) {
    return write(
        (opId, ts) ->
            new ProgressWrite(
                contentId, new Progress(positionSeconds, durationSeconds, state), opId, ts));
  }

  /** Sets preference {@code key} to any JSON value (last writer wins); returns the op_id. */
  public String setPreference(String key, RawJson value) {
    return write((opId, ts) -> new PreferenceWrite(key, value, opId, ts));
  }

  /**
   * Answers a handoff {@code play} command. Not queued: an answer that arrives late is worthless,
   * so it is only sent if connected. Returns whether it was sent.
   */
  public boolean acknowledgeHandoff(String handoffId, HandoffStatus status, String reason) {
    String frame = codec.encodeClientMessage(new HandoffAck(handoffId, status, reason));
    codec.decodeClientFrame(frame); // the server's validation, here, so a bad ack throws
    synchronized (lock) {
      if (state != ConnectionState.CONNECTED) {
        return false;
      }
      current.send(frame);
      return true;
    }
  }

  // ---- writes ---------------------------------------------------------------------------------

  private interface WriteFactory {
    Write make(String opId, HybridTimestamp timestamp);
  }

  private String write(WriteFactory factory) {
    String opId = UUID.randomUUID().toString();
    synchronized (lock) {
      HybridTimestamp ts = clock.now();
      // Round-trip through the server's own decoder: it validates exactly as the server will, and
      // normalises (e.g. compacts a preference value) so the local op equals the server's.
      Write write =
          (Write) codec.decodeClientFrame(codec.encodeClientMessage(factory.make(opId, ts)));
      PendingWrite pending =
          write instanceof WatchlistWrite w && w.operation() == WatchlistOperation.REMOVE
              ? replica.planRemove(w, ts)
              : new PendingWrite(write, ts, java.util.Map.of());
      replica.enqueue(pending);
      emitStateIfChanged();
      flush();
    }
    return opId;
  }

  /** Sends, in order, every outbox write not yet sent on this connection. Holds the lock. */
  private void flush() {
    if (state != ConnectionState.CONNECTED) {
      return;
    }
    for (PendingWrite w : replica.outbox()) {
      if (sentOnCurrent.contains(w.opId())) {
        continue;
      }
      if (!w.sendable()) {
        break; // a remove waiting for the ack of an earlier add; later writes keep their order
      }
      current.send(codec.encodeClientMessage(w.write()));
      sentOnCurrent.add(w.opId());
    }
  }

  // ---- connection -----------------------------------------------------------------------------

  private void openConnection() {
    String token;
    try {
      token = options.token().get();
    } catch (RuntimeException e) {
      synchronized (lock) {
        if (state != ConnectionState.CLOSED) {
          scheduleReconnect("token supplier failed: " + e);
        }
      }
      return;
    }
    Connection connection = new Connection(new Handler());
    java.net.URI uri;
    synchronized (lock) {
      if (state == ConnectionState.CLOSED) {
        return;
      }
      current = connection;
      sentOnCurrent.clear();
      setState(ConnectionState.CONNECTING);
      uri = WsUrl.of(options, replica.cursor());
    }
    http.newWebSocketBuilder()
        .header("Authorization", "Bearer " + token)
        .connectTimeout(Duration.ofSeconds(10))
        .buildAsync(uri, connection)
        .whenComplete(
            (ws, e) -> {
              if (e != null) {
                connection.failed(e);
              }
            });
  }

  /** Routes socket events; ignores those of a connection that is no longer current. */
  private final class Handler implements Connection.Handler {
    @Override
    public void onFrame(Connection connection, String text) {
      ServerMessage message;
      try {
        message = codec.decodeServerMessage(text);
      } catch (SyncException e) {
        callbacks.emit(l -> l.onProtocolError(text, e));
        return;
      }
      synchronized (lock) {
        if (connection != current) {
          return;
        }
        lastFrameMillis = options.clock().currentTimeMillis();
        receive(message);
        emitStateIfChanged();
      }
    }

    @Override
    public void onLost(Connection connection, String reason) {
      synchronized (lock) {
        if (connection != current || state == ConnectionState.CLOSED) {
          return;
        }
        current = null;
        cancelTimers();
        scheduleReconnect(reason);
      }
    }
  }

  private void scheduleReconnect(String reason) {
    setState(ConnectionState.DISCONNECTED);
    Duration delay = backoff.delay(attempt++);
    callbacks.emit(l -> l.onReconnectScheduled(delay, reason));
    reconnectTimer = scheduler.schedule(delay, this::openConnection);
  }

  private void heartbeat(Connection connection) {
    synchronized (lock) {
      if (connection != current || state != ConnectionState.CONNECTED) {
        return;
      }
      long silent = options.clock().currentTimeMillis() - lastFrameMillis;
      if (silent > 2 * options.heartbeat().toMillis()) {
        connection.abort("no frame from the server for " + silent + " ms");
        return;
      }
      connection.send(codec.encodeClientMessage(new ClientMessage.Heartbeat()));
      heartbeatTimer = scheduler.schedule(options.heartbeat(), () -> heartbeat(connection));
    }
  }

  // ---- inbound --------------------------------------------------------------------------------

  /** Applies one server message. Holds the lock. */
  private void receive(ServerMessage message) {
    if (message instanceof SyncOp op) {
      observe(op.timestamp());
      replica.applyRemote(op);
      callbacks.emit(l -> l.onOp(op));
    } else if (message instanceof Ack ack) {
      observe(ack.timestamp());
      if (ack.opId() != null) {
        sentOnCurrent.remove(ack.opId());
        replica.acknowledge(ack.opId(), ack.timestamp());
      }
      callbacks.emit(l -> l.onAck(ack));
      flush(); // an ack may have resolved the tags a waiting remove needs
    } else if (message instanceof Welcome welcome) {
      observe(welcome.timestamp());
      attempt = 0;
      setState(ConnectionState.CONNECTED);
      callbacks.emit(l -> l.onWelcome(welcome));
      Connection connection = current;
      heartbeatTimer = scheduler.schedule(options.heartbeat(), () -> heartbeat(connection));
      flush();
    } else if (message instanceof Snapshot snapshot) {
      observe(snapshot.timestamp());
      replica.replace(snapshot);
      callbacks.emit(l -> l.onSnapshot(snapshot));
    } else if (message instanceof ServerMessage.Error error) {
      refused(error);
    } else if (message instanceof HeartbeatAck ack) {
      observe(ack.timestamp());
      callbacks.emit(l -> l.onHeartbeatAck(ack));
    } else if (message instanceof DeviceOnline m) {
      callbacks.emit(l -> l.onDeviceOnline(m));
    } else if (message instanceof DeviceOffline m) {
      callbacks.emit(l -> l.onDeviceOffline(m));
    } else if (message instanceof DeviceCommand m) {
      callbacks.emit(l -> l.onDeviceCommand(m));
    } else if (message instanceof HandoffResult m) {
      callbacks.emit(l -> l.onHandoffResult(m));
    } else if (message instanceof Notification m) {
      callbacks.emit(l -> l.onNotification(m));
    }
  }

  /**
   * An error for a pending write: a retryable one (store unavailable, rate limited) is resent after
   * the minimum backoff; any other is final, and the write leaves the outbox and the view.
   */
  private void refused(ServerMessage.Error error) {
    PendingWrite pending = error.opId() == null ? null : replica.pending(error.opId());
    if (pending == null) {
      callbacks.emit(l -> l.onError(error));
      return;
    }
    sentOnCurrent.remove(pending.opId());
    if (error.code().retryable()) {
      callbacks.emit(l -> l.onError(error));
      scheduler.schedule(
          options.backoffMin(),
          () -> {
            synchronized (lock) {
              flush();
            }
          });
      return;
    }
    replica.reject(pending.opId());
    callbacks.emit(l -> l.onWriteRejected(pending.write(), error));
  }

  private void observe(HybridTimestamp serverTimestamp) {
    try {
      clock.observe(serverTimestamp);
    } catch (ClockSkewException e) {
      // Cannot happen with an unbounded skew; kept so a future bound fails soft.
    }
  }

  // ---- helpers --------------------------------------------------------------------------------

  private void setState(ConnectionState next) {
    if (state != next) {
      state = next;
      callbacks.emit(l -> l.onConnectionStateChanged(next));
    }
  }

  private void emitStateIfChanged() {
    UserState now = replica.visible();
    if (!now.equals(lastEmitted)) {
      lastEmitted = now;
      callbacks.emit(l -> l.onStateChanged(now));
    }
  }

  private void cancelTimers() {
    if (reconnectTimer != null) {
      reconnectTimer.cancel();
      reconnectTimer = null;
    }
    if (heartbeatTimer != null) {
      heartbeatTimer.cancel();
      heartbeatTimer = null;
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
