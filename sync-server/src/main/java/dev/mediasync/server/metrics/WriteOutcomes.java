package dev.mediasync.server.metrics;

import dev.mediasync.engine.WriteResult;
import dev.mediasync.protocol.ClientMessage.PreferenceWrite;
import dev.mediasync.protocol.ClientMessage.ProgressWrite;
import dev.mediasync.protocol.ClientMessage.WatchlistWrite;
import dev.mediasync.protocol.ClientMessage.Write;
import dev.mediasync.protocol.SyncException;
import io.vertx.core.Future;

/** Counts the outcome of one write (REST or WebSocket) into {@code sync_ops_*_total}. */
public final class WriteOutcomes {
  private WriteOutcomes() {}

  /** The {@code type} label of a write. */
  public static String typeOf(Write write) {
    if (write instanceof WatchlistWrite) {
      return "watchlist";
    }
    if (write instanceof ProgressWrite) {
      return "progress";
    }
    if (write instanceof PreferenceWrite) {
      return "preference";
    }
    return "other";
  }

  /** Records the outcome when {@code result} completes; returns {@code result}. */
  public static Future<WriteResult> record(
      SyncMetrics metrics, String type, Future<WriteResult> result) {
    return result.andThen(
        r -> {
          if (r.succeeded()) {
            WriteResult w = r.result();
            metrics.opApplied(
                type, w.duplicate() ? "duplicate" : w.applied() ? "applied" : "unchanged");
          } else {
            metrics.opRejected(type, reason(r.cause()));
          }
        });
  }

  private static String reason(Throwable t) {
    return t instanceof SyncException se ? se.code().wireName() : "internal";
  }
}
