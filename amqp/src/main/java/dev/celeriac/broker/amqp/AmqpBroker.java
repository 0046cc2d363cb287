package dev.celeriac.broker.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.PossibleAuthenticationFailureException;
import com.rabbitmq.client.ShutdownSignalException;
import dev.celeriac.ConfigurationException;
import dev.celeriac.broker.Broker;
import dev.celeriac.broker.BrokerException;
import dev.celeriac.broker.BrokerTls;
import dev.celeriac.broker.BrokerUnreachableException;
import dev.celeriac.broker.BrokerUrl;
import dev.celeriac.broker.DeadLetterStore;
import dev.celeriac.broker.Delivery;
import dev.celeriac.broker.FirstConnection;
import dev.celeriac.broker.QueueStats;
import dev.celeriac.broker.amqp.ConfirmingPublisher.Publication;
import dev.celeriac.protocol.Ids;
import dev.celeriac.protocol.TaskMessage;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RabbitMQ through amqp-client, in Celery's topology and message format (docs/wire-format.md §4), so that Python and
 * Java producers and workers share queues.
 *
 * <ul>
 *   <li>Two connections with automatic recovery: one publishes, one consumes, so that flow control on a
 *       busy publisher never stalls acks.
 *   <li>Every publish is confirmed: {@link #publish} returns once RabbitMQ has the message, riding out a
 *       lost connection for {@link AmqpSettings#unreachableTimeout()}, and throws after that.
 *   <li>Consuming: see {@link AmqpConsumer}. A retry, a park or a dead letter is published and confirmed
 *       before the original is acked.
 *   <li>Etas: a message due within {@value #HOLD_MILLIS} ms is held unacked in this process; a later one is
 *       parked in the delay queues of {@link AmqpTopology} for its whole seconds and comes back to its queue
 *       when they run out, nothing held meanwhile (RabbitMQ's {@code consumer_timeout}, celery#6760).
 *   <li>Dead letters: {@link AmqpDeadLetters}.
 * </ul>
 */
public final class AmqpBroker implements Broker {

  private static final Logger log = LoggerFactory.getLogger(AmqpBroker.class);

  /** The window of a consumer whose worker did not say: Celery's 4 x a concurrency of 4. */
  static final int DEFAULT_PREFETCH = 16;
  /** Etas closer than this are held in memory rather than parked. */
  static final long HOLD_MILLIS = 1_000;
  /** The prefix of the headers a dead letter carries besides the original ones. */
  static final String DEAD_HEADER_PREFIX = "x-celeriac-";
  static final String DEAD_REASON = DEAD_HEADER_PREFIX + "reason";
  static final String DEAD_AT = DEAD_HEADER_PREFIX + "dead-at";

  /** The broker URL, passwords masked: every node of a failover list. */
  private final String url;
  private final AmqpSettings settings;
  private final ConnectionFactory factory;
  private final Connection publishing;
  private final ConfirmingPublisher publisher;
  private final Optional<ManagementApi> management;
  private final String processId = Ids.uuid().substring(0, 8);
  private final Set<String> declared = ConcurrentHashMap.newKeySet();
  /** When each delay queue this process declared may take messages ({@link System#nanoTime()}), by declaration key. */
  private final Map<String, Long> delayQueuesSettled = new ConcurrentHashMap<>();
  private final Set<String> known = ConcurrentHashMap.newKeySet();
  private final Object declaring = new Object();
  private final ScheduledExecutorService holds;
  private final AmqpDeadLetters deadLetters;
  private final AmqpCronLock cron;
  private final AmqpFleet fleet;
  private Channel declareChannel;
  /** The window of each consumer, by its queues, as the worker set it before its first fetch. */
  private final Map<List<String>, Integer> prefetches = new ConcurrentHashMap<>();
  /** One consumer, and so one channel, per worker: per set of queues consumed. */
  private final Map<List<String>, AmqpConsumer> consumers = new ConcurrentHashMap<>();
  private Connection consuming;
  private volatile boolean closed;
  private final java.util.concurrent.atomic.AtomicInteger consumerNumbers = new java.util.concurrent.atomic.AtomicInteger();

  private AmqpBroker(String url, AmqpSettings settings, ConnectionFactory factory, Connection publishing,
      Optional<ManagementApi> management) {
    this.url = url;
    this.settings = settings;
    this.factory = factory;
    this.publishing = publishing;
    this.publisher = new ConfirmingPublisher(publishing);
    this.management = management;
    this.holds = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "celeriac-amqp-holds");
      thread.setDaemon(true);
      return thread;
    });
    this.deadLetters = new AmqpDeadLetters(this);
    this.cron = new AmqpCronLock(this, factory);
    this.fleet = new AmqpFleet(factory, url);
  }

  /**
   * Connects to {@code amqp://user:pass@host[:port][/vhost]} or {@code amqps://...}. Without a user, kombu's
   * {@code guest:guest}; without a vhost, or with {@code //} as Celery writes it, the vhost {@code /}. Returns once
   * RabbitMQ accepted the connection, waiting up to the settings' connect timeout for one that does not answer yet.
   *
   * @throws ConfigurationException when RabbitMQ will never accept this connection: it refuses the credentials or
   *     the vhost, the host name does not resolve, the TLS certificate is not trusted
   * @throws BrokerUnreachableException when RabbitMQ did not answer within the connect timeout
   */
  public static AmqpBroker connect(BrokerUrl url, AmqpSettings settings) {
    return connect(List.of(url), settings);
  }

  /**
   * Connects to the nodes of kombu's failover list, {@code amqp://u:p@h1//;amqp://u:p@h2//} as
   * {@link BrokerUrl#parseAll} read it, or to the one node of a single URL: see {@link AmqpNodes} for how the list
   * is read. Every connection, and every reconnection after a node is lost, goes to the first node in the list that
   * accepts it.
   *
   * @throws ConfigurationException as {@link #connect(BrokerUrl, AmqpSettings)}, and for a list whose nodes do not
   *     share one user, vhost and TLS setting
   * @throws BrokerUnreachableException when no node answered within the connect timeout
   */
  public static AmqpBroker connect(List<BrokerUrl> urls, AmqpSettings settings) {
    AmqpNodes nodes = AmqpNodes.of(urls);
    ConnectionFactory factory = new CeleryHeadersConnectionFactory(nodes);
    factory.setVirtualHost(nodes.vhost());
    factory.setUsername(nodes.user());
    factory.setPassword(nodes.password());
    if (nodes.tls()) {
      factory.useSslProtocol(BrokerTls.context(nodes.first()));
      if (BrokerTls.verifies(nodes.first())) {
        factory.enableHostnameVerification();
      }
    }
    factory.setAutomaticRecoveryEnabled(true);
    factory.setTopologyRecoveryEnabled(true);
    factory.setNetworkRecoveryInterval(settings.recoveryInterval().toMillis());
    factory.setRequestedHeartbeat((int) settings.heartbeat().toSeconds());
    factory.setConnectionTimeout(10_000);
    ConnectionFailureLog failures = new ConnectionFailureLog(nodes, settings.recoveryInterval());
    factory.setExceptionHandler(failures);
    Optional<ManagementApi> management = settings.managementPort() > 0 && !nodes.tls()
        ? Optional.of(new ManagementApi(nodes.hosts(), settings.managementPort(), nodes.vhost(), nodes.user(),
            nodes.password()))
        : Optional.empty();
    Connection publishing = FirstConnection.open("RabbitMQ", urls, settings.connectTimeout(),
        () -> factory.newConnection("celeriac publisher"), failure -> refusal(failure, nodes.vhost()));
    failures.connected();
    return new AmqpBroker(nodes.display(), settings, factory, publishing, management);
  }

  /**
   * A new connection to this broker's node, vhost and credentials, recovering by itself as the broker's own do: for
   * the rpc:// result backend, which publishes and consumes replies beside the broker.
   */
  public Connection openConnection(String name) throws java.io.IOException, java.util.concurrent.TimeoutException {
    return factory.newConnection(name);
  }

  /**
   * What RabbitMQ answers when it will never accept this connection: the credentials (ACCESS_REFUSED, or a
   * connection closed during the login, as RabbitMQ does to a client without the authentication-failure
   * capability), or the vhost (NOT_ALLOWED: it does not exist, or the user may not use it). Null otherwise.
   */
  private static String refusal(Exception failure, String vhost) {
    if (failure instanceof PossibleAuthenticationFailureException) {
      return "refused the credentials of the broker URL (" + describe(failure) + "); check its user and password";
    }
    ShutdownSignalException shutdown = shutdownOf(failure);
    if (shutdown != null && shutdown.getReason() instanceof AMQP.Connection.Close close) {
      if (close.getReplyCode() == AMQP.ACCESS_REFUSED) {
        return "refused the credentials of the broker URL (" + describe(failure) + "); check its user and password";
      }
      if (close.getReplyCode() == AMQP.NOT_ALLOWED) {
        return "refused the vhost '" + vhost + "' (" + describe(failure)
            + "); check that it exists and that the user may use it";
      }
    }
    return null;
  }

  @Override
  public String displayUrl() {
    return url;
  }

  AmqpSettings settings() {
    return settings;
  }

  String processId() {
    return processId;
  }

  /** Celery's events and remote control, and revokes in the stream {@code celeriac.revoked}: see {@link AmqpFleet}. */
  @Override
  public Optional<dev.celeriac.broker.FleetSupport> fleet() {
    return Optional.of(fleet.support());
  }

  /** A number for the next consumer's tags, unique in this broker. */
  int nextConsumerNumber() {
    return consumerNumbers.incrementAndGet();
  }

  @Override
  public void prefetch(List<String> queues, int messages) {
    prefetches.put(List.copyOf(queues), Math.max(1, messages));
    AmqpConsumer active = consumers.get(queues);
    if (active != null) {
      active.prefetch(Math.max(1, messages));
    }
  }

  // ---------------------------------------------------------------------------------------------- publishing

  @Override
  public void publish(String queue, TaskMessage message) {
    publishAll(List.of(new Outgoing(queue, message)));
  }

  @Override
  public void publishAll(List<Outgoing> messages) {
    if (messages.isEmpty()) {
      return;
    }
    List<Publication> publications = new ArrayList<>(messages.size());
    for (Outgoing outgoing : messages) {
      declareTaskQueue(outgoing.queue());
      AMQP.BasicProperties properties = AmqpMessages.properties(outgoing.message());
      Optional<Instant> eta = outgoing.message().eta();
      publications.add(eta.isPresent() ? untilEta(outgoing.queue(), properties, outgoing.message().body(), eta.get())
          : new Publication("", outgoing.queue(), properties, outgoing.message().body()));
    }
    confirm("enqueue", publications);
  }

  /** Parks a received message until {@code eta}; see {@link AmqpTopology}. */
  void park(String queue, AMQP.BasicProperties received, byte[] body, Instant eta) {
    // No broker TTL on the way: the worker discards the message by its expires header if it is past when due.
    // A new message-id tells the parked copy from the original, which the consumer remembers as settled: a copy
    // returned unstarted by a dropped connection is work still to do, not a duplicate (AmqpConsumer).
    AMQP.BasicProperties properties = received.builder().headers(taskHeaders(received)).expiration(null)
        .messageId(Ids.uuid()).build();
    confirm("park", List.of(untilEta(queue, properties, body, eta)));
  }

  /**
   * The message for {@code queue} with {@code eta}: straight to the queue when it is due within {@value #HOLD_MILLIS}
   * ms (a worker holds the rest), otherwise into the delay levels, at its highest level with its whole seconds left
   * as key, and without a broker TTL ({@code expiration}), which would take it out of a level before the level's own
   * TTL. A delay queue this process has just declared makes it wait ({@link AmqpTopology#SETTLE}); it then goes for
   * the seconds left by then if the levels those pass are ready too, otherwise for the seconds it waited for.
   */
  private Publication untilEta(String queue, AMQP.BasicProperties message, byte[] body, Instant eta) {
    long seconds = secondsLeft(eta);
    if (seconds == 0) {
      return new Publication("", queue, message, body);
    }
    long wait = declareDelayPath(queue, seconds) - System.nanoTime();
    if (wait > 0) {
      log.debug("Waiting {} ms for new delay queues of {} on {} to settle", wait / 1_000_000, queue, url);
      sleep(TimeUnit.NANOSECONDS.toMillis(wait) + 1);
      long left = secondsLeft(eta);
      if (left == 0) {
        return new Publication("", queue, message, body);
      }
      // Never a declaration here: a queue declared now would be as young as the one just waited for.
      if (settled(queue, left)) {
        seconds = left;
      }
    }
    AMQP.BasicProperties properties = message.getExpiration() == null ? message
        : message.builder().expiration(null).build();
    return new Publication(AmqpTopology.delayLevel(queue, AmqpTopology.topLevel(seconds)),
        AmqpTopology.delayRoutingKey(seconds), properties, body);
  }

  /** The whole seconds until {@code eta}; 0 when it is due within {@value #HOLD_MILLIS} ms. */
  private static long secondsLeft(Instant eta) {
    long millis = eta.toEpochMilli() - System.currentTimeMillis();
    return millis < HOLD_MILLIS ? 0 : Math.min(millis / 1000, AmqpTopology.MAX_DELAY_SECONDS);
  }

  /**
   * Declares what a delay of {@code seconds} passes through and returns when all of its queues may take messages
   * ({@link System#nanoTime()}). Exchanges from level 0 up, each bound on to the one below; the exit queue, bound to
   * level 0's; then a queue for every 1 digit, bound to its level's exchange. All before the publish: a message a
   * level cannot route would be dropped.
   */
  private long declareDelayPath(String queue, long seconds) {
    int top = AmqpTopology.topLevel(seconds);
    for (int bit = 0; bit <= top; bit++) {
      int level = bit;
      declare("delay exchange", AmqpTopology.delayLevel(queue, level) + "#exchange",
          channel -> AmqpTopology.declareLevelExchange(channel, queue, level));
    }
    long settled = declareDelayQueue("delay exit queue", AmqpTopology.delayExit(queue), AmqpTopology.delayExit(queue),
        channel -> AmqpTopology.declareExitQueue(channel, queue));
    for (int bit = top; bit >= 0; bit--) {
      int level = bit;
      if ((seconds >>> level & 1) == 1) {
        long levelSettled = declareDelayQueue("delay queue", AmqpTopology.delayLevel(queue, level),
            levelQueueKey(queue, level),
            channel -> AmqpTopology.declareLevelQueue(channel, queue, level));
        if (levelSettled - settled > 0) {
          settled = levelSettled;
        }
      }
    }
    return settled;
  }

  /** Puts a message, unchanged but for the reason headers, into {@code queue.dead}. */
  void publishDead(String queue, AMQP.BasicProperties received, byte[] body, String reason) {
    declareDeadQueue(queue);
    Map<String, Object> headers = new LinkedHashMap<>(taskHeaders(received));
    headers.put(DEAD_REASON, reason);
    headers.put(DEAD_AT, Instant.now().toString());
    confirm("dead-letter", List.of(new Publication("", AmqpTopology.deadQueue(queue),
        // A dead letter waits for a person: a Python producer's broker TTL (expiration) must not drop it.
        received.builder().headers(headers).deliveryMode(AmqpMessages.PERSISTENT).expiration(null).build(), body)));
  }

  /**
   * The received header table without RabbitMQ's trip headers, for publishing again (parked, dead-lettered,
   * requeued). Values are written back in the types py-amqp reads right, whatever another client sent: a
   * {@code Short} header from a Java producer would otherwise go out as {@code s}, which py-amqp misreads.
   */
  static Map<String, Object> taskHeaders(AMQP.BasicProperties received) {
    Map<String, Object> headers = AmqpHeaders.fromTable(received.getHeaders());
    headers.keySet().removeIf(AmqpMessages::isTransportHeader);
    return AmqpHeaders.toTable(headers);
  }

  /**
   * Publishes and waits for the confirms. While the connection is down, amqp-client reconnects; publishing
   * is retried until {@link AmqpSettings#unreachableTimeout()}. A retry after an unconfirmed publish may
   * store a message twice: at least once, never lost.
   */
  void confirm(String what, List<Publication> publications) {
    long deadline = System.nanoTime() + settings.unreachableTimeout().toNanos();
    Exception last;
    int attempt = 0;
    while (true) {
      try {
        CompletableFuture<Void> confirmed = publisher.publish(publications);
        long left = Math.max(1, deadline - System.nanoTime());
        confirmed.get(left, TimeUnit.NANOSECONDS);
        if (attempt > 0) {
          log.info("{} went through on {} after {} retries", what, url, attempt);
        }
        return;
      } catch (ExecutionException e) {
        last = e.getCause() instanceof Exception cause ? cause : e;
        if (last.getMessage() != null && last.getMessage().contains("basic.nack")) {
          throw new BrokerException(what + " refused by RabbitMQ at " + url + " (basic.nack)", last);
        }
      } catch (IOException | AlreadyClosedException | TimeoutException e) {
        last = e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new BrokerException(what + " interrupted before RabbitMQ at " + url + " confirmed it", e);
      }
      if (closed) {
        throw new BrokerException(what + " failed: the broker connection to " + url + " is closed", last);
      }
      if (System.nanoTime() >= deadline) {
        throw new BrokerUnreachableException(what + " not confirmed by RabbitMQ at " + url + " within "
            + settings.unreachableTimeout().toSeconds() + " s: " + describe(last), last);
      }
      attempt++;
      sleep(Math.min(1000, 50L * attempt));
    }
  }

  /** See {@link AmqpCronLock}: a token per schedule, taken and put back in one transaction per slot. */
  @Override
  public SlotOutcome publishSlot(String schedule, Instant slot, Instant firstSlotFrom, String queue,
      TaskMessage message) {
    return cron.publishSlot(schedule, slot, firstSlotFrom, queue, message);
  }

  // ---------------------------------------------------------------------------------------------- topology

  /** A unit of declaration on the shared declaring channel. */
  @FunctionalInterface
  interface Declaration {
    void declare(Channel channel) throws IOException;
  }

  /** Makes sure the task queue exists: used as it is if it does, else created as {@link AmqpTopology} says. */
  void declareTaskQueue(String queue) {
    if (!declared.contains(queue)) {
      if (settings.deliveryLimit() > 0) {
        declareDeadQueue(queue); // where RabbitMQ moves a message past the limit: there before the first one is
      }
      useOrDeclare("queue", queue, channel -> AmqpTopology.declareTaskQueue(channel, queue, settings));
    }
    known.add(queue);
  }

  private void declareDeadQueue(String queue) {
    useOrDeclare("dead-letter queue", AmqpTopology.deadQueue(queue),
        channel -> AmqpTopology.declareDeadQueue(channel, queue, settings));
  }

  /**
   * Makes sure a queue that other clients may declare too (a Python deployment, with its own arguments) exists,
   * once per process: one that exists is used as it is, whatever its type and arguments; a missing one is created
   * by {@code declaration}. Declaring one that exists with other arguments would fail ({@code PRECONDITION_FAILED},
   * closing the channel), so it is looked up first; if another client creates it between the look-up and the
   * declaration, the declaration fails and the queue is used as that client made it.
   */
  void useOrDeclare(String what, String queue, Declaration declaration) {
    if (declared.contains(queue)) {
      return;
    }
    synchronized (declaring) {
      if (exists(what, queue)) {
        declared.add(queue);
        return;
      }
      try {
        declare(what, queue, declaration);
      } catch (BrokerException refused) {
        if (replyCode(refused) != AMQP.PRECONDITION_FAILED || !exists(what, queue)) {
          throw refused;
        }
        log.debug("{} '{}' was created by another client meanwhile; used as it is", what, queue);
        declared.add(queue);
      }
    }
  }

  /** Whether {@code queue} exists (a passive declaration), asked as {@link #declare} asks, with its retries. */
  private boolean exists(String what, String queue) {
    try {
      onDeclaringChannel(what, queue, channel -> channel.queueDeclarePassive(queue));
      return true;
    } catch (BrokerException e) {
      if (replyCode(e) == AMQP.NOT_FOUND) {
        return false;
      }
      throw e;
    }
  }

  /**
   * Runs {@code declaration} once per process and key. A refused declaration closes the channel, so the next
   * one opens another; the error names what RabbitMQ said, such as a queue declared with other arguments.
   */
  private void declare(String what, String key, Declaration declaration) {
    if (declared.contains(key)) {
      return;
    }
    synchronized (declaring) {
      if (!declared.contains(key)) {
        onDeclaringChannel(what, key, channel -> {
          declaration.declare(channel);
          return null;
        });
        declared.add(key);
      }
    }
  }

  /**
   * Runs {@code work} on the shared declaring channel, opening it again after a refusal closed it, and retrying
   * for up to {@link AmqpSettings#unreachableTimeout()} while RabbitMQ is unreachable.
   *
   * @throws BrokerException when RabbitMQ refused it (a channel error: {@link #replyCode} tells which)
   * @throws BrokerUnreachableException when RabbitMQ stayed unreachable
   */
  private <T> T onDeclaringChannel(String what, String name, ChannelWork<T> work) {
    long deadline = System.nanoTime() + settings.unreachableTimeout().toNanos();
    synchronized (declaring) {
      while (true) {
        try {
          if (declareChannel == null || !declareChannel.isOpen()) {
            declareChannel = publishing.createChannel();
          }
          return work.run(declareChannel);
        } catch (IOException | AlreadyClosedException e) {
          ShutdownSignalException shutdown = shutdownOf(e);
          if (shutdown != null && !shutdown.isHardError()) {
            // The broker refused it (a channel error), e.g. PRECONDITION_FAILED or NOT_FOUND: not transient.
            throw new BrokerException("RabbitMQ at " + url + " refused to declare " + what + " '" + name + "': "
                + describe(e), e);
          }
          if (System.nanoTime() >= deadline) {
            throw new BrokerUnreachableException("can't declare " + what + " '" + name + "' on " + url + ": "
                + describe(e), e);
          }
          sleep(200);
        }
      }
    }
  }

  /** The reply code of the channel error behind {@code e}, such as {@link AMQP#NOT_FOUND}; 0 when there is none. */
  static int replyCode(Throwable e) {
    ShutdownSignalException shutdown = shutdownOf(e);
    return shutdown != null && shutdown.getReason() instanceof AMQP.Channel.Close close ? close.getReplyCode() : 0;
  }

  /**
   * Whether this process declared every queue a delay of {@code seconds} passes, and each has settled; the
   * exchanges on the way are those of any longer delay, declared before.
   */
  private boolean settled(String queue, long seconds) {
    long now = System.nanoTime();
    List<String> keys = new ArrayList<>(List.of(AmqpTopology.delayExit(queue)));
    for (int level = 0; level <= AmqpTopology.topLevel(seconds); level++) {
      if ((seconds >>> level & 1) == 1) {
        keys.add(levelQueueKey(queue, level));
      }
    }
    for (String key : keys) {
      Long settledAt = delayQueuesSettled.get(key);
      if (settledAt == null || settledAt - now > 0) {
        return false;
      }
    }
    return true;
  }

  private static String levelQueueKey(String queue, int level) {
    return AmqpTopology.delayLevel(queue, level) + "#queue";
  }

  /**
   * Declares the delay queue {@code name} as {@link #declare} does, and returns from when on it may take messages
   * ({@link System#nanoTime()}): at once for a queue that was there before this process first declared it, else
   * {@link AmqpTopology#SETTLE} after that declaration. So only the process that creates a level waits, once; a
   * process that finds a level another created less than a second earlier does not (that window is the one
   * RabbitMQ leaves open, see {@link AmqpTopology#SETTLE}).
   */
  private long declareDelayQueue(String what, String name, String key, Declaration declaration) {
    Long known = delayQueuesSettled.get(key);
    if (known != null) {
      return known;
    }
    boolean existed = withChannel(channel -> channel.queueDeclarePassive(name)).isPresent();
    declare(what, key, declaration);
    return delayQueuesSettled.computeIfAbsent(key,
        k -> System.nanoTime() + (existed ? 0 : AmqpTopology.SETTLE.toNanos()));
  }

  private static ShutdownSignalException shutdownOf(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof ShutdownSignalException shutdown) {
        return shutdown;
      }
    }
    return null;
  }

  // ---------------------------------------------------------------------------------------------- consuming

  @Override
  public List<Delivery> fetch(List<String> queues, int max, Duration wait) throws InterruptedException {
    AmqpConsumer active = consumers.get(queues);
    return (active != null ? active : consumer(List.copyOf(queues))).fetch(max, wait);
  }

  @Override
  public List<Delivery> fetch(List<String> queues, int max, Duration wait, Consumer<Delivery> direct)
      throws InterruptedException {
    AmqpConsumer active = consumers.get(queues);
    return (active != null ? active : consumer(List.copyOf(queues))).fetch(max, wait, direct);
  }

  private synchronized AmqpConsumer consumer(List<String> queues) {
    if (closed) {
      throw new BrokerException("broker " + url + " is closed");
    }
    AmqpConsumer existing = consumers.get(queues);
    if (existing != null) {
      return existing;
    }
    for (String queue : queues) {
      declareTaskQueue(queue);
    }
    try {
      if (consuming == null) {
        // Deliveries are dispatched on the connection's reader thread (see InlineExecutor).
        consuming = factory.newConnection(new InlineExecutor(), "celeriac consumer");
      }
      AmqpConsumer created = new AmqpConsumer(this, consuming, prefetches.getOrDefault(queues, DEFAULT_PREFETCH));
      for (String queue : queues) {
        created.consume(queue);
      }
      consumers.put(queues, created);
      return created;
    } catch (IOException | TimeoutException e) {
      throw new BrokerException("can't consume from RabbitMQ at " + url + ": " + describe(e), e);
    }
  }

  /**
   * Cancels the consumer of {@code queues} and gives back what RabbitMQ pushed that no fetch took; its channel
   * closes once the fetched messages are settled.
   */
  @Override
  public void stopConsuming(List<String> queues) {
    AmqpConsumer stopped;
    synchronized (this) {
      stopped = consumers.remove(queues);
    }
    if (stopped != null) {
      stopped.stop();
    }
  }

  /**
   * Runs {@code task} on the broker's scheduler thread, soon: for what must not run on a connection's reader thread.
   * Once the broker closes, the task is dropped: the connection's close returns what it would have returned.
   */
  void runLater(Runnable task) {
    try {
      holds.execute(task);
    } catch (java.util.concurrent.RejectedExecutionException closing) {
      // The broker is closing: the connection's close returns the message to its queue.
    }
  }

  /** Holds a delivery whose eta is near, then gives it back to the worker. */
  void hold(AmqpDelivery delivery, Instant eta) {
    // In nanoseconds: a delay cut to whole milliseconds released the message up to a millisecond before its eta.
    long delay = Math.max(0, Duration.between(Instant.now(), eta).toNanos());
    try {
      // release reports its own failure (the message goes back to its queue), so nothing waits for this.
      ScheduledFuture<?> unused = holds.schedule(delivery::release, delay, TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.RejectedExecutionException closing) {
      // The broker is closing: the connection's close returns the message to its queue.
    }
  }

  // ---------------------------------------------------------------------------------------------- operations

  @Override
  public DeadLetterStore deadLetters() {
    return deadLetters;
  }

  @Override
  public void ping() {
    // Opening a channel is a round trip on the connection; while amqp-client recovers a dropped one, it fails.
    withChannel(channel -> null);
  }

  @Override
  public QueueStats stats(String queue) {
    long ready = count(queue);
    long dead = count(AmqpTopology.deadQueue(queue));
    long delayed = 0;
    Optional<List<String>> names = management.flatMap(ManagementApi::queueNames);
    List<String> delayQueues = new ArrayList<>();
    for (int level = 0; level < AmqpTopology.LEVELS; level++) {
      delayQueues.add(AmqpTopology.delayLevel(queue, level));
    }
    delayQueues.add(AmqpTopology.delayExit(queue));
    for (String name : delayQueues) {
      if (names.isEmpty() || names.get().contains(name)) {
        delayed += count(name);
      }
    }
    long unacked = management.flatMap(api -> api.unacked(queue)).orElse(-1L);
    return new QueueStats(queue, ready, unacked, delayed, dead, -1);
  }

  /** The ready count of a queue, 0 when it does not exist. */
  long count(String queue) {
    return withChannel(channel -> (long) channel.queueDeclarePassive(queue).getMessageCount()).orElse(0L);
  }

  @Override
  public Set<String> queueNames() {
    Set<String> names = new TreeSet<>(known);
    management.flatMap(ManagementApi::queueNames).ifPresent(all -> {
      for (String name : all) {
        boolean celeriacOwn = name.startsWith("celeriac.delay.") || name.startsWith(AmqpCronLock.PREFIX)
            || name.endsWith(".dead") || name.equals(AmqpRevokeStore.QUEUE);
        boolean celerysOwn = name.startsWith("amq.") || name.contains("celeryev") || name.endsWith(".pidbox")
            || name.contains("celery.pidbox") || name.startsWith("celery_delayed_");
        if (!celeriacOwn && !celerysOwn) {
          names.add(name);
        }
      }
    });
    return names;
  }

  @Override
  public long purge(String queue) {
    return withChannel(channel -> (long) channel.queuePurge(queue).getMessageCount()).orElse(0L);
  }

  /** A unit of work on a channel of its own. */
  @FunctionalInterface
  interface ChannelWork<T> {
    T run(Channel channel) throws IOException;
  }

  /**
   * Runs {@code work} on a new channel that is closed afterwards; empty when the broker answered 404 (the
   * queue does not exist), which closes a channel.
   */
  <T> Optional<T> withChannel(ChannelWork<T> work) {
    Channel channel = null;
    try {
      channel = publishing.createChannel();
      return Optional.ofNullable(work.run(channel));
    } catch (IOException | AlreadyClosedException e) {
      ShutdownSignalException shutdown = shutdownOf(e);
      if (shutdown != null && !shutdown.isHardError() && describe(e).contains("NOT_FOUND")) {
        return Optional.empty();
      }
      throw new BrokerException("RabbitMQ at " + url + " failed: " + describe(e), e);
    } finally {
      if (channel != null && channel.isOpen()) {
        try {
          channel.close();
        } catch (IOException | TimeoutException | ShutdownSignalException e) {
          // closing anyway
        }
      }
    }
  }

  Connection publishingConnection() {
    return publishing;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    holds.shutdownNow();
    cron.close();
    fleet.close();
    consumers.values().forEach(AmqpConsumer::close);
    consumers.clear();
    publisher.close();
    for (Connection connection : new Connection[] {consuming, publishing}) {
      if (connection != null && connection.isOpen()) {
        try {
          connection.close(5_000);
        } catch (IOException | RuntimeException e) {
          log.debug("Closing a connection to {}: {}", url, e.toString());
        }
      }
    }
  }

  @Override
  public String toString() {
    return "AmqpBroker[" + url + "]";
  }

  static String describe(Throwable e) {
    ShutdownSignalException shutdown = shutdownOf(e);
    if (shutdown != null && shutdown.getReason() instanceof AMQP.Channel.Close close) {
      return close.getReplyCode() + " " + close.getReplyText();
    }
    if (shutdown != null && shutdown.getReason() instanceof AMQP.Connection.Close close) {
      return close.getReplyCode() + " " + close.getReplyText();
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BrokerException("interrupted while waiting for RabbitMQ", e);
    }
  }
}
