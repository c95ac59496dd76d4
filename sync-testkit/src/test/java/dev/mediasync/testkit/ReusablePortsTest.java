package dev.mediasync.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class ReusablePortsTest {

  @Test
  void thePortIsBelowTheEphemeralRange_soNoOutgoingConnectionTakesIt() throws IOException {
    int ephemeralStart = ReusablePorts.ephemeralRangeStart();
    assertThat(ephemeralStart).as("read from /proc, not a truncated read").isGreaterThan(1_024);

    for (int i = 0; i < 20; i++) {
      assertThat(ReusablePorts.free()).isBetween(10_000, ephemeralStart - 1);
    }
  }

  @Test
  void thePortCanBeBoundGivenUpAndBoundAgain() throws IOException {
    int port = ReusablePorts.free();
    InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);

    try (ServerSocket first = new ServerSocket()) {
      first.bind(address);
    }
    try (ServerSocket second = new ServerSocket()) {
      second.setReuseAddress(true);
      second.bind(address);
      assertThat(second.getLocalPort()).isEqualTo(port);
    }
  }
}
