/**
 * The cart aggregate: its events, its rules, and the commands that append them.
 */
@NullMarked
package dev.eventstore.sample.cart;

import org.jspecify.annotations.NullMarked;
