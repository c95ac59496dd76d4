package dev.mediasync.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP forwarder on a fixed local port to {@code targetHost:targetPort}, for tests that need a
 * backend to "go down" and "come back" without touching the real server: {@link #stop()} closes the
 * listening socket and every forwarded connection (clients see resets and refused connects); {@link
 * #start()} listens again on the same port.
 *
 * <pre>{@code
 * try (TcpForwarder proxy = TcpForwarder.start("127.0.0.1", 5432)) {
 *   connect to 127.0.0.1:proxy.port() ...
 *   proxy.stop();   // backend "down"
 *   proxy.start();  // backend "back"
 * }
 * }</pre>
 */
public final class TcpForwarder implements AutoCloseable {

  private final String targetHost;
  private final int targetPort;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private int port;
  private ServerSocket server;

  private TcpForwarder(String targetHost, int targetPort) {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
  }

  /** Starts a proxy on a free port of 127.0.0.1. */
  public static TcpForwarder start(String targetHost, int targetPort) {
    TcpForwarder proxy = new TcpForwarder(targetHost, targetPort);
    proxy.start();
    return proxy;
  }

  /** The local port; the same after a stop and start. */
  public synchronized int port() {
    return port;
  }

  /** Listens (again) and forwards new connections. No-op if running. */
  public synchronized void start() {
    if (server != null) {
      return;
    }
    try {
      ServerSocket s = new ServerSocket();
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      server = s;
      port = s.getLocalPort();
      Thread acceptor = new Thread(() -> acceptLoop(s), "tcp-forwarder-accept-" + port);
      acceptor.setDaemon(true);
      acceptor.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on port " + port, e);
    }
  }

  /** Stops listening and cuts every forwarded connection. No-op if stopped. */
  public synchronized void stop() {
    if (server == null) {
      return;
    }
    closeQuietly(server);
    server = null;
    for (Socket s : sockets) {
      closeQuietly(s);
    }
    sockets.clear();
  }

  public synchronized boolean running() {
    return server != null;
  }

  @Override
  public void close() {
    stop();
  }

  private void acceptLoop(ServerSocket s) {
    while (!s.isClosed()) {
      Socket client;
      try {
        client = s.accept();
      } catch (IOException e) {
        return; // stopped
      }
      Socket upstream = new Socket();
      try {
        upstream.connect(new InetSocketAddress(targetHost, targetPort), 5_000);
      } catch (IOException e) {
        closeQuietly(client);
        closeQuietly(upstream);
        continue;
      }
      synchronized (this) {
        if (server != s) {
          closeQuietly(client);
          closeQuietly(upstream);
          return;
        }
        sockets.add(client);
        sockets.add(upstream);
      }
      pump(client, upstream);
      pump(upstream, client);
    }
  }

  private void pump(Socket from, Socket to) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[16 * 1024];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                  out.write(buf, 0, n);
                  out.flush();
                }
              } catch (IOException ignored) {
                // one side closed
              } finally {
                closeQuietly(from);
                closeQuietly(to);
                sockets.remove(from);
                sockets.remove(to);
              }
            },
            "tcp-forwarder-pump");
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // already closed
    }
  }
}
