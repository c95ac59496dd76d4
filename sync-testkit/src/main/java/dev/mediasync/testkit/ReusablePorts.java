package dev.mediasync.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free loopback ports for a listener that lets its port go and binds it again later (a proxy that
 * is cut and resumed, a service restarted on the same port).
 *
 * <p>Such a port is picked outside the kernel's ephemeral range. A port from that range can, while
 * nobody listens on it, become the local end of an outgoing connection (the reconnecting client's
 * own, even: Linux lets a connect to a closed loopback port in the range pick that very port as its
 * source, a TCP self-connect), and then the second bind fails with "Address already in use".
 */
public final class ReusablePorts {
  private static final int FIRST_CANDIDATE = 10_000;
  private static final int ATTEMPTS = 200;

  private ReusablePorts() {}

  /** A loopback port that is free now and that the kernel does not hand out on its own. */
  public static int free() {
    int ephemeralStart = ephemeralRangeStart();
    if (ephemeralStart > FIRST_CANDIDATE + 1_000) {
      for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
        int candidate = ThreadLocalRandom.current().nextInt(FIRST_CANDIDATE, ephemeralStart);
        if (bindable(candidate)) {
          return candidate;
        }
      }
    }
    // No room below the ephemeral range (or all taken): an ordinary free port.
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean bindable(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return true;
    } catch (IOException taken) {
      return false;
    }
  }

  /** Linux's first ephemeral port, or the usual default where it cannot be read. */
  static int ephemeralRangeStart() {
    try {
      // readAllLines, not readString: Java 17's readString trusts the size /proc reports and
      // returns only the first byte of this file.
      String range =
          Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim();
      return Integer.parseInt(range.split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return 32_768;
    }
  }
}
