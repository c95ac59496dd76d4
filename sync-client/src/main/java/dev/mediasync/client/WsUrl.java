package dev.mediasync.client;

import dev.mediasync.core.HybridTimestamp;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Builds the {@code /ws} address of one connection attempt (contract: WebSocket query). */
final class WsUrl {
  private WsUrl() {}

  static URI of(SyncClientOptions o, HybridTimestamp since) {
    URI base = o.baseUrl();
    String scheme = "https".equals(base.getScheme()) ? "wss" : "ws";
    String path = base.getRawPath() == null ? "" : base.getRawPath();
    if (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    StringBuilder q = new StringBuilder();
    param(q, "device_id", o.deviceId());
    param(q, "since", since.toString());
    param(q, "name", o.name());
    param(q, "type", o.type());
    if (!o.capabilities().isEmpty()) {
      param(q, "capabilities", String.join(",", o.capabilities()));
    }
    return URI.create(scheme + "://" + base.getRawAuthority() + path + "/ws?" + q);
  }

  private static void param(StringBuilder q, String name, String value) {
    if (value == null) {
      return;
    }
    if (q.length() > 0) {
      q.append('&');
    }
    q.append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
  }
}
