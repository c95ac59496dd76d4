package dev.mediasync.protocol;

import dev.mediasync.core.HybridTimestamp;
import dev.mediasync.core.LwwMap;
import dev.mediasync.core.OrSet;
import dev.mediasync.protocol.ServerMessage.PreferenceUpdate;
import dev.mediasync.protocol.ServerMessage.ProgressUpdate;
import dev.mediasync.protocol.ServerMessage.SyncOp;
import dev.mediasync.protocol.ServerMessage.WatchlistUpdate;
import java.util.Objects;

/**
 * One user's synced state: the watchlist (add-wins OR-Set of content ids), progress per content
 * (LWW map) and preferences (LWW map), plus the highest op timestamp applied.
 *
 * <p>{@link #apply} is the single definition of what an op does; the server, the op-log replay and
 * the client SDK all call it, so they cannot disagree. Applying the same ops in any order, any
 * number of times, gives the same state (the CRDT laws of the parts).
 */
public record UserState(
    OrSet<String> watchlist,
    LwwMap<String, Progress> progress,
    LwwMap<String, RawJson> preferences,
    HybridTimestamp latest) {

  public static final UserState EMPTY =
      new UserState(OrSet.empty(), LwwMap.empty(), LwwMap.empty(), HybridTimestamp.ZERO);

  public UserState {
    Objects.requireNonNull(watchlist, "watchlist");
    Objects.requireNonNull(progress, "progress");
    Objects.requireNonNull(preferences, "preferences");
    Objects.requireNonNull(latest, "latest");
  }

  /** The state after {@code op}; the same instance if the op changes nothing at all. */
  public UserState apply(SyncOp op) {
    HybridTimestamp nextLatest = HybridTimestamp.max(latest, op.timestamp());
    UserState next;
    if (op instanceof WatchlistUpdate w) {
      next = new UserState(applyWatchlist(w), progress, preferences, nextLatest);
    } else if (op instanceof ProgressUpdate p) {
      next =
          new UserState(
              watchlist,
              progress.put(p.contentId(), p.progress(), p.timestamp(), p.deviceId()),
              preferences,
              nextLatest);
    } else if (op instanceof PreferenceUpdate f) {
      next =
          new UserState(
              watchlist,
              progress,
              preferences.put(f.key(), f.value(), f.timestamp(), f.deviceId()),
              nextLatest);
    } else {
      throw new IllegalArgumentException("unknown op " + op);
    }
    return next.equals(this) ? this : next;
  }

  /** True if applying {@code op} would change the watchlist, progress or preferences. */
  public boolean changes(SyncOp op) {
    UserState next = apply(op);
    return !(next.watchlist.equals(watchlist)
        && next.progress.equals(progress)
        && next.preferences.equals(preferences));
  }

  /** State-based merge of two replicas of the same user. */
  public UserState merge(UserState other) {
    return new UserState(
        watchlist.merge(other.watchlist),
        progress.merge(other.progress),
        preferences.merge(other.preferences),
        HybridTimestamp.max(latest, other.latest));
  }

  private OrSet<String> applyWatchlist(WatchlistUpdate w) {
    return switch (w.operation()) {
      case ADD -> watchlist.add(w.contentId(), w.addTag());
      case REMOVE -> watchlist.remove(w.contentId(), java.util.Set.copyOf(w.tags()), w.timestamp());
    };
  }
}
