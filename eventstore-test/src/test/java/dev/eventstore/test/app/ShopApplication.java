package dev.eventstore.test.app;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * An application for the slice's tests: its events, a processor, a service, a component.
 */
@SpringBootApplication
public class ShopApplication {

}
