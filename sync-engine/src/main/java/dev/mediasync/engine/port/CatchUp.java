package dev.mediasync.engine.port;

import java.util.List;

/**
 * Answer to "every op after {@code since}".
 *
 * @param ops ops with timestamp &gt; since, ascending; empty when {@code truncated}
 * @param truncated true if the log was compacted past {@code since} (or holds more than the asked
 *     limit), so the ops cannot be complete and the caller must send a snapshot instead
 */
public record CatchUp(List<LoggedOp> ops, boolean truncated) {
  public CatchUp {
    ops = List.copyOf(ops);
  }

  public static CatchUp mustSnapshot() {
    return new CatchUp(List.of(), true);
  }
}
