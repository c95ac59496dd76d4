package dev.mediasync.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A recording WebSocket client for tests (JDK {@code java.net.http.WebSocket}): every text message
 * lands in a queue the test reads with a timeout; the close code is kept.
 */
public final class WsClient implements AutoCloseable {
  private static final HttpClient CLIENT = HttpClient.newHttpClient();
  static final Duration WAIT = Duration.ofSeconds(5);

  private final LinkedBlockingQueue<String> messages = new LinkedBlockingQueue<>();
  private final CompletableFuture<Integer> closed = new CompletableFuture<>();
  private final AtomicInteger pings = new AtomicInteger();
  private WebSocket socket;

  private WsClient() {}

  public static WsClient open(String url, String token) {
    WsClient c = new WsClient();
    try {
      var builder = CLIENT.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
      if (token != null) {
        builder.header("Authorization", "Bearer " + token);
      }
      c.socket = builder.buildAsync(URI.create(url), c.listener()).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("connect failed: " + url, e);
    }
    return c;
  }

  private WebSocket.Listener listener() {
    return new WebSocket.Listener() {
      private final StringBuilder partial = new StringBuilder();

      @Override
      public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
          messages.add(partial.toString());
          partial.setLength(0);
        }
        ws.request(1);
        return null;
      }

      @Override
      public CompletionStage<?> onPing(WebSocket ws, ByteBuffer message) {
        pings.incrementAndGet(); // the JDK client answers with the pong itself
        ws.request(1);
        return null;
      }

      @Override
      public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
        closed.complete(statusCode);
        return null;
      }

      @Override
      public void onError(WebSocket ws, Throwable error) {
        closed.complete(-1);
      }
    };
  }

  /** Ping frames received from the server so far. */
  public int pings() {
    return pings.get();
  }

  public void send(String json) {
    try {
      socket.sendText(json, true).get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Sends one binary frame. */
  public void sendBinary(byte[] data) {
    try {
      socket.sendBinary(ByteBuffer.wrap(data), true).get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Sends one text message as several frames (the first with FIN unset, the last with FIN set). */
  public void sendFragmented(String... parts) {
    try {
      for (int i = 0; i < parts.length; i++) {
        socket.sendText(parts[i], i == parts.length - 1).get(5, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Sends a text frame without waiting for the send to complete (the server may close first). One
   * at a time: the JDK client fails a send, silently here, while the previous one is pending.
   */
  public void sendNoWait(String text) {
    socket.sendText(text, true);
  }

  /** The next message, or fails after {@link #WAIT}. */
  public JsonNode next() {
    try {
      String m = messages.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      if (m == null) {
        throw new AssertionError("no message within " + WAIT);
      }
      return Http.JSON.readTree(m);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** The next message, asserting its type. */
  public JsonNode expectType(String type) {
    JsonNode m = next();
    assertThat(m.path("type").asText()).as("message %s", m).isEqualTo(type);
    return m;
  }

  /** Skips messages until one of {@code type} arrives. */
  public JsonNode awaitType(String type) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode m = next();
      if (type.equals(m.path("type").asText())) {
        return m;
      }
    }
    throw new AssertionError("no " + type + " within " + WAIT);
  }

  /** Asserts nothing arrives for {@code quiet}; returns what did if something did. */
  public void expectSilence(Duration quiet) {
    try {
      String m = messages.poll(quiet.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(m).as("unexpected message").isNull();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Everything received so far and not yet read. */
  public List<String> drain() {
    List<String> out = new ArrayList<>();
    messages.drainTo(out);
    return out;
  }

  /** The close code the server sent, waiting up to {@link #WAIT}. */
  public int awaitClose() {
    try {
      return closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("socket not closed within " + WAIT, e);
    }
  }

  public boolean isClosed() {
    return closed.isDone();
  }

  @Override
  public void close() {
    if (!closed.isDone()) {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
      try {
        closed.get(2, TimeUnit.SECONDS);
      } catch (Exception e) {
        socket.abort();
      }
    }
  }
}
