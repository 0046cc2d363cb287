package dev.celeriac.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Ports for the servers a test starts of its own. */
public final class Ports {

  private Ports() {}

  /**
   * A port on 127.0.0.1 that nothing listens on right now, as the kernel picks one; a server started on it at once
   * almost always gets it (another process could take it in between, so a test that starts a server fails loudly
   * rather than hangs when it cannot bind).
   */
  public static int free() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}))) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }
}
