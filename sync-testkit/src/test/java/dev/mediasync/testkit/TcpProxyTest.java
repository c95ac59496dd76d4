package dev.mediasync.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;

class TcpProxyTest {

  @Test
  void resumeRightAfterCut_bindsTheSamePortAgain_andForwards() throws IOException {
    try (ServerSocket echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        TcpProxy proxy = TcpProxy.start("127.0.0.1", echo.getLocalPort())) {
      Thread echoLoop = new Thread(() -> echoEach(echo), "echo");
      echoLoop.setDaemon(true);
      echoLoop.start();

      for (int round = 0; round < 200; round++) {
        proxy.cut();
        proxy.resume(); // threw "Address already in use" while the old accept() was unwinding
      }

      try (Socket client = new Socket("127.0.0.1", proxy.port())) {
        client.setSoTimeout(5_000);
        client.getOutputStream().write('x');
        assertThat(client.getInputStream().read()).isEqualTo('x');
      }
    }
  }

  private static void echoEach(ServerSocket echo) {
    while (!echo.isClosed()) {
      try (Socket s = echo.accept();
          InputStream in = s.getInputStream();
          OutputStream out = s.getOutputStream()) {
        int b;
        while ((b = in.read()) >= 0) {
          out.write(b);
          out.flush();
        }
      } catch (IOException e) {
        // the client went away, or the test ended
      }
    }
  }
}
