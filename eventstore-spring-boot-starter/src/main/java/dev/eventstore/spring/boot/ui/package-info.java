/**
 * The stream browser: a read-only page and its JSON API, served when
 * {@code eventstore.ui.enabled=true}.
 */
@NullMarked
package dev.eventstore.spring.boot.ui;

import org.jspecify.annotations.NullMarked;
