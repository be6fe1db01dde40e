package dev.eventstore.spring.boot.quickstart;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The application of the README's Spring Boot quick start ({@link ItemAdded},
 * {@link Carts}, {@link AddedItems}), compiled and run by {@link QuickStartTests}; the
 * README shows the regions between the tags of those files, checked character for
 * character.
 */
@SpringBootApplication
class QuickStart {

}
