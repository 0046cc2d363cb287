package dev.celeriac.sample.spring;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Repository;

/** The users, by id: in a real application, a database behind a repository. */
@Repository
public class Users {

  private final AtomicLong ids = new AtomicLong();
  private final Map<Long, String> emails = new ConcurrentHashMap<>();

  public long add(String email) {
    long id = ids.incrementAndGet();
    emails.put(id, email);
    return id;
  }

  public Optional<String> email(long id) {
    return Optional.ofNullable(emails.get(id));
  }

  public int count() {
    return emails.size();
  }
}
