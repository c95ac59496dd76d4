package dev.mediasync.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Assumptions;

/**
 * The Redis that tests needing one use: {@code SYNC_TEST_REDIS_URL}, default {@code
 * redis://127.0.0.1:6379}. Under {@code CI=true} an unreachable Redis fails the test; elsewhere the
 * test is skipped with a message saying why.
 */
public final class RedisAvailable {
  private RedisAvailable() {}

  public static String url() {
    String url = System.getenv("SYNC_TEST_REDIS_URL");
    return url == null || url.isBlank() ? "redis://127.0.0.1:6379" : url.trim();
  }

  public static String host() {
    return URI.create(url()).getHost();
  }

  public static int port() {
    int p = URI.create(url()).getPort();
    return p < 0 ? 6379 : p;
  }

  /** Returns the URL if Redis answers PING; otherwise fails (CI) or skips the calling test. */
  public static String require() {
    String problem = probe();
    if (problem == null) {
      return url();
    }
    String message = "Redis at " + url() + " is not reachable (" + problem + ")";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new AssertionError(message + "; CI=true, so tests that need Redis fail");
    }
    Assumptions.abort(message + "; skipping (set SYNC_TEST_REDIS_URL, or start redis-server)");
    return null;
  }

  private static String probe() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host(), port()), 1_000);
      s.setSoTimeout(1_000);
      OutputStream out = s.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[7];
      int n = in.readNBytes(buf, 0, buf.length);
      String answer = new String(buf, 0, n, StandardCharsets.US_ASCII);
      return answer.startsWith("+PONG") ? null : "unexpected answer " + answer.trim();
    } catch (IOException e) {
      return e.toString();
    }
  }
}
