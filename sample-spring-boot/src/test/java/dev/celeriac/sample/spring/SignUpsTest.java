package dev.celeriac.sample.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * How to test code that enqueues: in eager mode the welcome email is sent in the test's own thread, before {@code
 * signUp} returns, by the same bean a worker would use; no broker, worker or cron runs.
 */
@SpringBootTest(properties = "celeriac.eager=true")
class SignUpsTest {

  @Autowired
  SignUps signUps;

  @Autowired
  Mailer mailer;

  @Test
  void aSignUpSendsTheWelcomeEmail() {
    signUps.signUp("ada@example.com");
    assertEquals(List.of("ada@example.com: Welcome!"), mailer.sent());
  }
}
