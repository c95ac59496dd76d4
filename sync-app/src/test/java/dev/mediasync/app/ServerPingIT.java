package dev.mediasync.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mediasync.testkit.Await;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The server pings every socket once per heartbeat, spread over the interval (see {@code
 * PingSchedule}); a short heartbeat lets the test watch a few intervals pass.
 */
class ServerPingIT {
  private static final Duration HEARTBEAT = Duration.ofMillis(300);

  @Test
  void everySocketIsPingedEachHeartbeat_andStaysOpen() {
    try (TestServer server =
        TestServer.builder()
            .tuning(o -> o.withHeartbeat(HEARTBEAT).withPresenceTimeout(Duration.ofSeconds(60)))
            .start()) {
      List<WsClient> devices =
          List.of(
              server.connect("alice", "phone"),
              server.connect("alice", "tv"),
              server.connect("bob", "laptop"));
      try {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (devices.stream().anyMatch(d -> d.pings() < 3) && System.nanoTime() < deadline) {
          Await.sleep(Duration.ofMillis(50));
        }
        for (WsClient d : devices) {
          assertThat(d.pings()).as("pings to one device").isGreaterThanOrEqualTo(3);
        }
        // The pongs the client sent count as activity: the sockets are still serving.
        devices.get(0).send("{\"type\":\"heartbeat\"}");
        devices.get(0).awaitType("heartbeat_ack");
      } finally {
        devices.forEach(WsClient::close);
      }
    }
  }
}
