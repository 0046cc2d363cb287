package dev.celeriac.spring.it;

import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;

/** A database the ledger connects to when it is created, which is not up the first time: once per context. */
@Component
public class LedgerDatabase {

  private final AtomicInteger connections = new AtomicInteger();

  void connect() {
    if (connections.incrementAndGet() == 1) {
      throw new IllegalStateException("ledger database not up yet");
    }
  }

  public int connections() {
    return connections.get();
  }
}
