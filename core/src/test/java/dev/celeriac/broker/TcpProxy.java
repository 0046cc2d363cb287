package dev.celeriac.broker;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP forwarder on a port of its own in front of a broker, which a test can cut and restore: to a client it
 * looks like the broker went away (open connections drop, new ones are refused) and came back on the same
 * address, while the shared broker behind it is never touched.
 */
public final class TcpProxy implements AutoCloseable {

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  private final int targetPort;
  private final int port;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  /** Open sockets whose bytes are read and dropped: the peer went silent without closing. */
  private final Set<Socket> silent = ConcurrentHashMap.newKeySet();
  private volatile ServerSocket listener;

  private TcpProxy(int targetPort, ServerSocket listener) {
    this.targetPort = targetPort;
    this.listener = listener;
    this.port = listener.getLocalPort();
  }

  /** Forwards a new local port to {@code 127.0.0.1:targetPort}. */
  public static TcpProxy start(int targetPort) throws IOException {
    ServerSocket listener = new ServerSocket();
    listener.setReuseAddress(true);
    listener.bind(new InetSocketAddress(LOOPBACK, 0));
    TcpProxy proxy = new TcpProxy(targetPort, listener);
    proxy.accept(listener);
    return proxy;
  }

  public int port() {
    return port;
  }

  /** Drops every forwarded connection and refuses new ones: the broker is gone. */
  public synchronized void cut() throws IOException {
    listener.close();
    for (Socket socket : open) {
      socket.close();
    }
    open.clear();
  }

  /**
   * Makes every connection open now silent in both directions while it stays open, as a peer behind a dead route
   * or a frozen host looks: nothing arrives and nothing says so. New connections are forwarded as before.
   */
  public synchronized void silence() {
    silent.addAll(open);
  }

  /** Accepts connections on the same port again: the broker is back. */
  public synchronized void restore() throws IOException {
    ServerSocket again = new ServerSocket();
    again.setReuseAddress(true);
    again.bind(new InetSocketAddress(LOOPBACK, port));
    listener = again;
    accept(again);
  }

  private void accept(ServerSocket on) {
    Thread acceptor = new Thread(() -> {
      while (!on.isClosed()) {
        try {
          Socket client = on.accept();
          Socket upstream = new Socket(LOOPBACK, targetPort);
          synchronized (this) {
            if (on.isClosed()) {
              // cut() ran while this one was being accepted: it never reaches the broker.
              close(client);
              close(upstream);
              return;
            }
            open.add(client);
            open.add(upstream);
          }
          pump(client, upstream);
          pump(upstream, client);
        } catch (IOException e) {
          return;
        }
      }
    }, "tcp-proxy-" + port);
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private void pump(Socket from, Socket to) {
    Thread pump = new Thread(() -> {
      byte[] buffer = new byte[16 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        for (int read; (read = in.read(buffer)) >= 0; ) {
          if (silent.contains(from)) {
            continue;
          }
          out.write(buffer, 0, read);
          out.flush();
        }
      } catch (IOException e) {
        // cut, or one side closed: close both below
      } finally {
        close(from);
        close(to);
      }
    }, "tcp-proxy-pump-" + port);
    pump.setDaemon(true);
    pump.start();
  }

  private void close(Socket socket) {
    open.remove(socket);
    silent.remove(socket);
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  @Override
  public void close() throws IOException {
    cut();
  }
}
