package dev.celeriac.broker.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Group commit of acks, and acks that come after the batcher closed (a result stored late in a stop). */
class AckBatcherTest {

  @Test
  void acksAddedBeforeCloseAreAllSent() {
    List<String> sent = new CopyOnWriteArrayList<>();
    AckBatcher acks = new AckBatcher(sent::addAll, "test");
    for (int i = 0; i < 5000; i++) {
      acks.add("tag-" + i);
    }
    acks.close();
    assertEquals(5000, sent.size());
  }

  @Test
  void anAckAddedAfterCloseIsSentByTheCaller() {
    List<String> sent = new CopyOnWriteArrayList<>();
    AckBatcher acks = new AckBatcher(sent::addAll, "test");
    acks.close();
    acks.add("late");
    assertEquals(List.of("late"), sent);
  }

  @Test
  void anAckThatCannotBeSentAfterCloseIsLoggedNotThrown() {
    AckBatcher acks = new AckBatcher(batch -> {
      throw new IllegalStateException("pool closed");
    }, "test");
    acks.close();
    acks.add("late");
  }
}
