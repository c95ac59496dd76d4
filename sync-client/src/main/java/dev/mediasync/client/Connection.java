package dev.mediasync.client;

import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One WebSocket to the server: joins fragmented text frames, queues sends, and reports the end of
 * the socket exactly once. {@link SyncClient} makes a new one per connection attempt, so a late
 * callback of an old socket is recognised (it names a connection that is no longer current).
 *
 * <p>Thread-safe. The JDK WebSocket allows one outstanding send at a time, so sends are chained;
 * {@link #send} never blocks.
 */
final class Connection implements WebSocket.Listener {

  /** Receives what happens on the socket; called on the JDK's WebSocket threads. */
  interface Handler {
    void onFrame(Connection connection, String text);

    void onLost(Connection connection, String reason);
  }

  private final Handler handler;
  private final StringBuilder partial = new StringBuilder(); // touched by one reader at a time

  // Guarded by this.
  private WebSocket socket;
  private CompletableFuture<?> sends = CompletableFuture.completedFuture(null);
  private boolean closeRequested;
  private boolean ended;

  Connection(Handler handler) {
    this.handler = handler;
  }

  @Override
  public void onOpen(WebSocket webSocket) {
    boolean close;
    synchronized (this) {
      socket = webSocket;
      close = closeRequested;
    }
    if (close) {
      webSocket.sendClose(WebSocket.NORMAL_CLOSURE, "client closing");
      return;
    }
    webSocket.request(1);
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      String text = partial.toString();
      partial.setLength(0);
      handler.onFrame(this, text);
    }
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    lost("closed by server: " + statusCode + (reason.isEmpty() ? "" : " " + reason));
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    lost("socket error: " + error);
  }

  /** Queues {@code text}; a failed send ends the connection. */
  synchronized void send(String text) {
    WebSocket ws = socket;
    if (ws == null || ended) {
      return;
    }
    sends =
        sends
            .handle((r, e) -> null)
            .thenCompose(v -> ws.sendText(text, true))
            .whenComplete(
                (r, e) -> {
                  if (e != null) {
                    lost("send failed: " + e);
                  }
                });
  }

  /** Closes cleanly (1000) once queued sends are out; no {@code onLost} follows. */
  void close() {
    WebSocket ws;
    CompletableFuture<?> pending;
    synchronized (this) {
      ended = true;
      closeRequested = true;
      ws = socket;
      pending = sends;
    }
    if (ws != null) {
      pending
          .handle((r, e) -> null)
          .thenCompose(v -> ws.sendClose(WebSocket.NORMAL_CLOSURE, "client closing"));
    }
  }

  /** Drops the socket at once (a dead peer will not answer a close) and reports it lost. */
  void abort(String reason) {
    WebSocket ws;
    synchronized (this) {
      ws = socket;
    }
    if (ws != null) {
      ws.abort();
    }
    lost(reason);
  }

  /** The attempt to open failed before any socket existed. */
  void failed(Throwable cause) {
    lost("connect failed: " + rootMessage(cause));
  }

  private void lost(String reason) {
    synchronized (this) {
      if (ended) {
        return;
      }
      ended = true;
    }
    handler.onLost(this, reason);
  }

  private static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage());
  }
}
