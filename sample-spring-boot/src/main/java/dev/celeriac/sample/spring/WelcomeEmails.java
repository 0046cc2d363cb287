package dev.celeriac.sample.spring;

import dev.celeriac.Default;
import dev.celeriac.Extras;
import dev.celeriac.Kwarg;
import dev.celeriac.Periodic;
import dev.celeriac.Task;
import java.util.Map;
import org.springframework.stereotype.Service;

/**
 * Tasks on a Spring service: the worker runs them on this bean, with its injected collaborators. The argument is the
 * user's id, not the user: arguments travel in the message.
 */
@Service
public class WelcomeEmails {

  private final Users users;
  private final Mailer mailer;

  public WelcomeEmails(Users users, Mailer mailer) {
    this.users = users;
    this.mailer = mailer;
  }

  @Task(name = "sample.spring.send_welcome_email", queue = "emails", maxRetries = 5)
  public void sendWelcomeEmail(@Kwarg("user_id") long userId, @Default("en") String locale,
      @Extras Map<String, Object> extras) {
    String email = users.email(userId).orElseThrow(() -> new IllegalStateException("no user " + userId + " yet"));
    mailer.send(email, "en".equals(locale) ? "Welcome!" : "Welcome! (" + locale + ")");
  }

  @Task(name = "sample.spring.send_daily_digest", queue = "emails")
  @Periodic(cron = "0 8 * * *", zone = "UTC")
  public void sendDailyDigest(@Extras Map<String, Object> extras) {
    mailer.send("team@example.com", users.count() + " sign-ups so far");
  }
}
