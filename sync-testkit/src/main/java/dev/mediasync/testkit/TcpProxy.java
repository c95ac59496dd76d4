package dev.mediasync.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP forwarder on a fixed local port that a test can stop (every connection is cut and new ones
 * are refused) and start again, to simulate a backend going down (or a device going offline)
 * without touching either end; it can also drop what the target sends, like a lost answer.
 */
public final class TcpProxy implements AutoCloseable {
  private final String targetHost;
  private final int targetPort;
  private final int port;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile ServerSocket server;
  private Thread acceptor;
  private volatile boolean swallowDownstream;

  private TcpProxy(String targetHost, int targetPort, int port) {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.port = port;
  }

  /** Starts a proxy on a free local port that it can give up and take again. */
  public static TcpProxy start(String targetHost, int targetPort) {
    TcpProxy p = new TcpProxy(targetHost, targetPort, ReusablePorts.free());
    p.resume();
    return p;
  }

  public int port() {
    return port;
  }

  /** Accepts and forwards again (on the same port). */
  public synchronized void resume() {
    if (server != null) {
      return;
    }
    try {
      ServerSocket s = new ServerSocket();
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      server = s;
      acceptor = new Thread(() -> acceptLoop(s), "tcp-proxy-" + port);
      acceptor.setDaemon(true);
      acceptor.start();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Cuts every connection and refuses new ones until {@link #resume()}. */
  public synchronized void cut() {
    ServerSocket s = server;
    server = null;
    closeQuietly(s);
    awaitAcceptorExit();
    for (Socket socket : sockets) {
      closeQuietly(socket);
    }
    sockets.clear();
  }

  /**
   * Waits until the accept thread has left {@code accept()}. Closing a server socket that another
   * thread is blocked on only signals that thread; the kernel keeps the socket listening until the
   * call returns, so a {@link #resume()} right after {@link #cut()} could find the port still taken
   * ("Address already in use": CI saw it twice in OfflineIT).
   */
  private void awaitAcceptorExit() {
    Thread t = acceptor;
    acceptor = null;
    if (t == null || t == Thread.currentThread()) {
      return;
    }
    try {
      t.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (t.isAlive()) {
      throw new IllegalStateException("the proxy's accept thread did not stop");
    }
  }

  /** While true, bytes from the target are dropped: the client hears nothing, not even acks. */
  public void swallowDownstream(boolean on) {
    swallowDownstream = on;
  }

  @Override
  public void close() {
    cut();
  }

  private void acceptLoop(ServerSocket s) {
    while (!s.isClosed()) {
      try {
        Socket client = s.accept();
        Socket upstream = new Socket(targetHost, targetPort);
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
        sockets.add(client);
        sockets.add(upstream);
        if (server != s) {
          closeQuietly(client);
          closeQuietly(upstream);
          continue;
        }
        pump(client, upstream, false);
        pump(upstream, client, true);
      } catch (IOException e) {
        // closed by cut(), or the target refused: keep going while open
      }
    }
  }

  private void pump(Socket from, Socket to, boolean downstream) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[16 * 1024];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                  if (downstream && swallowDownstream) {
                    continue;
                  }
                  out.write(buf, 0, n);
                  out.flush();
                }
              } catch (IOException e) {
                // one side closed
              } finally {
                closeQuietly(from);
                closeQuietly(to);
              }
            },
            "tcp-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      // ignore
    }
  }
}
