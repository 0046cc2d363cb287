package dev.celeriac.worker;

import dev.celeriac.broker.ControlMailbox;
import dev.celeriac.broker.FleetSupport;
import dev.celeriac.control.ControlClient;
import dev.celeriac.control.ControlNode;
import dev.celeriac.events.EventDispatcher;
import dev.celeriac.events.Heart;
import dev.celeriac.events.LamportClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's part in a Celery fleet, started before it fetches and stopped after its tasks ended, in Celery's
 * order: revoked ids from the broker's store, then its peers' (mingle), then the remote-control node, then the
 * heartbeat with {@code worker-online}; at the end {@code worker-offline}.
 */
final class FleetMember {

  private static final Logger log = LoggerFactory.getLogger(FleetMember.class);

  /** How long mingle waits for its peers' replies, as Celery's. */
  static final Duration MINGLE_WAIT = Duration.ofSeconds(1);

  private final FleetSupport support;
  private final WorkerOptions options;
  private final WorkerState state;
  private final Clock clock;
  private final LamportClock appClock = new LamportClock();
  private final EventDispatcher events;
  private final Heart heart;
  private final WorkerCommands commands;
  private ControlMailbox.Subscription subscription;

  FleetMember(FleetSupport support, Worker worker, WorkerOptions options, WorkerState state, Clock clock) {
    this.support = support;
    this.options = options;
    this.state = state;
    this.clock = clock;
    this.events = new EventDispatcher(support.events(), options.hostname(), appClock, options.taskEvents());
    this.heart = new Heart(events, Heart.DEFAULT_INTERVAL, state::activeCount, state::processed);
    this.commands = new WorkerCommands(worker, state, events, support.revokes(), clock);
  }

  /** The worker's task events, for its executor. */
  WorkerListener taskEvents() {
    return new TaskEventListener(events);
  }

  void start() {
    loadRevokes();
    if (options.mingle() && support.crossProcess()) {
      mingle();
    }
    if (options.remoteControl()) {
      subscription = support.mailbox().listen(options.hostname(),
          new ControlNode(options.hostname(), support.mailbox(), appClock, commands.all()));
      if (subscription.shared()) {
        log.warn("A node named {} is already using this process mailbox! Maybe you forgot to shut down the other"
            + " node or did not do so properly? Give each worker a unique node name with -n.", options.hostname());
      }
    }
    if (options.heartbeat()) {
      heart.start();
    }
  }

  void stop() {
    if (subscription != null) {
      subscription.close();
    }
    // The last task events go out before worker-offline.
    events.close();
    if (options.heartbeat()) {
      heart.close();
    }
  }

  /** The revokes kept on the broker, which outlive every worker. */
  private void loadRevokes() {
    Instant now = clock.instant();
    try {
      Map<String, Instant> stored = support.revokes().load(now);
      // Oldest first, as they were revoked, so that the set's eviction order and listing follow it.
      stored.entrySet().stream()
          .sorted(Map.Entry.<String, Instant>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
          .forEach(entry -> state.revoked().addRemaining(entry.getKey(), Duration.between(now, entry.getValue())));
      if (!stored.isEmpty()) {
        log.info("{} revoked task ids from the broker's store", stored.size());
      }
    } catch (RuntimeException e) {
      log.warn("Could not read the revoked task ids stored on the broker; going on with those of peers: {}",
          e.getMessage());
    }
  }

  /**
   * Celery's mingle: asks every node for its revoked ids and clock, and sends its own. This node does not listen
   * yet, so a reply under its own name comes from another worker with the same name.
   */
  private void mingle() {
    log.info("mingle: searching for neighbors");
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("from_node", options.hostname());
    arguments.put("revoked", state.revoked().asMingle());
    List<ControlClient.Reply> replies;
    try {
      replies = new ControlClient(support.mailbox()).call("hello", arguments, ControlClient.Selection.ALL,
          MINGLE_WAIT, reply -> {});
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (RuntimeException e) {
      log.warn("mingle: could not ask the other nodes: {}", e.getMessage());
      return;
    }
    int synced = 0;
    for (ControlClient.Reply reply : replies) {
      if (reply.node().equals(options.hostname())) {
        log.warn("Received a mingle reply from another node named {}. Please make sure you give each node a unique"
            + " node name using the worker -n option.", reply.node());
      } else if (reply.value() instanceof Map<?, ?> data) {
        if (data.get("clock") instanceof Number peerClock) {
          appClock.adjust(peerClock.longValue());
        }
        if (data.get("revoked") instanceof Map<?, ?> revoked) {
          state.revoked().merge(revoked);
        }
        synced++;
      }
    }
    if (synced > 0) {
      log.info("mingle: sync with {} nodes", synced);
    } else {
      log.info("mingle: all alone");
    }
  }
}
