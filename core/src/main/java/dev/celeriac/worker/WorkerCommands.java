package dev.celeriac.worker;

import dev.celeriac.TaskContext;
import dev.celeriac.TaskDefinition;
import dev.celeriac.broker.BrokerUrl;
import dev.celeriac.broker.Delivery;
import dev.celeriac.broker.RevokeStore;
import dev.celeriac.control.ControlNode;
import dev.celeriac.control.ControlNode.Command;
import dev.celeriac.events.EventDispatcher;
import dev.celeriac.events.Heart;
import dev.celeriac.protocol.MessageCodec;
import dev.celeriac.protocol.TaskMessage;
import dev.celeriac.protocol.TaskPayload;
import dev.celeriac.protocol.Timestamps;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The remote-control commands a worker answers, with the replies of Celery's {@code celery/worker/control.py}:
 * {@code ping}, {@code stats}, {@code active}, {@code reserved}, {@code scheduled}, {@code query_task},
 * {@code registered}, {@code revoked}, {@code active_queues}, {@code conf}, {@code report}, {@code clock},
 * {@code hello}, {@code enable_events}, {@code disable_events}, {@code heartbeat}, {@code revoke},
 * {@code terminate}, {@code add_consumer}, {@code cancel_consumer}, {@code pool_grow}, {@code pool_shrink}
 * and {@code shutdown}.
 */
final class WorkerCommands {

  private static final Logger log = LoggerFactory.getLogger(WorkerCommands.class);
  private static final long PID = ProcessHandle.current().pid();
  /** The priority Celery's timer gives every eta entry, which {@code scheduled} reports. */
  private static final int ETA_TIMER_PRIORITY = 6;

  private final Worker worker;
  private final WorkerState state;
  private final EventDispatcher events;
  private final RevokeStore revokes;
  private final Clock clock;

  WorkerCommands(Worker worker, WorkerState state, EventDispatcher events, RevokeStore revokes, Clock clock) {
    this.worker = worker;
    this.state = state;
    this.events = events;
    this.revokes = revokes;
    this.clock = clock;
  }

  /** Every command, by name. */
  Map<String, Command> all() {
    Map<String, Command> commands = new LinkedHashMap<>();
    commands.put("ping", arguments -> ok("pong"));
    commands.put("stats", arguments -> stats());
    commands.put("active", arguments -> active(Boolean.TRUE.equals(arguments.get("safe"))));
    commands.put("reserved", arguments -> reserved());
    commands.put("scheduled", arguments -> scheduled());
    commands.put("query_task", arguments -> queryTask(ids(arguments.get("ids"))));
    commands.put("registered", arguments -> registered(arguments.get("taskinfoitems")));
    commands.put("revoked", arguments -> state.revoked().ids());
    commands.put("active_queues", arguments -> activeQueues());
    commands.put("conf", arguments -> conf());
    commands.put("report", arguments -> ok(report()));
    commands.put("clock", arguments -> Map.of("clock", events.clock().value()));
    commands.put("hello", this::hello);
    commands.put("enable_events", arguments -> ok(events.enableTaskEvents() ? "task events enabled"
        : "task events already enabled"));
    commands.put("disable_events", arguments -> ok(events.disableTaskEvents() ? "task events disabled"
        : "task events already disabled"));
    commands.put("heartbeat", arguments -> heartbeat());
    commands.put("revoke", arguments -> revoke(ids(arguments.get("task_id")), Boolean.TRUE.equals(arguments.get("terminate"))));
    commands.put("terminate", arguments -> revoke(ids(arguments.get("task_id")), true));
    commands.put("add_consumer", this::addConsumer);
    commands.put("cancel_consumer", this::cancelConsumer);
    commands.put("pool_grow", arguments -> resize(count(arguments.get("n")), "pool will grow"));
    commands.put("pool_shrink", arguments -> resize(-count(arguments.get("n")), "pool will shrink"));
    commands.put("shutdown", this::shutdown);
    return commands;
  }

  private static Map<String, Object> ok(Object value) {
    return Map.of("ok", value);
  }

  private Map<String, Object> stats() {
    Map<String, Object> stats = new LinkedHashMap<>();
    stats.put("total", state.totals());
    stats.put("pid", PID);
    // A string in Celery's reply, unlike the clock of the clock command.
    stats.put("clock", Long.toString(events.clock().value()));
    Instant started = worker.startedAt();
    stats.put("uptime", started == null ? 0 : Duration.between(started, Instant.now()).toSeconds());
    Map<String, Object> pool = new LinkedHashMap<>();
    pool.put("max-concurrency", worker.concurrency());
    pool.put("processes", List.of(PID));
    pool.put("max-tasks-per-child", "N/A");
    pool.put("put-guarded-by-semaphore", false);
    pool.put("timeouts", List.of(0, 0));
    stats.put("pool", pool);
    stats.put("broker", broker());
    stats.put("prefetch_count", worker.prefetchCount());
    stats.put("rusage", rusage());
    return stats;
  }

  /**
   * The broker connection as kombu's {@code Connection.info()} describes one, no password: the first URL of a
   * failover list, the others as {@code alternates}.
   */
  private Map<String, Object> broker() {
    List<BrokerUrl> urls = BrokerUrl.parseAll(worker.brokerUrl());
    BrokerUrl url = urls.get(0);
    boolean amqp = url.scheme().startsWith("amqp") || url.scheme().equals("pyamqp");
    boolean redis = url.scheme().startsWith("redis");
    Map<String, Object> broker = new LinkedHashMap<>();
    broker.put("hostname", url.host().isEmpty() ? "127.0.0.1" : url.host());
    broker.put("userid", url.user());
    String path = url.path().startsWith("/") ? url.path().substring(1) : url.path();
    broker.put("virtual_host", amqp && path.isEmpty() ? "/" : redis && path.isEmpty() ? "0" : path);
    broker.put("port", url.port(amqp ? 5672 : redis ? 6379 : 0));
    broker.put("insist", false);
    broker.put("ssl", url.scheme().equals("amqps") || url.scheme().equals("rediss"));
    broker.put("transport", amqp ? "amqp" : redis ? "redis" : url.scheme());
    broker.put("connect_timeout", 4);
    broker.put("transport_options", Map.of());
    broker.put("login_method", amqp ? "AMQPLAIN" : null);
    broker.put("uri_prefix", null);
    broker.put("heartbeat", 120.0);
    broker.put("failover_strategy", "round-robin");
    broker.put("alternates", urls.size() > 1 ? urls.stream().map(BrokerUrl::toString).toList() : List.of());
    return broker;
  }

  /** Resource usage in {@code getrusage}'s terms: CPU seconds and the peak resident set in kilobytes. */
  private static Map<String, Object> rusage() {
    double user;
    double system;
    long maxrss = 0;
    try {
      // /proc/self/stat: fields 14 and 15 are utime and stime in clock ticks (100 a second), after "(comm)".
      String stat = Files.readString(Path.of("/proc/self/stat"), StandardCharsets.US_ASCII);
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ", -1);
      user = Long.parseLong(fields[11]) / 100.0;
      system = Long.parseLong(fields[12]) / 100.0;
      for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.US_ASCII)) {
        if (line.startsWith("VmHWM:")) {
          maxrss = Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
      long cpu = os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
      user = Math.max(0, cpu) / 1e9;
      system = 0;
    }
    Map<String, Object> usage = new LinkedHashMap<>();
    usage.put("utime", user);
    usage.put("stime", system);
    usage.put("maxrss", maxrss);
    for (String field : List.of("ixrss", "idrss", "isrss", "minflt", "majflt", "nswap", "inblock", "oublock",
        "msgsnd", "msgrcv", "nsignals", "nvcsw", "nivcsw")) {
      usage.put(field, 0);
    }
    return usage;
  }

  private List<Map<String, Object>> active(boolean safe) {
    List<Map<String, Object>> active = new ArrayList<>();
    for (ActiveTask task : state.active()) {
      active.add(info(task.task().id(), task.task().name(), task.message(), task.task().queue(), task.payload(),
          safe, EventDispatcher.epochSeconds(task.started()), PID));
    }
    return active;
  }

  private List<Map<String, Object>> reserved() {
    List<Map<String, Object>> reserved = new ArrayList<>();
    for (Delivery delivery : worker.reserved()) {
      try {
        TaskMessage message = delivery.message();
        if (message.id() != null && message.task() != null) {
          reserved.add(info(message.id(), message.task(), message, delivery.queue(), null, false, null, null));
        }
      } catch (RuntimeException undecodable) {
        // A message the worker will dead-letter: not a task request.
      }
    }
    return reserved;
  }

  private List<Map<String, Object>> scheduled() {
    List<Map<String, Object>> scheduled = new ArrayList<>();
    for (WorkerState.ScheduledTask parked : state.scheduled(clock.instant())) {
      TaskContext task = parked.task();
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("eta", Timestamps.format(parked.eta()));
      entry.put("priority", ETA_TIMER_PRIORITY);
      entry.put("request", info(task.id(), task.name(), parked.message(), task.queue(), null, false, null, null));
      scheduled.add(entry);
    }
    return scheduled;
  }

  private Map<String, Object> queryTask(List<String> ids) {
    Map<String, Object> found = new LinkedHashMap<>();
    for (ActiveTask task : state.active()) {
      if (ids.contains(task.task().id())) {
        found.put(task.task().id(), List.of("active", info(task.task().id(), task.task().name(), task.message(),
            task.task().queue(), task.payload(), false, EventDispatcher.epochSeconds(task.started()), PID)));
      }
    }
    for (Delivery delivery : worker.reserved()) {
      try {
        TaskMessage message = delivery.message();
        if (ids.contains(message.id()) && !found.containsKey(message.id())) {
          found.put(message.id(), List.of("reserved",
              info(message.id(), message.task(), message, delivery.queue(), null, false, null, null)));
        }
      } catch (RuntimeException undecodable) {
        // not a task request
      }
    }
    return found;
  }

  /**
   * Celery's {@code Request.info()}: the arguments as decoded (or, when {@code safe}, as the producer's repr),
   * where the message came from, and when and where it started, for a task that did.
   */
  private Map<String, Object> info(String id, String name, TaskMessage message, String queue, TaskPayload payload,
      boolean safe, Object timeStart, Long workerPid) {
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("id", id);
    info.put("name", name);
    Object args;
    Object kwargs;
    if (!safe) {
      try {
        TaskPayload decoded = payload != null ? payload : MessageCodec.decodeBody(message);
        args = decoded.args();
        kwargs = decoded.kwargs();
      } catch (RuntimeException undecodable) {
        args = message.headers().get("argsrepr");
        kwargs = message.headers().get("kwargsrepr");
      }
    } else {
      args = message.headers().get("argsrepr");
      kwargs = message.headers().get("kwargsrepr");
    }
    info.put("args", args);
    info.put("kwargs", kwargs);
    info.put("type", name);
    info.put("hostname", worker.hostname());
    info.put("time_start", timeStart);
    // Celeriac acks a message once its task ended, as Celery's acks_late: never while it runs.
    info.put("acknowledged", false);
    Map<String, Object> deliveryInfo = new LinkedHashMap<>();
    deliveryInfo.put("exchange", "");
    deliveryInfo.put("routing_key", queue);
    deliveryInfo.put("priority", message.priority());
    deliveryInfo.put("redelivered", null);
    info.put("delivery_info", deliveryInfo);
    info.put("worker_pid", workerPid);
    return info;
  }

  /**
   * The implemented tasks, sorted; with {@code taskinfoitems}, each followed by the attributes asked for that a
   * Celeriac task has, as {@code name [attribute=value ...]}.
   */
  private List<String> registered(Object items) {
    List<String> names = items instanceof List<?> list ? list.stream().map(String::valueOf).toList() : List.of();
    List<String> registered = new ArrayList<>();
    List<TaskDefinition> tasks = new ArrayList<>(worker.registry().tasks());
    tasks.sort((a, b) -> a.name().compareTo(b.name()));
    for (TaskDefinition task : tasks) {
      if (!task.isImplemented() || task.name().startsWith("celery.")) {
        continue;
      }
      List<String> attributes = new ArrayList<>();
      for (String item : names) {
        String value = attribute(task, item);
        if (value != null) {
          attributes.add(item + "=" + value);
        }
      }
      registered.add(attributes.isEmpty() ? task.name() : task.name() + " [" + String.join(" ", attributes) + "]");
    }
    return registered;
  }

  /** A task attribute as Python's {@code str()} would show Celery's equivalent, or null when it has none. */
  private static String attribute(TaskDefinition task, String name) {
    return switch (name) {
      case "queue" -> task.queue();
      case "max_retries" -> Integer.toString(task.retryPolicy().maxRetries());
      case "default_retry_delay" -> Long.toString(task.retryPolicy().delay().toSeconds());
      case "time_limit" -> task.timeLimit().isZero() ? null : Long.toString(task.timeLimit().toSeconds());
      case "expires" -> task.expires().isZero() ? null : Long.toString(task.expires().toSeconds());
      case "acks_late" -> "True";
      default -> null;
    };
  }

  /** Each consumed queue as kombu's {@code Queue.as_dict(recurse=True)}: Celery's direct exchange of the same name. */
  private List<Map<String, Object>> activeQueues() {
    List<Map<String, Object>> queues = new ArrayList<>();
    for (String name : worker.queues()) {
      Map<String, Object> exchange = new LinkedHashMap<>();
      exchange.put("name", name);
      exchange.put("type", "direct");
      exchange.put("arguments", null);
      exchange.put("durable", true);
      exchange.put("passive", false);
      exchange.put("auto_delete", false);
      exchange.put("delivery_mode", null);
      exchange.put("no_declare", false);
      Map<String, Object> queue = new LinkedHashMap<>();
      queue.put("name", name);
      queue.put("exchange", exchange);
      queue.put("routing_key", name);
      queue.put("queue_arguments", null);
      queue.put("binding_arguments", null);
      queue.put("consumer_arguments", null);
      queue.put("durable", true);
      queue.put("exclusive", false);
      queue.put("auto_delete", false);
      queue.put("no_ack", false);
      queue.put("alias", null);
      queue.put("bindings", List.of());
      queue.put("no_declare", null);
      queue.put("expires", null);
      queue.put("message_ttl", null);
      queue.put("max_length", null);
      queue.put("max_length_bytes", null);
      queue.put("max_priority", null);
      queues.add(queue);
    }
    return queues;
  }

  /** The worker's settings, as Celery's {@code conf} lists an app's: by configuration key, the broker URL masked. */
  private Map<String, Object> conf() {
    WorkerOptions options = worker.options();
    Map<String, Object> conf = new TreeMap<>();
    conf.put("broker.url", worker.brokerUrl());
    conf.put("worker.hostname", worker.hostname());
    conf.put("worker.queues", worker.queues());
    conf.put("worker.concurrency", worker.concurrency());
    conf.put("worker.prefetch", options.prefetch() == 0 ? "automatic" : options.prefetch());
    conf.put("worker.shutdown-timeout-seconds", options.shutdownTimeout().toSeconds());
    conf.put("worker.task-events", events.taskEventsEnabled());
    conf.put("worker.remote-control", options.remoteControl());
    conf.put("worker.revoke-expires-seconds", options.revokeExpires().toSeconds());
    return conf;
  }

  /** Celery's bug-report text, for Celeriac: software, platform, transport, settings. */
  private String report() {
    Map<String, Object> software = Heart.software();
    StringBuilder text = new StringBuilder("\n");
    text.append("software -> celeriac:").append(software.get("sw_ver")).append(" java:")
        .append(System.getProperty("java.version")).append(" (").append(System.getProperty("java.vm.name"))
        .append(")\n");
    text.append("platform -> system:").append(System.getProperty("os.name")).append(" arch:")
        .append(System.getProperty("os.arch")).append("\n            kernel version:")
        .append(System.getProperty("os.version")).append("\n");
    text.append("settings -> transport:").append(BrokerUrl.parseAll(worker.brokerUrl()).get(0).scheme())
        .append("\n\n");
    conf().forEach((key, value) -> text.append(key).append(": ").append(value).append('\n'));
    return text.toString();
  }

  /**
   * Mingle's question from a starting node: merges its revoked ids, answers with this node's and the clock; no
   * answer to itself.
   */
  private Object hello(Map<String, Object> arguments) {
    Object from = arguments.get("from_node");
    if (worker.hostname().equals(from)) {
      return null;
    }
    log.info("sync with {}", from);
    if (arguments.get("revoked") instanceof Map<?, ?> revoked) {
      state.revoked().merge(revoked);
    }
    Map<String, Object> reply = new LinkedHashMap<>();
    reply.put("revoked", state.revoked().asMingle());
    reply.put("clock", events.clock().forward());
    return reply;
  }

  private Object heartbeat() {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("freq", Heart.ON_DEMAND_FREQ);
    fields.putAll(Heart.software());
    events.send("worker-heartbeat", fields);
    return null;
  }

  /**
   * Revokes the ids here and in the broker's store, so that workers started later discard them too; with
   * {@code terminate}, interrupts those running here.
   */
  private Map<String, Object> revoke(List<String> ids, boolean terminate) {
    state.revoked().addAll(ids);
    try {
      revokes.add(ids, clock.instant().plus(state.revoked().expires()));
    } catch (RuntimeException e) {
      log.warn("Could not store revoked ids {} on the broker; this worker discards them regardless: {}", ids,
          e.getMessage());
    }
    if (terminate) {
      List<String> terminated = state.terminate(ids);
      if (terminated.isEmpty()) {
        return ok("terminate: tasks unknown");
      }
      log.info("Terminating {}", terminated);
      return ok("terminate: " + String.join(", ", terminated));
    }
    log.info("Tasks flagged as revoked: {}", String.join(", ", ids));
    return ok("tasks " + String.join(", ", ids) + " flagged as revoked");
  }

  private Object addConsumer(Map<String, Object> arguments) {
    String queue = String.valueOf(arguments.get("queue"));
    List<String> queues = new ArrayList<>(worker.wantedQueues());
    if (!queues.contains(queue)) {
      queues.add(queue);
      worker.consume(queues);
    }
    return ok("add consumer " + queue);
  }

  private Object cancelConsumer(Map<String, Object> arguments) {
    String queue = String.valueOf(arguments.get("queue"));
    List<String> queues = new ArrayList<>(worker.wantedQueues());
    if (queues.remove(queue)) {
      worker.consume(queues);
    }
    return ok("no longer consuming from " + queue);
  }

  private Object resize(int change, String done) {
    worker.resize(Math.max(1, worker.concurrency() + change));
    return ok(done);
  }

  /** Stops the worker gracefully, on a thread of its own; like Celery's, it sends no reply. */
  private Object shutdown(Map<String, Object> arguments) {
    Object message = arguments.getOrDefault("msg", "Got shutdown from remote");
    log.warn("{}", message);
    Thread stopper = new Thread(worker::stop, "celeriac-remote-shutdown");
    stopper.setDaemon(false);
    stopper.start();
    return ControlNode.NO_REPLY;
  }

  /** A task id or a list of them, as {@code revoke} takes them. */
  private static List<String> ids(Object value) {
    if (value instanceof List<?> list) {
      return list.stream().map(String::valueOf).distinct().toList();
    }
    return value == null ? List.of() : List.of(String.valueOf(value));
  }

  /** {@code n} of {@code pool_grow} and {@code pool_shrink}: a number, its text, or 1 when absent. */
  private static int count(Object value) {
    if (value instanceof Number number) {
      return number.intValue();
    }
    if (value instanceof String text && !text.isBlank()) {
      return Integer.parseInt(text.trim());
    }
    return 1;
  }
}
