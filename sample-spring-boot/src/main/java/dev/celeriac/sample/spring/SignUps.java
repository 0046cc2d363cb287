package dev.celeriac.sample.spring;

import org.springframework.stereotype.Service;

/** Signs users up and leaves the welcome email to the worker: the stub enqueues on the starter's default app. */
@Service
public class SignUps {

  private final Users users;

  public SignUps(Users users) {
    this.users = users;
  }

  public long signUp(String email) {
    long id = users.add(email);
    SendWelcomeEmailTask.enqueue(id);
    return id;
  }
}
