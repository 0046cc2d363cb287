package dev.celeriac.broker.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends acks in batches: whatever accumulated while the previous batch was on the wire goes in the next
 * round trip (group commit), so one round trip serves many tasks under load and an idle worker acks at
 * once. A failed batch is retried until Redis takes it: an ack is never dropped, only delayed.
 */
final class AckBatcher implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(AckBatcher.class);
  private static final int MAX_BATCH = 1000;

  private final LinkedBlockingQueue<String> pending = new LinkedBlockingQueue<>();
  private final Consumer<List<String>> send;
  private final String target;
  private final Thread thread;
  private volatile boolean closing;
  /** Set once the thread has ended: an ack added after that is sent by whoever added it. */
  private volatile boolean ended;

  AckBatcher(Consumer<List<String>> send, String target) {
    this.send = send;
    this.target = target;
    this.thread = new Thread(this::run, "celeriac-redis-acks");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  void add(String tag) {
    pending.add(tag);
    if (ended) {
      // A result stored after the broker began to close (its writer outlived the worker's stop): ack it here
      // rather than leave it to be delivered again.
      sendLeftovers();
    }
  }

  /** Sends what is pending, waiting up to ten seconds for Redis. */
  @Override
  public void close() {
    closing = true;
    thread.interrupt();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!thread.isAlive()) {
      sendLeftovers();
    }
    if (!pending.isEmpty()) {
      log.warn("{} acks could not be sent to {}; those messages will be delivered again", pending.size(), target);
    }
  }

  /** Once the thread has ended: sends what is pending from the calling thread, once. */
  private void sendLeftovers() {
    List<String> batch = new ArrayList<>();
    pending.drainTo(batch, MAX_BATCH);
    while (!batch.isEmpty()) {
      try {
        send.accept(batch);
      } catch (RuntimeException e) {
        log.warn("{} acks could not be sent to {} after it closed; those messages will be delivered again: {}",
            batch.size(), target, e.toString());
        return;
      }
      batch = new ArrayList<>();
      pending.drainTo(batch, MAX_BATCH);
    }
  }

  private void run() {
    try {
      runBatches();
    } finally {
      ended = true;
    }
  }

  private void runBatches() {
    List<String> batch = new ArrayList<>();
    long backoff = 50;
    while (true) {
      try {
        if (batch.isEmpty()) {
          String first = closing ? pending.poll() : pending.poll(1, TimeUnit.SECONDS);
          if (first == null) {
            if (closing) {
              return;
            }
            continue;
          }
          batch.add(first);
          pending.drainTo(batch, MAX_BATCH - 1);
        }
        send.accept(batch);
        batch = new ArrayList<>();
        backoff = 50;
      } catch (InterruptedException e) {
        // close() interrupts: drain what is left, then stop.
        closing = true;
      } catch (RuntimeException e) {
        if (closing && backoff > 2000) {
          pending.addAll(batch);
          return;
        }
        log.warn("Acking {} messages on {} failed, retrying: {}", batch.size(), target, e.getMessage());
        try {
          Thread.sleep(backoff);
        } catch (InterruptedException interrupted) {
          closing = true;
        }
        backoff = Math.min(backoff * 2, 5000);
      }
    }
  }
}
