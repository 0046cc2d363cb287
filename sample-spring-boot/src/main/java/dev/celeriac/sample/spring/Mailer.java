package dev.celeriac.sample.spring;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** Sends mail: here it logs and remembers; in a real application, a JavaMailSender or an email API. */
@Component
public class Mailer {

  private static final Logger log = LoggerFactory.getLogger(Mailer.class);
  private final List<String> sent = new CopyOnWriteArrayList<>();

  public void send(String to, String subject) {
    log.info("mail to {}: {}", to, subject);
    sent.add(to + ": " + subject);
  }

  public List<String> sent() {
    return sent;
  }
}
