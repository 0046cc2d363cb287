package dev.celeriac.spring.it;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The application under test: this package's beans, the starter's auto-configuration and Actuator's. */
@SpringBootApplication
public class TestApplication {}
