package dev.celeriac.sample.spring;

import org.springframework.boot.CommandLineRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * Signs up the email addresses it is given; the worker the starter runs in this application sends their welcome
 * emails, and its cron the daily digest. Runs until stopped; Ctrl-C stops the worker gracefully.
 *
 * <pre>{@code java -jar sample-spring-boot/target/celeriac-sample-spring-boot.jar ada@example.com grace@example.com}</pre>
 */
@SpringBootApplication
public class SampleSpringBootApp {

  public static void main(String[] args) {
    SpringApplication.run(SampleSpringBootApp.class, args);
  }

  /** Runs before the worker starts: the welcome emails wait on the broker until it does. */
  @Bean
  CommandLineRunner signUpArguments(SignUps signUps) {
    return args -> {
      for (String email : args) {
        signUps.signUp(email);
      }
    };
  }
}
