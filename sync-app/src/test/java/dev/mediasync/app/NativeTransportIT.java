package dev.mediasync.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * On Linux x86-64 the service runs on Netty's native epoll transport (shipped in the jar), not on
 * NIO: fewer system calls and less garbage per message. Elsewhere Vert.x falls back to NIO.
 */
class NativeTransportIT {

  @Test
  void onLinuxX86_64_theServerUsesNativeEpoll() {
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch");
    assumeTrue(
        os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64")),
        "the jar ships epoll for linux-x86_64 only; this is " + os + "/" + arch);
    try (TestServer server = TestServer.start()) {
      assertThat(server.app().vertx().isNativeTransportEnabled()).isTrue();
      assertThat(server.http().get("/health", null).status()).isEqualTo(200);
    }
  }
}
