package dev.mediasync.client;

import dev.mediasync.core.HybridTimestamp;
import dev.mediasync.core.Tag;
import dev.mediasync.protocol.ClientMessage.PreferenceWrite;
import dev.mediasync.protocol.ClientMessage.ProgressWrite;
import dev.mediasync.protocol.ClientMessage.WatchlistWrite;
import dev.mediasync.protocol.ClientMessage.Write;
import dev.mediasync.protocol.ServerMessage.PreferenceUpdate;
import dev.mediasync.protocol.ServerMessage.ProgressUpdate;
import dev.mediasync.protocol.ServerMessage.SyncOp;
import dev.mediasync.protocol.ServerMessage.WatchlistUpdate;
import dev.mediasync.protocol.WatchlistOperation;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One write in the outbox: the message as it goes on the wire (with its {@code op_id} and the
 * provisional HLC as {@code timestamp}), and for a watchlist remove the tags it cannot name yet.
 *
 * <p>A remove names the tags of the adds this device had seen when it was made. Some of those may
 * be this device's own adds still waiting for their ack: their real tag is (server timestamp,
 * device), unknown until the ack. Those stay in {@code unresolvedAdds} (add op_id to provisional
 * tag) and the remove is not sent until each is resolved, so the frame, once sent, never changes (a
 * resend with the same op_id must carry the same body, or the server answers {@code conflict}).
 *
 * <p>Immutable.
 */
record PendingWrite(Write write, HybridTimestamp localTimestamp, Map<String, Tag> unresolvedAdds) {

  PendingWrite {
    unresolvedAdds = Map.copyOf(unresolvedAdds);
  }

  String opId() {
    return write.opId();
  }

  /** True once every tag this write names is known: it may go on the wire. */
  boolean sendable() {
    return unresolvedAdds.isEmpty();
  }

  boolean isWatchlistAdd() {
    return write instanceof WatchlistWrite w && w.operation() == WatchlistOperation.ADD;
  }

  /** The add with {@code addOpId} was acknowledged and its real tag is {@code serverTag}. */
  PendingWrite resolveAdd(String addOpId, Tag serverTag) {
    if (!unresolvedAdds.containsKey(addOpId)) {
      return this;
    }
    WatchlistWrite w = (WatchlistWrite) write;
    TreeSet<Tag> tags = new TreeSet<>(w.tags());
    tags.add(serverTag);
    return new PendingWrite(
        new WatchlistWrite(
            w.operation(), w.contentId(), tags.stream().toList(), w.opId(), w.clientTimestamp()),
        localTimestamp,
        without(addOpId));
  }

  /** The add with {@code addOpId} was refused: there is no tag of it to remove. */
  PendingWrite dropAdd(String addOpId) {
    return unresolvedAdds.containsKey(addOpId)
        ? new PendingWrite(write, localTimestamp, without(addOpId))
        : this;
  }

  /** The op as this device shows it until the ack: provisional timestamp, provisional tags. */
  SyncOp provisionalOp(String deviceId) {
    if (write instanceof WatchlistWrite w && w.operation() == WatchlistOperation.REMOVE) {
      TreeSet<Tag> tags = new TreeSet<>(w.tags());
      tags.addAll(unresolvedAdds.values());
      return new WatchlistUpdate(
          w.operation(), w.contentId(), localTimestamp, deviceId, tags.stream().toList());
    }
    return opAt(localTimestamp, deviceId);
  }

  /**
   * The op exactly as the server applied it: the ack carries the server's timestamp, and the body
   * is what was sent. The server does not echo a device's own ops back to it, so this is how the
   * device learns them (the same construction as the server's {@code SyncService.toOp}).
   */
  SyncOp opAt(HybridTimestamp serverTimestamp, String deviceId) {
    if (write instanceof WatchlistWrite w) {
      return new WatchlistUpdate(w.operation(), w.contentId(), serverTimestamp, deviceId, w.tags());
    }
    if (write instanceof ProgressWrite p) {
      return new ProgressUpdate(p.contentId(), p.progress(), serverTimestamp, deviceId);
    }
    PreferenceWrite f = (PreferenceWrite) write;
    return new PreferenceUpdate(f.key(), f.value(), serverTimestamp, deviceId);
  }

  private Map<String, Tag> without(String opId) {
    Map<String, Tag> rest = new TreeMap<>(unresolvedAdds);
    rest.remove(opId);
    return rest;
  }
}
