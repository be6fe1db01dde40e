/**
 * Auto-configuration of the stream browser.
 */
@NullMarked
package dev.eventstore.spring.boot.autoconfigure.ui;

import org.jspecify.annotations.NullMarked;
