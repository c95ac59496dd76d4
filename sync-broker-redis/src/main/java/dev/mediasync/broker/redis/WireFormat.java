package dev.mediasync.broker.redis;

import dev.mediasync.core.HybridTimestamp;
import dev.mediasync.engine.port.Envelope;
import dev.mediasync.engine.port.Route;
import dev.mediasync.engine.port.Topic;
import java.nio.charset.StandardCharsets;

/**
 * The payload of one PUBLISH on {@code user.{id}.<topic>}: one header line, then the device JSON
 * byte for byte.
 *
 * <pre>
 * ms1|&lt;route&gt;|&lt;device&gt;|&lt;op timestamp&gt;|&lt;node&gt;\n&lt;json&gt;
 * </pre>
 *
 * <ul>
 *   <li>{@code ms1}: format version.
 *   <li>{@code route}: {@code all} (every device), {@code except} (all but {@code device}), {@code
 *       only} ({@code device} alone). {@code device} is empty for {@code all}.
 *   <li>{@code op timestamp}: the op's HLC as a decimal string, empty for non-op messages.
 *   <li>{@code node}: id of the publishing node (diagnostics).
 * </ul>
 *
 * Ids never contain {@code |} or a line break (they are {@code [A-Za-z0-9._:@-]}), so the header
 * needs no escaping; everything after the first {@code \n} is the JSON a device receives. Example:
 * {@code ms1|except|phone|117680525106216960|6f1c...\n{"type":"watchlist_update",...}}.
 */
public final class WireFormat {
  static final String VERSION = "ms1";

  private WireFormat() {}

  public static byte[] encode(Envelope e, String nodeId) {
    Route r = e.route();
    String kind =
        switch (r.kind()) {
          case EVERY_DEVICE -> "all";
          case ALL_EXCEPT -> "except";
          case ONLY -> "only";
        };
    StringBuilder sb = new StringBuilder(e.json().length() + 80);
    sb.append(VERSION)
        .append('|')
        .append(kind)
        .append('|')
        .append(r.deviceId() == null ? "" : r.deviceId())
        .append('|')
        .append(e.opTimestamp() == null ? "" : e.opTimestamp().toString())
        .append('|')
        .append(nodeId)
        .append('\n')
        .append(e.json());
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Decodes a payload received on a channel of {@code userId}; throws if it is malformed. */
  public static Envelope decode(String userId, Topic topic, String payload) {
    int nl = payload.indexOf('\n');
    if (nl < 0) {
      throw new IllegalArgumentException("no header line");
    }
    String[] h = payload.substring(0, nl).split("\\|", -1);
    if (h.length != 5 || !VERSION.equals(h[0])) {
      throw new IllegalArgumentException("unknown header: " + payload.substring(0, nl));
    }
    Route route =
        switch (h[1]) {
          case "all" -> Route.EVERY_DEVICE;
          case "except" -> Route.allExcept(h[2]);
          case "only" -> Route.only(h[2]);
          default -> throw new IllegalArgumentException("unknown route: " + h[1]);
        };
    HybridTimestamp ts = h[3].isEmpty() ? null : HybridTimestamp.parse(h[3]);
    return new Envelope(userId, topic, payload.substring(nl + 1), route, ts);
  }

  /** The node id in a payload's header, or null. */
  public static String origin(String payload) {
    int nl = payload.indexOf('\n');
    int bar = nl < 0 ? -1 : payload.lastIndexOf('|', nl);
    return bar < 0 ? null : payload.substring(bar + 1, nl);
  }
}
