package dev.eventstore.test.app;

import org.springframework.stereotype.Component;

/** A component the event store slice leaves out. */
@Component
public class Mailer {

}
