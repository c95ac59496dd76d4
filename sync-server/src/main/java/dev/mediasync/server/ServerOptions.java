package dev.mediasync.server;

import java.time.Duration;

/**
 * Transport settings.
 *
 * @param host interface to bind ({@code SYNC_HOST})
 * @param port port to bind, 0 for any free port ({@code SYNC_PORT})
 * @param sweepInterval how often idle sockets are looked for; the presence timeout itself is an
 *     engine option, this only bounds how late after it a socket is closed
 * @param outboundLimitBytes a socket whose unsent bytes pass this is a slow consumer and is closed
 * @param defaultRestDeviceId device id of REST writes whose token and headers name none
 * @param eventLoops how many event loops accept and serve connections (one server each)
 */
public record ServerOptions(
    String host,
    int port,
    Duration sweepInterval,
    long outboundLimitBytes,
    String defaultRestDeviceId,
    int eventLoops) {

  public static final String DEFAULT_HOST = "0.0.0.0";
  public static final int DEFAULT_PORT = 8083;
  public static final long DEFAULT_OUTBOUND_LIMIT_BYTES = 1024 * 1024;
  public static final String DEFAULT_REST_DEVICE_ID = "api";

  public static ServerOptions defaults() {
    return new ServerOptions(
        DEFAULT_HOST,
        DEFAULT_PORT,
        Duration.ofSeconds(1),
        DEFAULT_OUTBOUND_LIMIT_BYTES,
        DEFAULT_REST_DEVICE_ID,
        Runtime.getRuntime().availableProcessors());
  }

  public ServerOptions withHost(String h) {
    return new ServerOptions(
        h, port, sweepInterval, outboundLimitBytes, defaultRestDeviceId, eventLoops);
  }

  public ServerOptions withPort(int p) {
    return new ServerOptions(
        host, p, sweepInterval, outboundLimitBytes, defaultRestDeviceId, eventLoops);
  }

  public ServerOptions withSweepInterval(Duration d) {
    return new ServerOptions(host, port, d, outboundLimitBytes, defaultRestDeviceId, eventLoops);
  }

  public ServerOptions withEventLoops(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("eventLoops must be >= 1");
    }
    return new ServerOptions(host, port, sweepInterval, outboundLimitBytes, defaultRestDeviceId, n);
  }

  public ServerOptions withOutboundLimitBytes(long b) {
    return new ServerOptions(host, port, sweepInterval, b, defaultRestDeviceId, eventLoops);
  }
}
