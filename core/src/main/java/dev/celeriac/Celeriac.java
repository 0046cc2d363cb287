package dev.celeriac;

import dev.celeriac.broker.Broker;
import dev.celeriac.broker.Brokers;
import dev.celeriac.broker.MessagePublisher;
import dev.celeriac.broker.eager.EagerBroker;
import dev.celeriac.canvas.CanvasApplier;
import dev.celeriac.canvas.ChordStore;
import dev.celeriac.canvas.ChordStoreProvider;
import dev.celeriac.canvas.MemoryChordStore;
import dev.celeriac.canvas.SignatureSpec;
import dev.celeriac.cron.Cron;
import dev.celeriac.events.EventDispatcher;
import dev.celeriac.events.LamportClock;
import dev.celeriac.internal.CurrentTask;
import dev.celeriac.internal.TaskInstances;
import dev.celeriac.protocol.Ids;
import dev.celeriac.protocol.JsonValues;
import dev.celeriac.protocol.MessageCodec;
import dev.celeriac.protocol.TaskMessage;
import dev.celeriac.worker.BrokerRoles;
import dev.celeriac.worker.FollowUps;
import dev.celeriac.result.ResultBackend;
import dev.celeriac.result.ResultMeta;
import dev.celeriac.result.ResultBackends;
import dev.celeriac.result.ResultSettings;
import dev.celeriac.result.memory.MemoryResultBackend;
import dev.celeriac.worker.Worker;
import dev.celeriac.worker.WorkerOptions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The application object: a broker connection, the task registry, the producer behind generated stubs,
 * and the factory of workers.
 *
 * <pre>{@code
 * Celeriac app = Celeriac.fromEnv();        // BROKER_URL, else CELERIAC_CONF's broker.url
 * Celeriac.setDefault(app);                 // what SaveEventTask.enqueue(...) uses
 * SaveEventTask.enqueue(projectId, cacheKey);
 * app.worker().start();
 * }</pre>
 *
 * Thread-safe. Close it to release the broker connection.
 */
public final class Celeriac implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Celeriac.class);
  private static volatile Celeriac defaultApp;
  private static final int HEADERS_ALLOWANCE = 16 * 1024;

  private final CeleriacConfig config;
  /** Where this app publishes: the broker URL's broker or, in eager mode, the {@link EagerBroker} over it. */
  private final Broker broker;
  /** The broker URL's broker, which workers consume and tools administer, in eager mode too. */
  private final Broker opened;
  /**
   * What follows a publish: {@link #announceSent} on a broker that queues messages; nothing on the eager broker,
   * whose runs record their children themselves and send no events.
   */
  private final Consumer<MessagePublisher.Outgoing> afterPublish;
  private final TaskRegistry registry;
  private final TaskInstances instances;
  /** Sends {@code task-sent} events when configured and the broker carries events; else null. */
  private final EventDispatcher sentEvents;
  /** The chord join: the result backend's, this JVM's for eager mode and memory://, else null. */
  private final ChordStore chords;
  /** Sends canvases through the broker (which runs them in the caller's thread in eager mode). */
  private final CanvasApplier canvases;
  /** Where results are stored and read: the configured backend, memory in eager mode; null for none. */
  private final ResultBackend results;

  private Celeriac(CeleriacConfig config) {
    this.config = config;
    this.registry = config.registry() != null
        ? config.registry()
        : TaskRegistry.load(Thread.currentThread().getContextClassLoader());
    this.instances = config.instanceProvider().map(TaskInstances::from).orElseGet(TaskInstances::constructed);
    if (config.brokerUrlFallback() && !config.eager()) {
      // A producer missing one variable would otherwise "succeed" while its messages vanish at exit.
      log.warn("No broker configured (BROKER_URL is not set, and CELERIAC_CONF names no file with broker.url): using"
          + " memory://, whose messages live only in this JVM and are lost when it exits");
    }
    Broker opened = Brokers.open(config.brokerUrl(), config.clock(), config.brokerSettings());
    this.opened = opened;
    this.results = openResults(config, opened);
    this.sentEvents = config.taskSentEvents() && !config.eager()
        ? opened.fleet().map(fleet -> new EventDispatcher(fleet.events(), MessageCodec.origin(), new LamportClock(), false))
            .orElse(null)
        : null;
    this.chords = chordStore(config, opened);
    this.canvases = CanvasApplier.forRegistry(this::dispatch, registry, chords, config.clock());
    if (config.eager()) {
      this.broker = new EagerBroker(opened, registry, config.clock(), instances, results,
          new FollowUps(canvases, chords));
      this.afterPublish = outgoing -> {};
    } else {
      this.broker = opened;
      this.afterPublish = this::announceSent;
    }
  }

  private static ChordStore chordStore(CeleriacConfig config, Broker broker) {
    String backend = config.resultBackend().map(String::trim).orElse(null);
    if (backend != null) {
      // Chords count in the Redis result backend's keys, as Celery's do; rpc:// has no chords, as in Celery.
      int schemeEnd = backend.indexOf("://");
      String scheme = schemeEnd < 0 ? "" : backend.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
      for (ChordStoreProvider provider : Brokers.load(ChordStoreProvider.class, List.of())) {
        if (provider.schemes().contains(scheme)) {
          return provider.open(backend, resultSettings(config, broker));
        }
      }
    }
    if (config.eager() || broker instanceof dev.celeriac.broker.memory.MemoryBroker) {
      return new MemoryChordStore();
    }
    return null;
  }

  /** Where a canvas's messages go: the broker (in eager mode, a run in this thread). */
  private void dispatch(String queue, TaskMessage message) {
    if (message.bodyLength() + HEADERS_ALLOWANCE > config.maxMessageBytes()) {
      long size = MessageCodec.sizeOf(message);
      if (size > config.maxMessageBytes()) {
        throw new MessageTooLargeException(message.task(), size, config.maxMessageBytes());
      }
    }
    broker.publish(queue, message);
    afterPublish.accept(new MessagePublisher.Outgoing(queue, message));
  }

  /** Applies a signature, chain or chord; see {@link Signature#apply()}. */
  <R> TaskRef<R> applyCanvas(SignatureSpec signature) {
    CanvasApplier.Sent sent = applyFrozen(signature);
    if (SignatureSpec.GROUP.equals(signature.subtaskType())) {
      return new TaskRef<>(sent.id(), signature.task(), "", results, null);
    }
    return ref(sent, resultTask(signature));
  }

  /**
   * Applies a canvas with its ids fixed first, so that a task applying it records it in its {@code children}, as
   * Celery's {@code add_trail}.
   */
  private CanvasApplier.Sent applyFrozen(SignatureSpec signature) {
    SignatureSpec frozen = CanvasApplier.frozen(signature);
    return CurrentTask.sentAsOne(() -> canvases.apply(frozen, List.of(), Map.of()),
        sent -> CanvasApplier.trailTuple(frozen));
  }

  /** A reference to what {@code sent} started, reading its result as the task {@code name} of this registry types it. */
  private <R> TaskRef<R> ref(CanvasApplier.Sent sent, String name) {
    ValueType type = registry.find(name).flatMap(TaskDefinition::resultType).orElse(null);
    return new TaskRef<>(sent.id(), name, sent.queue() != null ? sent.queue() : "", results, type);
  }

  /** The task whose result a canvas's result is: the last step of a chain, the body of a chord. */
  private static String resultTask(SignatureSpec signature) {
    if (SignatureSpec.CHAIN.equals(signature.subtaskType())) {
      List<SignatureSpec> steps = signature.tasks();
      return resultTask(steps.get(steps.size() - 1));
    }
    if (SignatureSpec.CHORD.equals(signature.subtaskType())) {
      return resultTask(signature.body());
    }
    return signature.task();
  }

  /** Applies a group; see {@link Group#apply()}. */
  GroupRef applyGroup(SignatureSpec group) {
    CanvasApplier.Sent sent = applyFrozen(group);
    List<SignatureSpec> members = group.tasks();
    List<TaskRef<?>> refs = new ArrayList<>();
    for (int i = 0; i < sent.members().size(); i++) {
      refs.add(ref(sent.members().get(i), i < members.size() ? resultTask(members.get(i)) : ""));
    }
    return new GroupRef(sent.id(), refs, this);
  }

  /** The chord join this app's workers count in, or null. */
  public ChordStore chordStore() {
    return chords;
  }

  /**
   * Saves a group's members where {@link GroupRef#save()} says; here so that the group's reference, an API type,
   * does not reach into the canvas package that implements it.
   */
  void saveGroup(String groupId, List<String> taskIds) {
    if (chords == null) {
      throw new IllegalStateException("saving a group needs a result backend: set result.backend");
    }
    chords.saveGroup(groupId, taskIds);
  }

  /**
   * An app for {@code config}. Loads every task index on the class path first, so that a duplicate task
   * name fails here, at start-up, then connects to the broker, waiting up to the configured connect timeout
   * for one that does not answer yet.
   *
   * @throws DuplicateTaskException when two indexes declare one task name
   * @throws ConfigurationException for a bad broker URL, and a broker that will never accept it: refused
   *     credentials, a host name that does not resolve, an untrusted TLS certificate
   * @throws dev.celeriac.broker.BrokerUnreachableException when the broker did not answer within the connect
   *     timeout
   */
  public static Celeriac create(CeleriacConfig config) {
    return new Celeriac(Objects.requireNonNull(config));
  }

  /**
   * An app on the broker at {@code brokerUrl} with every other setting at its default; see {@link #create} for
   * what it throws.
   */
  public static Celeriac connect(String brokerUrl) {
    return create(CeleriacConfig.builder().brokerUrl(brokerUrl).build());
  }

  /**
   * An app configured from the environment: the broker is {@code BROKER_URL}, else {@code broker.url} in the
   * properties file named by {@code CELERIAC_CONF} (which holds the other settings too). With neither, it is
   * {@code memory://}, with a warning: its messages live only in this JVM and are lost when it exits.
   *
   * @throws ConfigurationException for a bad file, key or value; see {@link #create} for the broker's
   */
  public static Celeriac fromEnv() {
    return create(ConfigLoader.load(System.getenv(), null));
  }

  /**
   * An eager app for tests: every enqueue runs the task at once in the calling thread, through the same
   * message encoding, and throws {@link EagerTaskException} if it fails for good.
   */
  public static Celeriac eager() {
    return create(CeleriacConfig.builder().eager(true).build());
  }

  /** Makes {@code app} what generated stubs use when no {@code .on(app)} is given; null clears it. */
  public static void setDefault(Celeriac app) {
    defaultApp = app;
  }

  /**
   * The app set with {@link #setDefault}.
   *
   * @throws IllegalStateException when none is set
   */
  public static Celeriac getDefault() {
    Celeriac app = defaultApp;
    if (app == null) {
      throw new IllegalStateException("no default Celeriac app: call Celeriac.setDefault(app) at start-up,"
          + " or pass one with with().on(app)");
    }
    return app;
  }

  private static ResultSettings resultSettings(CeleriacConfig config, Broker broker) {
    return new ResultSettings(config.resultExpires(), config.clock(), config.brokerSettings(), broker,
        config.brokerUrl());
  }

  private static ResultBackend openResults(CeleriacConfig config, Broker broker) {
    if (config.eager()) {
      return new MemoryResultBackend();
    }
    if (config.resultBackend().isEmpty()) {
      return null;
    }
    try {
      return ResultBackends.open(config.resultBackend().get(), resultSettings(config, broker));
    } catch (RuntimeException e) {
      broker.close();
      throw e;
    }
  }

  /** The result backend; empty when none is configured (results are then not stored, as Celery's). */
  public Optional<ResultBackend> resultBackend() {
    return Optional.ofNullable(results);
  }

  /**
   * A reference to the task {@code taskId}, to read its state and result as Celery's {@code AsyncResult(id)}: the
   * result comes as the JSON value stored (Long, Double, String, Boolean, List, Map).
   */
  public TaskRef<Object> result(String taskId) {
    return new TaskRef<>(taskId, "?", "?", results, null);
  }

  /** As {@link #result(String)}, converting the result to {@code type}. */
  public <R> TaskRef<R> result(String taskId, ValueType type) {
    return new TaskRef<>(taskId, "?", "?", results, type);
  }

  public CeleriacConfig config() {
    return config;
  }

  public TaskRegistry registry() {
    return registry;
  }

  /**
   * The broker the broker URL names, in eager mode too: what is published to it directly is queued, not run (the
   * app's own enqueues run at once in eager mode, through an {@link EagerBroker} over it).
   */
  public Broker broker() {
    return opened;
  }

  /** A worker with this app's configured worker options; call {@link Worker#start()} to run it. */
  public Worker worker() {
    return worker(config.worker());
  }

  /** A worker with {@code options}; call {@link Worker#start()} to run it. */
  public Worker worker(WorkerOptions options) {
    return new Worker(BrokerRoles.of(opened), registry, options, config.clock(), instances, results, chords);
  }

  /**
   * Sends a task by name, as Celery's {@code send_task}: for tasks without a stub here. Arguments are
   * not checked against any signature.
   *
   * @param args positional arguments; null for none
   * @param kwargs keyword arguments; null for none
   * @param options the queue (null for the task's own queue when this registry knows it, else {@code celery}),
   *     countdown and the rest; null for {@link EnqueueOptions#DEFAULTS}
   */
  public TaskRef<Object> send(String taskName, List<Object> args, Map<String, Object> kwargs, EnqueueOptions options) {
    TaskDefinition known = registry.find(taskName).orElse(null);
    TaskDefinition target = known != null ? known : TaskDefinition.builder(taskName).build();
    return publish(target, wireList(args == null ? List.of() : args, "args"),
        wireMap(kwargs == null ? Map.of() : kwargs, "kwargs"), options == null ? EnqueueOptions.DEFAULTS : options,
        null);
  }

  /** The enqueue behind generated stubs: typed keyword arguments plus the caller's extras. */
  <R> TaskRef<R> enqueue(TaskDefinition task, Map<String, Object> kwargs, Map<String, Object> extras,
      EnqueueOptions options, Batch batch) {
    Map<String, Object> all = wireMap(kwargs, "argument");
    for (Map.Entry<String, Object> extra : extras.entrySet()) {
      if (all.containsKey(extra.getKey())) {
        throw new IllegalArgumentException("extras key '" + extra.getKey() + "' is a parameter of task '"
            + task.name() + "'; pass it as that parameter");
      }
      all.put(extra.getKey(), JsonValues.toWire(extra.getValue(), "extras '" + extra.getKey() + "'"));
    }
    return publish(task, List.of(), all, options, batch);
  }

  /** An enqueue with callbacks or errbacks: the message carries them in its embed, as Celery's. */
  <R> TaskRef<R> applyLinked(TaskDefinition task, Map<String, Object> kwargs, Map<String, Object> extras,
      Map<String, Object> options) {
    Map<String, Object> all = wireMap(kwargs, "argument");
    extras.forEach((key, value) -> {
      if (all.containsKey(key)) {
        throw new IllegalArgumentException("extras key '" + key + "' is a parameter of task '" + task.name()
            + "'; pass it as that parameter");
      }
      all.put(key, JsonValues.toWire(value, "extras '" + key + "'"));
    });
    if (!task.expires().isZero() && !options.containsKey("expires")) {
      options.put("expires", task.expires().toNanos() / 1e9);
    }
    if (!task.timeLimit().isZero() && !options.containsKey("time_limit")) {
      options.put("time_limit", task.timeLimit().toSeconds());
    }
    SignatureSpec signature = new SignatureSpec(task.name(), List.of(), all, options, null, false);
    CanvasApplier.Sent sent = applyFrozen(signature);
    return ref(sent, task.name());
  }

  /** A batch of enqueues sent in one go; see {@link Batch}. */
  public Batch batch() {
    return new Batch(this);
  }

  void publishAll(List<MessagePublisher.Outgoing> messages) {
    broker.publishAll(messages);
    messages.forEach(afterPublish);
  }

  private <R> TaskRef<R> publish(TaskDefinition task, List<Object> args, Map<String, Object> kwargs,
      EnqueueOptions options, Batch batch) {
    MessagePublisher.Outgoing outgoing = outgoing(task, args, kwargs, options);
    if (batch != null) {
      batch.add(outgoing);
    } else {
      broker.publish(outgoing.queue(), outgoing.message());
      afterPublish.accept(outgoing);
    }
    return new TaskRef<>(outgoing.message().id(), task.name(), outgoing.queue(),
        task.ignoreResult() ? null : results, task.resultType().orElse(null));
  }

  /**
   * Celery's {@code task-sent} event for a message the broker took, when {@code events.task-sent} asks for it; and
   * the message in the sending task's children.
   */
  private void announceSent(MessagePublisher.Outgoing outgoing) {
    // A task sending it records it in its children, as Celery's add_trail.
    CurrentTask.sent(ResultMeta.taskTuple(outgoing.message().id()));
    if (sentEvents == null) {
      return;
    }
    TaskMessage message = outgoing.message();
    Map<String, Object> headers = message.headers();
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("uuid", message.id());
    fields.put("root_id", message.rootId());
    fields.put("parent_id", message.parentId());
    fields.put("name", message.task());
    fields.put("args", headers.get("argsrepr"));
    fields.put("kwargs", headers.get("kwargsrepr"));
    fields.put("retries", message.retries());
    fields.put("eta", headers.get("eta"));
    fields.put("expires", headers.get("expires"));
    fields.put("queue", outgoing.queue());
    fields.put("exchange", "");
    fields.put("routing_key", outgoing.queue());
    sentEvents.send("task-sent", fields);
  }

  /** A new message for {@code task} and the queue it goes to; refused when larger than the configured cap. */
  private MessagePublisher.Outgoing outgoing(TaskDefinition task, List<Object> args, Map<String, Object> kwargs,
      EnqueueOptions options) {
    Instant now = config.clock().instant();
    String id = Ids.uuid();
    String queue = options.queue() != null ? options.queue() : task.queue();
    Instant eta = options.countdown() != null ? now.plus(options.countdown()) : options.eta();
    java.time.Duration ttl = options.expires() != null ? options.expires()
        : task.expires().isZero() ? null : task.expires();
    TaskContext parent = TaskContext.current().orElse(null);
    TaskMessage message = MessageCodec.newMessage(new MessageCodec.NewMessage(
        task.name(), id, args, kwargs, eta, ttl == null ? null : now.plus(ttl), ttl,
        parent == null ? null : parent.id(), parent == null ? null : parent.rootId(),
        options.priority(), task.timeLimit(), now, task.ignoreResult()));
    // Headers are a few KiB at most (argsrepr and kwargsrepr are capped), so only a large body needs
    // the exact measure.
    if (message.bodyLength() + HEADERS_ALLOWANCE > config.maxMessageBytes()) {
      long size = MessageCodec.sizeOf(message);
      if (size > config.maxMessageBytes()) {
        throw new MessageTooLargeException(task.name(), size, config.maxMessageBytes());
      }
    }
    if (results != null && !task.ignoreResult()) {
      String replyTo = results.replyTo();
      if (replyTo != null) {
        // rpc://: the worker replies to this producer's own queue, as Celery's client asks with reply_to.
        Map<String, Object> properties = new LinkedHashMap<>(message.properties());
        properties.put("reply_to", replyTo);
        message = message.withProperties(properties);
      }
    }
    return new MessagePublisher.Outgoing(queue, message);
  }

  /**
   * A {@code run cron} scheduler for the {@code @Periodic} tasks of this app's registry: {@link Cron#run()}
   * fires each slot once across every cron process on the broker. Periodic tasks take no arguments: every
   * parameter of theirs has a default.
   */
  public Cron cron() {
    return new Cron(broker, registry.tasks(), config.clock(),
        task -> outgoing(task, List.of(), Map.of(), EnqueueOptions.DEFAULTS));
  }

  /** Closes the broker connection. Does not stop workers; stop them first. */
  @Override
  public void close() {
    if (results != null) {
      results.close();
    }
    broker.close();
  }

  @Override
  public String toString() {
    return "Celeriac[" + broker.displayUrl() + (config.eager() ? ", eager" : "") + "]";
  }

  private static Map<String, Object> wireMap(Map<String, Object> values, String what) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, Object> entry : values.entrySet()) {
      out.put(entry.getKey(), JsonValues.toWire(entry.getValue(), what + " '" + entry.getKey() + "'"));
    }
    return out;
  }

  private static List<Object> wireList(List<Object> values, String what) {
    List<Object> out = new ArrayList<>(values.size());
    for (int i = 0; i < values.size(); i++) {
      out.add(JsonValues.toWire(values.get(i), what + "[" + i + "]"));
    }
    return out;
  }
}
