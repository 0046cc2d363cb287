package dev.celeriac.broker.amqp;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.impl.AMQConnection;
import com.rabbitmq.client.impl.Frame;
import com.rabbitmq.client.impl.FrameHandler;
import com.rabbitmq.client.impl.FrameHandlerFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeoutException;

/**
 * A {@link ConnectionFactory} whose connections read every header table a Celery producer writes: each frame
 * read from the socket passes {@link ContentHeaderFrames#readable} before amqp-client parses it. Connections
 * recovered automatically use the same frame handlers.
 *
 * <p>Blocking IO only, amqp-client's default: its reading loop takes every frame through
 * {@link FrameHandler#readFrame}, where this hooks in. The NIO mode decodes frames inside its own loop and is
 * refused ({@link #useNio}) rather than left unprotected.
 *
 * <p>Every connection, the first and each automatic recovery, goes to the broker URL's nodes in the order written
 * ({@link AmqpNodes}), the first that accepts it; clones ({@link #clone}) keep the nodes.
 */
final class CeleryHeadersConnectionFactory extends ConnectionFactory {

  private final AmqpNodes nodes;

  CeleryHeadersConnectionFactory(AmqpNodes nodes) {
    this.nodes = nodes;
    Address first = nodes.getAddresses().get(0);
    setHost(first.getHost());
    setPort(first.getPort());
  }

  /** A connection to the first of the nodes that accepts it, named {@code clientProvidedName}. */
  @Override
  public Connection newConnection(String clientProvidedName) throws IOException, TimeoutException {
    // A null executor: amqp-client's own consumer threads, as ConnectionFactory.newConnection(String) uses.
    return newConnection(null, nodes, clientProvidedName);
  }

  /**
   * A connection to the first of the nodes that accepts it, named {@code clientProvidedName}, whose consumers are
   * dispatched by {@code executor}.
   */
  @Override
  public Connection newConnection(ExecutorService executor, String clientProvidedName)
      throws IOException, TimeoutException {
    return newConnection(executor, nodes, clientProvidedName);
  }

  /** Refused: the NIO loop reads frames without {@link FrameHandler#readFrame}, past the rewriting. */
  @Override
  public void useNio() {
    throw new UnsupportedOperationException("Celeriac's RabbitMQ connections use blocking IO");
  }

  @Override
  protected synchronized FrameHandlerFactory createFrameHandlerFactory() throws IOException {
    FrameHandlerFactory sockets = super.createFrameHandlerFactory();
    return (address, connectionName) -> new ReadableHeaders(sockets.create(address, connectionName));
  }

  /** A socket's frame handler whose incoming content headers are made readable first. */
  private static final class ReadableHeaders implements FrameHandler {

    private final FrameHandler socket;

    ReadableHeaders(FrameHandler socket) {
      this.socket = socket;
    }

    @Override
    public Frame readFrame() throws IOException {
      Frame frame = socket.readFrame();
      return frame == null ? null : ContentHeaderFrames.readable(frame);
    }

    @Override
    public void writeFrame(Frame frame) throws IOException {
      socket.writeFrame(frame);
    }

    @Override
    public void setTimeout(int timeoutMs) throws SocketException {
      socket.setTimeout(timeoutMs);
    }

    @Override
    public int getTimeout() throws SocketException {
      return socket.getTimeout();
    }

    @Override
    public void sendHeader() throws IOException {
      socket.sendHeader();
    }

    @Override
    public void initialize(AMQConnection connection) {
      socket.initialize(connection);
    }

    @Override
    public void flush() throws IOException {
      socket.flush();
    }

    @Override
    public void close() {
      socket.close();
    }

    @Override
    public InetAddress getLocalAddress() {
      return socket.getLocalAddress();
    }

    @Override
    public int getLocalPort() {
      return socket.getLocalPort();
    }

    @Override
    public InetAddress getAddress() {
      return socket.getAddress();
    }

    @Override
    public int getPort() {
      return socket.getPort();
    }
  }
}
