package dev.mediasync.client;

import dev.mediasync.core.HybridTimestamp;
import dev.mediasync.core.Tag;
import dev.mediasync.protocol.ClientMessage.WatchlistWrite;
import dev.mediasync.protocol.ClientMessage.Write;
import dev.mediasync.protocol.ServerMessage.Snapshot;
import dev.mediasync.protocol.ServerMessage.SyncOp;
import dev.mediasync.protocol.UserState;
import dev.mediasync.protocol.WatchlistOperation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The device's copy of the user's state, kept as two layers:
 *
 * <ol>
 *   <li><b>confirmed</b>: only ops with server timestamps: ops of other devices (live or catch-up),
 *       snapshots, and this device's writes rebuilt from their acks ({@link PendingWrite#opAt}).
 *       Built with {@link UserState#apply}, the server's own code, so it equals the server's state
 *       once the same ops are in.
 *   <li><b>outbox</b>: this device's unacknowledged writes in creation order.
 * </ol>
 *
 * <p>What the app sees is {@code confirmed} with every outbox write applied on top, with its
 * provisional timestamp, recomputed on every change. A provisional op never enters the confirmed
 * layer: its tag and timestamp are local inventions the server will replace, and a provisional add
 * tag kept in the state would survive every remove of other devices (they cannot name it) and
 * diverge for good. When the ack comes, the write leaves the outbox and its server form enters the
 * confirmed layer.
 *
 * <p>{@link #cursor()} is the highest timestamp among ops received from the server (and the
 * snapshot's), the {@code since} of the next connection. Acks do not move it: an ack for our op at
 * T can arrive before another device's op at T' &lt; T is delivered to us, and a cursor at T would
 * then skip T' forever after a reconnect. Re-receiving our own ops in a catch-up costs little;
 * apply is idempotent.
 *
 * <p>Not thread-safe: {@link SyncClient} guards it with its lock.
 */
final class Replica {
  private final String deviceId;
  private final List<PendingWrite> outbox = new ArrayList<>();
  private UserState confirmed = UserState.EMPTY;
  private UserState visible = UserState.EMPTY;
  private HybridTimestamp cursor = HybridTimestamp.ZERO;

  Replica(String deviceId) {
    this.deviceId = deviceId;
  }

  UserState visible() {
    return visible;
  }

  UserState confirmed() {
    return confirmed;
  }

  HybridTimestamp cursor() {
    return cursor;
  }

  List<PendingWrite> outbox() {
    return List.copyOf(outbox);
  }

  PendingWrite pending(String opId) {
    int i = indexOf(opId);
    return i < 0 ? null : outbox.get(i);
  }

  /** Appends a write, shown at once. A watchlist remove goes through {@link #planRemove} first. */
  void enqueue(PendingWrite write) {
    outbox.add(write);
    recompute();
  }

  /**
   * A remove of {@code contentId} naming every tag the app can see now: tags of the confirmed layer
   * go into the message; tags of own adds still in the outbox wait for those adds' acks.
   */
  PendingWrite planRemove(WatchlistWrite remove, HybridTimestamp localTimestamp) {
    Map<Tag, String> ownPending = new HashMap<>();
    for (PendingWrite w : outbox) {
      if (w.isWatchlistAdd()) {
        ownPending.put(tagOf(w), w.opId());
      }
    }
    TreeSet<Tag> known = new TreeSet<>();
    Map<String, Tag> unresolved = new TreeMap<>();
    for (Tag tag : visible.watchlist().tags(remove.contentId())) {
      String addOpId = ownPending.get(tag);
      if (addOpId != null) {
        unresolved.put(addOpId, tag);
      } else {
        known.add(tag);
      }
    }
    WatchlistWrite named =
        new WatchlistWrite(
            WatchlistOperation.REMOVE,
            remove.contentId(),
            known.stream().toList(),
            remove.opId(),
            remove.clientTimestamp());
    return new PendingWrite(named, localTimestamp, unresolved);
  }

  /** Another device's op (or one of ours, re-delivered by a catch-up). */
  void applyRemote(SyncOp op) {
    confirmed = confirmed.apply(op);
    cursor = HybridTimestamp.max(cursor, op.timestamp());
    recompute();
  }

  /** The server's whole state replaces ours; the outbox stays on top of it. */
  void replace(Snapshot snapshot) {
    confirmed = snapshot.state();
    cursor = snapshot.timestamp();
    recompute();
  }

  /**
   * The server applied {@code opId} at {@code serverTimestamp}: the write moves from the outbox to
   * the confirmed layer, and later removes waiting for this add's tag learn it. Returns the write,
   * or null if it was not pending (a second ack for the same op).
   */
  PendingWrite acknowledge(String opId, HybridTimestamp serverTimestamp) {
    int i = indexOf(opId);
    if (i < 0) {
      return null;
    }
    PendingWrite acked = outbox.remove(i);
    confirmed = confirmed.apply(acked.opAt(serverTimestamp, deviceId));
    if (acked.isWatchlistAdd()) {
      Tag real = new Tag(serverTimestamp, deviceId);
      outbox.replaceAll(w -> w.resolveAdd(opId, real));
    }
    recompute();
    return acked;
  }

  /** The server refused {@code opId} for good: it leaves the outbox and the view. */
  PendingWrite reject(String opId) {
    int i = indexOf(opId);
    if (i < 0) {
      return null;
    }
    PendingWrite rejected = outbox.remove(i);
    outbox.replaceAll(w -> w.dropAdd(opId));
    recompute();
    return rejected;
  }

  List<Write> pendingWrites() {
    return outbox.stream().map(PendingWrite::write).toList();
  }

  private Tag tagOf(PendingWrite add) {
    return new Tag(add.localTimestamp(), deviceId);
  }

  private int indexOf(String opId) {
    for (int i = 0; i < outbox.size(); i++) {
      if (outbox.get(i).opId().equals(opId)) {
        return i;
      }
    }
    return -1;
  }

  private void recompute() {
    UserState s = confirmed;
    for (PendingWrite w : outbox) {
      s = s.apply(w.provisionalOp(deviceId));
    }
    visible = s;
  }
}
