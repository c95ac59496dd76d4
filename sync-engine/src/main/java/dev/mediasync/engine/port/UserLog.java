package dev.mediasync.engine.port;

import java.util.List;

/**
 * What a store holds for one user: the latest snapshot (null if never compacted) and every op in
 * the log after it, in timestamp order. Replaying {@code ops} on the snapshot gives the state.
 */
public record UserLog(StoredSnapshot snapshot, List<LoggedOp> ops) {
  public UserLog {
    ops = List.copyOf(ops);
  }
}
